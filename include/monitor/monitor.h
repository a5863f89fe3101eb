/*
 * QMP and the human monitor (HMP).
 *
 * Commands register themselves from constructors; the monitor core owns
 * the sockets, JSON framing, capability negotiation and error replies.
 */
#ifndef MONITOR_MONITOR_H
#define MONITOR_MONITOR_H

#include <stdbool.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include "qapi/error.h"

/*
 * A QMP command handler.  @args is the "arguments" object (never NULL: an
 * empty object when absent).  On success return the "return" value (NULL
 * means {}); on failure set @errp and return NULL.
 */
typedef JsonNode *QmpCommandFunc(JsonObject *args, Error **errp);

typedef enum QmpCommandFlags {
    QMP_CMD_NONE = 0,
    /* Allowed before qmp_capabilities (only qmp_capabilities itself). */
    QMP_CMD_ALLOW_PRECONFIG_NEGOTIATION = 1 << 0,
} QmpCommandFlags;

void qmp_register_command(const char *name, QmpCommandFunc *fn,
                          QmpCommandFlags flags);

/* Emit an event to every negotiated QMP client; @data may be NULL. */
void qmp_event_emit(const char *event, JsonObject *data);

/*
 * Human monitor commands.  A handler writes its output into @out.
 * @args is the rest of the command line after the command word(s).
 */
typedef void HmpCommandFunc(GString *out, const char *args);
/* "info NAME" subcommand. */
void hmp_register_info(const char *name, const char *params_help,
                       const char *help, HmpCommandFunc *fn);
/* A top-level command such as "quit" or "object_add". */
void hmp_register_command(const char *name, const char *params_help,
                          const char *help, HmpCommandFunc *fn);
/* Run one HMP command line; the output (with errors) goes to @out. */
void hmp_execute(const char *cmdline, GString *out);

/*
 * Open monitors from the command line:
 *   -qmp unix:PATH,server=on,wait=off | tcp:HOST:PORT,server=on,wait=off |
 *        stdio
 *   -monitor stdio | unix:PATH,server=on,wait=off | none
 */
bool monitor_add_qmp(const char *spec, Error **errp);
bool monitor_add_hmp(const char *spec, Error **errp);
/* Close all monitors (at exit). */
void monitor_cleanup(void);

/* JSON helpers for handlers. */
JsonNode *qmp_node_new_object(JsonObject *obj);   /* takes ownership */
JsonNode *qmp_node_new_array(JsonArray *arr);     /* takes ownership */
const char *qmp_arg_str(JsonObject *args, const char *name, bool required,
                        Error **errp);

#endif
