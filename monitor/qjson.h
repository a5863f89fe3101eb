/*
 * QEMU's JSON, between the files of monitor/ only: the streamer that
 * frames a byte stream into messages (with QEMU's recovery points and
 * limits), and the member order QEMU prints objects in.  The parser and
 * writer behind it are reached through qmp_json_parse() and
 * qmp_json_to_string() in monitor/monitor.h.
 */
#ifndef MONITOR_QJSON_H
#define MONITOR_QJSON_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include "qapi/error.h"

/* Lexer states; a token in progress is named by what it has seen. */
typedef enum QJsonLexState {
    LEX_START,
    LEX_RECOVERY,       /* after a lexical error: skip to a sync point */
    LEX_DQ,             /* inside "..." */
    LEX_DQ_ESC,         /* after a backslash inside "..." */
    LEX_SQ,             /* inside '...' (QEMU's extension) */
    LEX_SQ_ESC,
    LEX_ZERO,           /* "0" or "-0" */
    LEX_SIGN,           /* "-" */
    LEX_DIGITS,         /* an integer */
    LEX_MANTISSA,       /* digits and "." */
    LEX_MANTISSA_DIGITS,
    LEX_EXP_E,          /* ... "e" */
    LEX_EXP_SIGN,       /* ... "e-" */
    LEX_EXP_DIGITS,
    LEX_KEYWORD,        /* [a-z]+, checked by the parser */
} QJsonLexState;

/* Called with a parsed message or an error (ownership passes). */
typedef void QJsonEmitFunc(void *opaque, JsonNode *json, Error *err);

typedef struct QJsonStreamer {
    QJsonLexState state;
    GString *text;      /* the message's tokens, then the one being lexed */
    guint tok_start;    /* where the token being lexed starts in @text */
    GArray *tokens;     /* complete tokens of the message, of QJsonToken */
    int braces;
    int brackets;
    QJsonEmitFunc *emit;
    void *opaque;
} QJsonStreamer;

/* Start framing; @emit gets each message (or its error). */
void json_streamer_init(QJsonStreamer *s, QJsonEmitFunc *emit,
                        void *opaque);
/* Feed bytes as they arrive; complete messages are emitted at once. */
void json_streamer_feed(QJsonStreamer *s, const char *buf, size_t len);
/* Forget a half-read message (the client went away). */
void json_streamer_reset(QJsonStreamer *s);
void json_streamer_destroy(QJsonStreamer *s);

/* One member of an object, as json_object_qemu_order() lists them. */
typedef struct OrderedMember {
    const char *name;
    guint bucket;       /* QEMU's QDict hash bucket */
    guint index;        /* insertion order */
} OrderedMember;

/* @obj's members in the order QEMU prints them (of OrderedMember). */
GArray *json_object_qemu_order(JsonObject *obj);

#endif
