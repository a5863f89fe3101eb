/*
 * QMP and the human monitor (HMP).
 *
 * Commands register themselves (from constructors or early in main); the
 * monitor core owns the transports (through chardev/char.h), the JSON
 * framing, capability negotiation, argument checking and error replies.
 * Everything here runs on the main thread, except qmp_event_emit().
 */
#ifndef MONITOR_MONITOR_H
#define MONITOR_MONITOR_H

#include <stdbool.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include "qapi/error.h"

/*
 * The QEMU release whose QMP interface memvm speaks; query-version and the
 * greeting report it, with "memvm-<version>" as the package.
 */
#define QMP_COMPAT_MAJOR 7
#define QMP_COMPAT_MINOR 2
#define QMP_COMPAT_MICRO 0

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
    /*
     * Allowed while memvm starts (monitor_poll_startup()): only queries
     * that read what already exists.
     */
    QMP_CMD_ALLOW_STARTUP = 1 << 1,
} QmpCommandFlags;

/*
 * Register a command that checks its own arguments: the core passes any
 * "arguments" object through.
 */
void qmp_register_command(const char *name, QmpCommandFunc *fn,
                          QmpCommandFlags flags);
/*
 * Register a command with an argument schema the core checks first, with
 * QEMU's messages ("Parameter 'x' is missing", "Invalid parameter type for
 * 'x', expected: string", "Parameter 'x' is unexpected").  @schema is a
 * space-separated list of NAME:TYPE, NAME?:TYPE for optional members;
 * TYPE is str, int, bool, number, object, array or any.  A final "**"
 * lets further members through to the handler (object-add's properties).
 * "" means the command takes no arguments.
 */
void qmp_register_command_args(const char *name, const char *schema,
                               QmpCommandFunc *fn, QmpCommandFlags flags);
/* Sorted names of all registered commands; free with g_ptr_array_unref. */
GPtrArray *qmp_command_names(void);
/*
 * The argument schema @name was registered with (see
 * qmp_register_command_args()); NULL for an unknown command or one that
 * checks its own arguments.
 */
const char *qmp_command_schema(const char *name);

/*
 * Emit an event to every negotiated QMP client; @data may be NULL and is
 * borrowed (the caller keeps its reference).  Safe from any thread: off
 * the main thread the event is timestamped now and sent from the main loop.
 */
void qmp_event_emit(const char *event, JsonObject *data);

/*
 * While start-up keeps the main loop from running (guest RAM being
 * preallocated), serve the monitors once, without blocking: accept
 * clients, greet them, send queued events, answer the QMP commands
 * registered with QMP_CMD_ALLOW_STARTUP.  Anything else a client sends
 * (another command, and what follows it; HMP input) is held and answered,
 * in order, from the main loop once memvm has started, as if the
 * monitor had not been served before.
 */
void monitor_poll_startup(void);
/* Whether monitor_poll_startup() is serving the monitors right now. */
bool monitor_in_startup(void);

/* {"qemu": {"major": 7, "minor": 2, "micro": 0}, "package": "memvm-..."} */
JsonObject *qmp_version_info(void);

/*
 * Human monitor commands.  A handler writes its output into @out, with
 * "\n" line ends (the transports send "\r\n", as QEMU does).  @args is the
 * rest of the command line after the command word(s), with surrounding
 * blanks removed ("" when there is none).
 */
typedef void HmpCommandFunc(GString *out, const char *args);
/*
 * "info NAME" subcommand.  An empty @params_help means the command takes
 * no arguments: the core answers anything after it with QEMU's
 * "NAME: extraneous characters at the end of line".
 */
void hmp_register_info(const char *name, const char *params_help,
                       const char *help, HmpCommandFunc *fn);
/*
 * A top-level command such as "quit" or "object_add".  @name may list
 * aliases after '|' ("quit|q"); help shows it that way, as QEMU does.
 */
void hmp_register_command(const char *name, const char *params_help,
                          const char *help, HmpCommandFunc *fn);
/* Run one HMP command line; the output (with errors) goes to @out. */
void hmp_execute(const char *cmdline, GString *out);
/* Print "Error: MESSAGE\n" (and the hint) as QEMU's HMP does; frees @err. */
void hmp_handle_error(GString *out, Error *err);
/*
 * Print QEMU's usage complaint for @cmd ("object_add: string expected",
 * then "Try \"help object_add\" for more information").
 */
void hmp_usage_error(GString *out, const char *cmd, const char *what);

/*
 * Open monitors from the command line:
 *   -qmp unix:PATH,server=on,wait=off | tcp:HOST:PORT,server=on,wait=off |
 *        stdio
 *   -monitor stdio | unix:PATH,server=on,wait=off | none
 * A server serves one client at a time; each client starts afresh (a new
 * greeting, capabilities negotiated again).
 */
bool monitor_add_qmp(const char *spec, Error **errp);
bool monitor_add_hmp(const char *spec, Error **errp);
/*
 * Serve one client whose whole stream is @buf, without a transport: the
 * greeting, then the reply to each complete message, as the CR LF ended
 * lines a socket client would read.  Bytes after the last complete message
 * are dropped, as on a disconnect; events are not included.  For fuzzing
 * and tests; the caller frees the result.
 */
char *qmp_dispatch_buffer(const char *buf, size_t len);
/* Close all monitors (at exit). */
void monitor_cleanup(void);

/* JSON helpers for handlers. */
JsonNode *qmp_node_new_object(JsonObject *obj);   /* takes ownership */
JsonNode *qmp_node_new_array(JsonArray *arr);     /* takes ownership */
/*
 * The string member @name of @args; NULL when absent (an error only if
 * @required) or not a string, with QEMU's messages.
 */
const char *qmp_arg_str(JsonObject *args, const char *name, bool required,
                        Error **errp);

/*
 * JSON text as QEMU writes it: ", " and ": " separators, object members in
 * the order of QEMU's dictionary (a hash of the key), non-ASCII and
 * control characters as \uXXXX, numbers with "%.17g".  Caller frees.
 */
char *qmp_json_to_string(JsonNode *node);
/*
 * Parse one JSON value with QEMU's parser rules and error messages ("JSON
 * parse error, ...").  Returns NULL with @errp set on error.
 */
JsonNode *qmp_json_parse(const char *text, size_t len, Error **errp);

/* --- between the files of monitor/ only ----------------------------- */

/*
 * Open a monitor's chardev from its -qmp/-monitor @spec.  Only one
 * monitor may use stdin/stdout ("cannot use stdio by ...").
 */
struct Chardev *monitor_open_chardev(const char *spec, Error **errp);
/* Close the human monitors (monitor_cleanup() calls it). */
void hmp_cleanup(void);
/* Whether a human monitor is open. */
bool hmp_has_monitors(void);
/* A monitor holds input until start-up is over (monitor_poll_startup). */
void monitor_hold_input(void);
/* Run the HMP input held during start-up. */
void hmp_release_held(void);
/* @text with every "\n" turned into "\r\n"; caller frees. */
char *hmp_output_crlf(const char *text);

#endif
