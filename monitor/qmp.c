/*
 * The QMP server: JSON framing and parsing, the greeting, capability
 * negotiation, command dispatch with argument checking, and events.
 *
 * json-glib parses whole documents and its messages are not QEMU's, so the
 * wire side is our own: a lexer that frames the byte stream into messages
 * the way QEMU's does (same recovery points, same limits), a parser over
 * its tokens that builds json-glib nodes with QEMU's error texts, and a
 * writer that prints JSON the way QEMU does.  Handlers only ever see
 * json-glib objects.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>

#include "config-host.h"
#include "chardev/char.h"
#include "monitor/monitor.h"
#include "sysemu/runstate.h"

/*
 * QEMU's limits on one message (qobject/json-streamer.c): bytes of all its
 * tokens, number of tokens, and nesting depth.  A client cannot make us
 * hold more than that, whatever it sends.
 */
#define JSON_MAX_MESSAGE_BYTES (64u << 20)
#define JSON_MAX_TOKENS (2u << 20)
#define JSON_MAX_NESTING 1024

/* --- Unicode, with QEMU's rules ------------------------------------------ */

/*
 * QEMU accepts Unicode scalar values except the noncharacters; U+0000 is
 * carried inside C strings as the overlong pair C0 80 ("modified UTF-8").
 */
static bool codepoint_ok(long cp)
{
    if (cp < 0 || cp > 0x10FFFF) {
        return false;
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) {
        return false;
    }
    if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) {
        return false;
    }
    return true;
}

/*
 * Decode one character of modified UTF-8 from at most @n bytes at @p.
 * Returns the code point or -1; *@used tells how many bytes it took (an
 * invalid sequence ends before the first byte that does not fit it).
 */
static long utf8_decode(const unsigned char *p, size_t n, size_t *used)
{
    static const long min_cp[7] = {
        0, 0, 0x80, 0x800, 0x10000, 0x200000, 0x4000000,
    };
    unsigned char lead = p[0];
    size_t len, i;
    long cp;

    *used = 1;
    if (lead < 0x80) {
        return lead;
    }
    if (lead >= 0xFE || (lead & 0xC0) == 0x80) {
        return -1;
    }
    for (len = 0; lead & (0x80 >> len); len++) {
        continue;
    }
    cp = lead & (0x7F >> len);
    for (i = 1; i < len; i++) {
        if (i >= n || (p[i] & 0xC0) != 0x80) {
            *used = i;
            return -1;
        }
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    *used = len;
    if (cp == 0 && len == 2) {
        return 0;
    }
    if (cp < min_cp[len] || !codepoint_ok(cp)) {
        return -1;
    }
    return cp;
}

/* Encode @cp as modified UTF-8 into @buf (4 bytes); -1 if not allowed. */
static int utf8_encode(char *buf, long cp)
{
    if (!codepoint_ok(cp)) {
        return -1;
    }
    if (cp == 0) {
        buf[0] = (char)0xC0;
        buf[1] = (char)0x80;
        return 2;
    }
    if (cp < 0x80) {
        buf[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        buf[0] = (char)(0xC0 | (cp >> 6));
        buf[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        buf[0] = (char)(0xE0 | (cp >> 12));
        buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        buf[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    buf[0] = (char)(0xF0 | (cp >> 18));
    buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    buf[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* --- member order ------------------------------------------------------- */

/*
 * QEMU keeps JSON objects in a 512-bucket hash table and prints them bucket
 * by bucket, newest entry first within a bucket.  Printing members in that
 * order makes our replies byte-for-byte comparable with QEMU's.  The hash
 * is the one QEMU's dictionary uses (tdb's, from gdbm).
 */
#define QDICT_BUCKETS 512

static guint32 qdict_hash(const char *key)
{
    guint32 value = 0x238F13AFu * (guint32)strlen(key);

    for (guint32 i = 0; key[i]; i++) {
        value += (guint32)(unsigned char)key[i] << (i * 5 % 24);
    }
    return 1103515243u * value + 12345u;
}

typedef struct OrderedMember {
    const char *name;
    guint bucket;
    guint index;        /* insertion order */
} OrderedMember;

static gint ordered_member_cmp(gconstpointer a, gconstpointer b)
{
    const OrderedMember *x = a, *y = b;

    if (x->bucket != y->bucket) {
        return x->bucket < y->bucket ? -1 : 1;
    }
    return x->index > y->index ? -1 : x->index < y->index;
}

/* Member names of @obj in QEMU's order; free with g_array_unref(). */
static GArray *json_object_qemu_order(JsonObject *obj)
{
    GList *names = json_object_get_members(obj);
    GArray *out = g_array_new(FALSE, FALSE, sizeof(OrderedMember));
    guint i = 0;

    for (GList *l = names; l; l = l->next, i++) {
        OrderedMember m = {
            l->data, qdict_hash(l->data) % QDICT_BUCKETS, i,
        };

        g_array_append_val(out, m);
    }
    g_list_free(names);
    g_array_sort(out, ordered_member_cmp);
    return out;
}

/* --- writing JSON ------------------------------------------------------- */

static void json_append_string(GString *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);

    g_string_append_c(out, '"');
    while (n) {
        size_t used;
        long cp = utf8_decode(p, n, &used);

        p += used;
        n -= used;
        switch (cp) {
        case '"':
            g_string_append(out, "\\\"");
            break;
        case '\\':
            g_string_append(out, "\\\\");
            break;
        case '\b':
            g_string_append(out, "\\b");
            break;
        case '\f':
            g_string_append(out, "\\f");
            break;
        case '\n':
            g_string_append(out, "\\n");
            break;
        case '\r':
            g_string_append(out, "\\r");
            break;
        case '\t':
            g_string_append(out, "\\t");
            break;
        default:
            if (cp < 0) {
                cp = 0xFFFD;    /* the replacement character, as QEMU */
            }
            if (cp > 0xFFFF) {
                cp -= 0x10000;
                g_string_append_printf(out, "\\u%04lX\\u%04lX",
                                       0xD800 | (cp >> 10),
                                       0xDC00 | (cp & 0x3FF));
            } else if (cp < 0x20 || cp >= 0x7F) {
                g_string_append_printf(out, "\\u%04lX", cp);
            } else {
                g_string_append_c(out, (char)cp);
            }
        }
    }
    g_string_append_c(out, '"');
}

static void json_append_node(GString *out, JsonNode *node);

static void json_append_object(GString *out, JsonObject *obj)
{
    GArray *order = json_object_qemu_order(obj);

    g_string_append_c(out, '{');
    for (guint i = 0; i < order->len; i++) {
        const char *name = g_array_index(order, OrderedMember, i).name;

        if (i) {
            g_string_append(out, ", ");
        }
        json_append_string(out, name);
        g_string_append(out, ": ");
        json_append_node(out, json_object_get_member(obj, name));
    }
    g_string_append_c(out, '}');
    g_array_unref(order);
}

static void json_append_node(GString *out, JsonNode *node)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    JsonArray *arr;

    if (!node || JSON_NODE_HOLDS_NULL(node)) {
        g_string_append(out, "null");
        return;
    }
    switch (json_node_get_node_type(node)) {
    case JSON_NODE_OBJECT:
        json_append_object(out, json_node_get_object(node));
        return;
    case JSON_NODE_ARRAY:
        arr = json_node_get_array(node);
        g_string_append_c(out, '[');
        for (guint i = 0; i < json_array_get_length(arr); i++) {
            if (i) {
                g_string_append(out, ", ");
            }
            json_append_node(out, json_array_get_element(arr, i));
        }
        g_string_append_c(out, ']');
        return;
    default:
        break;
    }
    switch (json_node_get_value_type(node)) {
    case G_TYPE_INT64:
        g_string_append_printf(out, "%" G_GINT64_FORMAT,
                               json_node_get_int(node));
        break;
    case G_TYPE_DOUBLE:
        /* QEMU prints doubles with %.17g (so 1e400 shows as "inf"). */
        g_string_append(out, g_ascii_formatd(buf, sizeof(buf), "%.17g",
                                             json_node_get_double(node)));
        break;
    case G_TYPE_BOOLEAN:
        g_string_append(out, json_node_get_boolean(node) ? "true" : "false");
        break;
    case G_TYPE_STRING:
        json_append_string(out, json_node_get_string(node) ?
                                json_node_get_string(node) : "");
        break;
    default:
        g_string_append(out, "null");
        break;
    }
}

char *qmp_json_to_string(JsonNode *node)
{
    GString *out = g_string_new(NULL);

    json_append_node(out, node);
    return g_string_free(out, FALSE);
}

/* --- framing: the lexer and the streamer ------------------------------ */

typedef enum QJsonTokenType {
    JT_LCURLY,
    JT_RCURLY,
    JT_LSQUARE,
    JT_RSQUARE,
    JT_COLON,
    JT_COMMA,
    JT_INTEGER,
    JT_FLOAT,
    JT_KEYWORD,
    JT_STRING,
} QJsonTokenType;

typedef struct QJsonToken {
    QJsonTokenType type;
    guint start;        /* offset of its text in QJsonStreamer.text */
    guint len;
} QJsonToken;

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

static JsonNode *json_parse_tokens(const char *text, const QJsonToken *toks,
                                   guint n, Error **errp);

static void json_streamer_init(QJsonStreamer *s, QJsonEmitFunc *emit,
                               void *opaque)
{
    memset(s, 0, sizeof(*s));
    s->text = g_string_new(NULL);
    s->tokens = g_array_new(FALSE, FALSE, sizeof(QJsonToken));
    s->emit = emit;
    s->opaque = opaque;
}

static void json_streamer_discard(QJsonStreamer *s)
{
    /* Do not keep a huge buffer around after a huge message. */
    if (s->text->allocated_len > 65536) {
        g_string_free(s->text, TRUE);
        s->text = g_string_new(NULL);
    } else {
        g_string_truncate(s->text, 0);
    }
    if (s->tokens->len > 65536) {
        g_array_unref(s->tokens);
        s->tokens = g_array_new(FALSE, FALSE, sizeof(QJsonToken));
    } else {
        g_array_set_size(s->tokens, 0);
    }
    s->tok_start = 0;
    s->braces = 0;
    s->brackets = 0;
}

/* Forget everything: a new client starts from a clean slate. */
static void json_streamer_reset(QJsonStreamer *s)
{
    json_streamer_discard(s);
    s->state = LEX_START;
}

static void json_streamer_destroy(QJsonStreamer *s)
{
    g_string_free(s->text, TRUE);
    g_array_unref(s->tokens);
}

static void json_streamer_fail(QJsonStreamer *s, Error *err)
{
    json_streamer_discard(s);
    s->emit(s->opaque, NULL, err);
}

static void json_streamer_limit(QJsonStreamer *s, const char *what)
{
    Error *err = NULL;

    error_setg(&err, "JSON %s limit exceeded", what);
    json_streamer_fail(s, err);
}

/* A token is complete: count it, and emit the message once it closes. */
static void json_streamer_token(QJsonStreamer *s, QJsonTokenType type)
{
    QJsonToken tok = { type, s->tok_start, s->text->len - s->tok_start };
    Error *err = NULL;
    JsonNode *json;

    switch (type) {
    case JT_LCURLY:
        s->braces++;
        break;
    case JT_RCURLY:
        s->braces--;
        break;
    case JT_LSQUARE:
        s->brackets++;
        break;
    case JT_RSQUARE:
        s->brackets--;
        break;
    default:
        break;
    }
    if (s->tokens->len + 1 > JSON_MAX_TOKENS) {
        json_streamer_limit(s, "token count");
        return;
    }
    if (s->braces + s->brackets > JSON_MAX_NESTING) {
        json_streamer_limit(s, "nesting depth");
        return;
    }
    g_array_append_val(s->tokens, tok);
    s->tok_start = s->text->len;
    /* Inside an object or array: wait for the rest. */
    if ((s->braces > 0 || s->brackets > 0) &&
        s->braces >= 0 && s->brackets >= 0) {
        return;
    }
    json = json_parse_tokens(s->text->str, (QJsonToken *)s->tokens->data,
                             s->tokens->len, &err);
    json_streamer_discard(s);
    s->emit(s->opaque, json, err);
}

/*
 * A lexical error: the stray token includes the offending byte, as in
 * QEMU, and input is skipped up to the next point where a new message may
 * plausibly start.
 */
static void json_lex_error(QJsonStreamer *s)
{
    Error *err = NULL;

    error_setg(&err, "JSON parse error, stray '%s'",
               s->text->str + s->tok_start);
    s->state = LEX_RECOVERY;
    json_streamer_fail(s, err);
}

/*
 * Where recovery ends: structural characters, ASCII controls other than
 * tab (a newline in particular), and the bytes 0xFE/0xFF that cannot occur
 * in UTF-8, which a client may send to force a resynchronisation.
 */
static bool json_lex_sync_point(unsigned char c)
{
    if (c >= 0xFE || (c < 0x20 && c != '\t')) {
        return true;
    }
    return c == '[' || c == ']' || c == '{' || c == '}' || c == ':' ||
           c == ',';
}

static void json_lex_append(QJsonStreamer *s, unsigned char c)
{
    g_string_append_c(s->text, (char)c);
}

/* End the token in progress without consuming @c (which starts the next). */
static void json_lex_finish(QJsonStreamer *s, QJsonTokenType type)
{
    s->state = LEX_START;
    json_streamer_token(s, type);
}

static void json_lex_char(QJsonStreamer *s, unsigned char c)
{
    bool digit = c >= '0' && c <= '9';

    for (;;) {
        switch (s->state) {
        case LEX_START:
            s->tok_start = s->text->len;
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                return;
            }
            json_lex_append(s, c);
            switch (c) {
            case '{':
                json_streamer_token(s, JT_LCURLY);
                return;
            case '}':
                json_streamer_token(s, JT_RCURLY);
                return;
            case '[':
                json_streamer_token(s, JT_LSQUARE);
                return;
            case ']':
                json_streamer_token(s, JT_RSQUARE);
                return;
            case ':':
                json_streamer_token(s, JT_COLON);
                return;
            case ',':
                json_streamer_token(s, JT_COMMA);
                return;
            case '"':
                s->state = LEX_DQ;
                return;
            case '\'':
                s->state = LEX_SQ;
                return;
            case '0':
                s->state = LEX_ZERO;
                return;
            case '-':
                s->state = LEX_SIGN;
                return;
            default:
                if (digit) {
                    s->state = LEX_DIGITS;
                } else if (c >= 'a' && c <= 'z') {
                    s->state = LEX_KEYWORD;
                } else {
                    json_lex_error(s);
                }
                return;
            }
        case LEX_RECOVERY:
            if (!json_lex_sync_point(c)) {
                return;
            }
            s->state = LEX_START;
            continue;
        case LEX_DQ:
        case LEX_SQ:
            json_lex_append(s, c);
            if (c < 0x20 || c >= 0xFE) {
                json_lex_error(s);
            } else if (c == '\\') {
                s->state = s->state == LEX_DQ ? LEX_DQ_ESC : LEX_SQ_ESC;
            } else if (c == (s->state == LEX_DQ ? '"' : '\'')) {
                s->state = LEX_START;
                json_streamer_token(s, JT_STRING);
            }
            return;
        case LEX_DQ_ESC:
        case LEX_SQ_ESC:
            /* Any printable character here; the parser judges escapes. */
            json_lex_append(s, c);
            if (c < 0x20 || c >= 0xFE) {
                json_lex_error(s);
            } else {
                s->state = s->state == LEX_DQ_ESC ? LEX_DQ : LEX_SQ;
            }
            return;
        case LEX_ZERO:
            if (c == '.') {
                json_lex_append(s, c);
                s->state = LEX_MANTISSA;
                return;
            }
            if (digit) {
                json_lex_append(s, c);  /* no leading zeros in JSON */
                json_lex_error(s);
                return;
            }
            json_lex_finish(s, JT_INTEGER);
            continue;
        case LEX_SIGN:
            json_lex_append(s, c);
            if (c == '0') {
                s->state = LEX_ZERO;
            } else if (digit) {
                s->state = LEX_DIGITS;
            } else {
                json_lex_error(s);
            }
            return;
        case LEX_DIGITS:
            if (digit || c == '.' || c == 'e' || c == 'E') {
                json_lex_append(s, c);
                s->state = digit ? LEX_DIGITS :
                           c == '.' ? LEX_MANTISSA : LEX_EXP_E;
                return;
            }
            json_lex_finish(s, JT_INTEGER);
            continue;
        case LEX_MANTISSA:
            json_lex_append(s, c);
            if (digit) {
                s->state = LEX_MANTISSA_DIGITS;
            } else {
                json_lex_error(s);
            }
            return;
        case LEX_MANTISSA_DIGITS:
            if (digit || c == 'e' || c == 'E') {
                json_lex_append(s, c);
                s->state = digit ? LEX_MANTISSA_DIGITS : LEX_EXP_E;
                return;
            }
            json_lex_finish(s, JT_FLOAT);
            continue;
        case LEX_EXP_E:
            json_lex_append(s, c);
            if (digit) {
                s->state = LEX_EXP_DIGITS;
            } else if (c == '+' || c == '-') {
                s->state = LEX_EXP_SIGN;
            } else {
                json_lex_error(s);
            }
            return;
        case LEX_EXP_SIGN:
            json_lex_append(s, c);
            if (digit) {
                s->state = LEX_EXP_DIGITS;
            } else {
                json_lex_error(s);
            }
            return;
        case LEX_EXP_DIGITS:
            if (digit) {
                json_lex_append(s, c);
                return;
            }
            json_lex_finish(s, JT_FLOAT);
            continue;
        case LEX_KEYWORD:
            if (c >= 'a' && c <= 'z') {
                json_lex_append(s, c);
                return;
            }
            json_lex_finish(s, JT_KEYWORD);
            continue;
        }
    }
}

static void json_streamer_feed(QJsonStreamer *s, const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        json_lex_char(s, (unsigned char)buf[i]);
        if (s->text->len >= JSON_MAX_MESSAGE_BYTES) {
            /* As QEMU: drop what we have and lex on from a clean state. */
            s->state = LEX_START;
            json_streamer_limit(s, "token size");
        }
    }
}

/* End of input: finish a pending number or keyword, then the message. */
static void json_streamer_flush(QJsonStreamer *s)
{
    Error *err = NULL;
    JsonNode *json;

    switch (s->state) {
    case LEX_START:
    case LEX_RECOVERY:
        break;
    case LEX_ZERO:
    case LEX_DIGITS:
        json_lex_finish(s, JT_INTEGER);
        break;
    case LEX_MANTISSA_DIGITS:
    case LEX_EXP_DIGITS:
        json_lex_finish(s, JT_FLOAT);
        break;
    case LEX_KEYWORD:
        json_lex_finish(s, JT_KEYWORD);
        break;
    default:
        json_lex_error(s);
        break;
    }
    s->state = LEX_START;
    if (s->tokens->len) {
        json = json_parse_tokens(s->text->str, (QJsonToken *)s->tokens->data,
                                 s->tokens->len, &err);
        json_streamer_discard(s);
        s->emit(s->opaque, json, err);
    }
}

/* --- parsing tokens ----------------------------------------------------- */

typedef struct QJsonParser {
    const char *text;
    const QJsonToken *toks;
    guint n;
    guint pos;
    Error *err;
} QJsonParser;

static void G_GNUC_PRINTF(2, 3) json_parse_error(QJsonParser *p,
                                                 const char *fmt, ...)
{
    va_list ap;
    char *msg;

    /* QEMU reports the innermost (first) problem, not the follow-ups. */
    if (p->err) {
        return;
    }
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    error_setg(&p->err, "JSON parse error, %s", msg);
    g_free(msg);
}

static const QJsonToken *json_peek(QJsonParser *p)
{
    return p->pos < p->n ? &p->toks[p->pos] : NULL;
}

static const QJsonToken *json_pop(QJsonParser *p)
{
    return p->pos < p->n ? &p->toks[p->pos++] : NULL;
}

static JsonNode *json_parse_value(QJsonParser *p);

static JsonNode *json_parse_string(QJsonParser *p, const QJsonToken *tok)
{
    const char *s = p->text + tok->start;
    const char *tok_end = s + tok->len;
    const char *end = tok_end - 1;      /* the closing quote */
    const char *q = s + 1;
    GString *str = g_string_new(NULL);
    char buf[4];
    JsonNode *node;

    while (q < end) {
        if (*q == '\\') {
            const char *esc = q;
            long cp;

            q++;
            switch (*q) {
            case '"':
            case '\'':
            case '\\':
            case '/':
                g_string_append_c(str, *q++);
                continue;
            case 'b':
                g_string_append_c(str, '\b');
                q++;
                continue;
            case 'f':
                g_string_append_c(str, '\f');
                q++;
                continue;
            case 'n':
                g_string_append_c(str, '\n');
                q++;
                continue;
            case 'r':
                g_string_append_c(str, '\r');
                q++;
                continue;
            case 't':
                g_string_append_c(str, '\t');
                q++;
                continue;
            case 'u':
                break;
            default:
                json_parse_error(p, "invalid escape sequence in string");
                goto fail;
            }
            cp = -1;
            if (end - q > 4 && g_ascii_isxdigit(q[1]) &&
                g_ascii_isxdigit(q[2]) && g_ascii_isxdigit(q[3]) &&
                g_ascii_isxdigit(q[4])) {
                cp = g_ascii_xdigit_value(q[1]) << 12 |
                     g_ascii_xdigit_value(q[2]) << 8 |
                     g_ascii_xdigit_value(q[3]) << 4 |
                     g_ascii_xdigit_value(q[4]);
                q += 5;
                /* A high surrogate pairs with a following \uDC00-\uDFFF. */
                if (cp >= 0xD800 && cp <= 0xDBFF && end - q >= 6 &&
                    q[0] == '\\' && q[1] == 'u' &&
                    g_ascii_isxdigit(q[2]) && g_ascii_isxdigit(q[3]) &&
                    g_ascii_isxdigit(q[4]) && g_ascii_isxdigit(q[5])) {
                    long lo = g_ascii_xdigit_value(q[2]) << 12 |
                              g_ascii_xdigit_value(q[3]) << 8 |
                              g_ascii_xdigit_value(q[4]) << 4 |
                              g_ascii_xdigit_value(q[5]);

                    if (lo >= 0xDC00 && lo <= 0xDFFF) {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        q += 6;
                    }
                }
            }
            if (cp < 0 || utf8_encode(buf, cp) < 0) {
                /* QEMU quotes six characters from the backslash on. */
                json_parse_error(p, "%.*s is not a valid Unicode character",
                                 (int)MIN(6, tok_end - esc), esc);
                goto fail;
            }
            g_string_append_len(str, buf, utf8_encode(buf, cp));
        } else {
            size_t used;

            if (utf8_decode((const unsigned char *)q, end - q, &used) < 0) {
                json_parse_error(p, "invalid UTF-8 sequence in string");
                goto fail;
            }
            g_string_append_len(str, q, used);
            q += used;
        }
    }
    node = json_node_init_string(json_node_alloc(), str->str);
    g_string_free(str, TRUE);
    return node;

fail:
    g_string_free(str, TRUE);
    return NULL;
}

/*
 * Integers that fit int64 stay integers.  json-glib has no unsigned 64-bit
 * integers, so larger ones (QEMU keeps those up to 2^64-1 exact) become
 * doubles, as everything else beyond QEMU's range does.
 */
static JsonNode *json_parse_number(QJsonParser *p, const QJsonToken *tok)
{
    char *str = g_strndup(p->text + tok->start, tok->len);
    JsonNode *node = json_node_alloc();
    char *end;

    if (tok->type == JT_INTEGER) {
        gint64 v;

        errno = 0;
        v = g_ascii_strtoll(str, &end, 10);
        if (errno == 0 && *end == '\0') {
            json_node_init_int(node, v);
            g_free(str);
            return node;
        }
    }
    json_node_init_double(node, g_ascii_strtod(str, NULL));
    g_free(str);
    return node;
}

static JsonNode *json_parse_keyword(QJsonParser *p, const QJsonToken *tok)
{
    const char *s = p->text + tok->start;

    if (tok->len == 4 && !strncmp(s, "true", 4)) {
        return json_node_init_boolean(json_node_alloc(), TRUE);
    }
    if (tok->len == 5 && !strncmp(s, "false", 5)) {
        return json_node_init_boolean(json_node_alloc(), FALSE);
    }
    if (tok->len == 4 && !strncmp(s, "null", 4)) {
        return json_node_init_null(json_node_alloc());
    }
    json_parse_error(p, "invalid keyword '%.*s'", (int)tok->len, s);
    return NULL;
}

static bool json_parse_pair(QJsonParser *p, JsonObject *obj)
{
    const QJsonToken *tok;
    JsonNode *key, *value;
    bool ok = false;

    if (!json_peek(p)) {
        json_parse_error(p, "premature EOI");
        return false;
    }
    key = json_parse_value(p);
    if (!key || json_node_get_value_type(key) != G_TYPE_STRING) {
        json_parse_error(p, "key is not a string in object");
        goto out;
    }
    tok = json_pop(p);
    if (!tok) {
        json_parse_error(p, "premature EOI");
        goto out;
    }
    if (tok->type != JT_COLON) {
        json_parse_error(p, "missing : in object pair");
        goto out;
    }
    value = json_parse_value(p);
    if (!value) {
        json_parse_error(p, "Missing value in dict");
        goto out;
    }
    if (json_object_has_member(obj, json_node_get_string(key))) {
        json_parse_error(p, "duplicate key");
        json_node_unref(value);
        goto out;
    }
    json_object_set_member(obj, json_node_get_string(key), value);
    ok = true;
out:
    if (key) {
        json_node_unref(key);
    }
    return ok;
}

static JsonNode *json_parse_object(QJsonParser *p)
{
    JsonObject *obj = json_object_new();
    const QJsonToken *tok;

    json_pop(p);                                /* the '{' */
    tok = json_peek(p);
    if (!tok) {
        json_parse_error(p, "premature EOI");
        goto fail;
    }
    if (tok->type == JT_RCURLY) {
        json_pop(p);
        return qmp_node_new_object(obj);
    }
    if (!json_parse_pair(p, obj)) {
        goto fail;
    }
    while ((tok = json_pop(p)) && tok->type != JT_RCURLY) {
        if (tok->type != JT_COMMA) {
            json_parse_error(p, "expected separator in dict");
            goto fail;
        }
        if (!json_parse_pair(p, obj)) {
            goto fail;
        }
    }
    if (!tok) {
        json_parse_error(p, "premature EOI");
        goto fail;
    }
    return qmp_node_new_object(obj);

fail:
    json_object_unref(obj);
    return NULL;
}

static JsonNode *json_parse_array(QJsonParser *p)
{
    JsonArray *arr = json_array_new();
    const QJsonToken *tok;
    JsonNode *elem;

    json_pop(p);                                /* the '[' */
    tok = json_peek(p);
    if (!tok) {
        json_parse_error(p, "premature EOI");
        goto fail;
    }
    if (tok->type == JT_RSQUARE) {
        json_pop(p);
        return qmp_node_new_array(arr);
    }
    elem = json_parse_value(p);
    if (!elem) {
        json_parse_error(p, "expecting value");
        goto fail;
    }
    json_array_add_element(arr, elem);
    while ((tok = json_pop(p)) && tok->type != JT_RSQUARE) {
        if (tok->type != JT_COMMA) {
            json_parse_error(p, "expected separator in list");
            goto fail;
        }
        elem = json_parse_value(p);
        if (!elem) {
            json_parse_error(p, "expecting value");
            goto fail;
        }
        json_array_add_element(arr, elem);
    }
    if (!tok) {
        json_parse_error(p, "premature EOI");
        goto fail;
    }
    return qmp_node_new_array(arr);

fail:
    json_array_unref(arr);
    return NULL;
}

static JsonNode *json_parse_value(QJsonParser *p)
{
    const QJsonToken *tok = json_peek(p);

    if (!tok) {
        json_parse_error(p, "premature EOI");
        return NULL;
    }
    switch (tok->type) {
    case JT_LCURLY:
        return json_parse_object(p);
    case JT_LSQUARE:
        return json_parse_array(p);
    case JT_STRING:
        return json_parse_string(p, json_pop(p));
    case JT_INTEGER:
    case JT_FLOAT:
        return json_parse_number(p, json_pop(p));
    case JT_KEYWORD:
        return json_parse_keyword(p, json_pop(p));
    default:
        json_parse_error(p, "expecting value");
        return NULL;
    }
}

static JsonNode *json_parse_tokens(const char *text, const QJsonToken *toks,
                                   guint n, Error **errp)
{
    QJsonParser p = { .text = text, .toks = toks, .n = n };
    JsonNode *node = json_parse_value(&p);

    if (p.err) {
        if (node) {
            json_node_unref(node);
        }
        error_propagate(errp, p.err);
        return NULL;
    }
    return node;
}

typedef struct QJsonParseResult {
    JsonNode *json;
    Error *err;
    guint count;
} QJsonParseResult;

static void json_parse_collect(void *opaque, JsonNode *json, Error *err)
{
    QJsonParseResult *r = opaque;

    if (++r->count == 1) {
        r->json = json;
        r->err = err;
        return;
    }
    if (json) {
        json_node_unref(json);
    }
    if (err) {
        error_free(err);
    }
}

JsonNode *qmp_json_parse(const char *text, size_t len, Error **errp)
{
    QJsonParseResult r = { 0 };
    QJsonStreamer s;

    json_streamer_init(&s, json_parse_collect, &r);
    json_streamer_feed(&s, text, len);
    json_streamer_flush(&s);
    json_streamer_destroy(&s);
    if (r.count > 1) {
        if (r.json) {
            json_node_unref(r.json);
        }
        if (r.err) {
            error_free(r.err);
        }
        error_setg(errp, "Expecting at most one JSON value");
        return NULL;
    }
    if (!r.json && !r.err) {
        error_setg(errp, "JSON parse error, premature EOI");
        return NULL;
    }
    if (r.err) {
        error_propagate(errp, r.err);
        return NULL;
    }
    return r.json;
}

/* --- commands ----------------------------------------------------------- */

typedef enum QmpArgType {
    QMP_ARG_STR,
    QMP_ARG_INT,
    QMP_ARG_BOOL,
    QMP_ARG_NUMBER,
    QMP_ARG_OBJECT,
    QMP_ARG_ARRAY,
    QMP_ARG_ANY,
    QMP_ARG__MAX,
} QmpArgType;

/* Schema spelling, and the type name QEMU's input visitor reports. */
static const struct {
    const char *name;
    const char *expected;
} qmp_arg_types[QMP_ARG__MAX] = {
    [QMP_ARG_STR] = { "str", "string" },
    [QMP_ARG_INT] = { "int", "integer" },
    [QMP_ARG_BOOL] = { "bool", "boolean" },
    [QMP_ARG_NUMBER] = { "number", "number" },
    [QMP_ARG_OBJECT] = { "object", "object" },
    [QMP_ARG_ARRAY] = { "array", "array" },
    [QMP_ARG_ANY] = { "any", NULL },
};

typedef struct QmpArg {
    char *name;
    QmpArgType type;
    bool optional;
} QmpArg;

typedef struct QmpCommand {
    char *name;
    QmpCommandFunc *fn;
    QmpCommandFlags flags;
    GArray *args;       /* of QmpArg; NULL: the handler checks */
    bool open;          /* further members go to the handler */
} QmpCommand;

static GHashTable *qmp_commands;

static void qmp_command_free(gpointer data)
{
    QmpCommand *cmd = data;

    if (cmd->args) {
        for (guint i = 0; i < cmd->args->len; i++) {
            g_free(g_array_index(cmd->args, QmpArg, i).name);
        }
        g_array_unref(cmd->args);
    }
    g_free(cmd->name);
    g_free(cmd);
}

static QmpCommand *qmp_command_new(const char *name, QmpCommandFunc *fn,
                                   QmpCommandFlags flags)
{
    QmpCommand *cmd = g_new0(QmpCommand, 1);

    if (!qmp_commands) {
        qmp_commands = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                             qmp_command_free);
    }
    /* Two handlers for one name is a programming error. */
    g_assert(!g_hash_table_contains(qmp_commands, name));
    cmd->name = g_strdup(name);
    cmd->fn = fn;
    cmd->flags = flags;
    g_hash_table_insert(qmp_commands, cmd->name, cmd);
    return cmd;
}

void qmp_register_command(const char *name, QmpCommandFunc *fn,
                          QmpCommandFlags flags)
{
    qmp_command_new(name, fn, flags);
}

void qmp_register_command_args(const char *name, const char *schema,
                               QmpCommandFunc *fn, QmpCommandFlags flags)
{
    QmpCommand *cmd = qmp_command_new(name, fn, flags);
    char **words = g_strsplit_set(schema, " ", -1);

    cmd->args = g_array_new(FALSE, FALSE, sizeof(QmpArg));
    for (char **w = words; *w; w++) {
        const char *colon = strchr(*w, ':');
        QmpArg arg = { 0 };
        int t;

        if (!**w) {
            continue;
        }
        if (!strcmp(*w, "**")) {
            cmd->open = true;
            continue;
        }
        g_assert(colon && colon > *w);
        arg.optional = colon[-1] == '?';
        arg.name = g_strndup(*w, colon - *w - arg.optional);
        for (t = 0; t < QMP_ARG__MAX; t++) {
            if (!strcmp(colon + 1, qmp_arg_types[t].name)) {
                break;
            }
        }
        g_assert(t < QMP_ARG__MAX);
        arg.type = t;
        g_array_append_val(cmd->args, arg);
    }
    g_strfreev(words);
}

static gint qmp_name_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

GPtrArray *qmp_command_names(void)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    GHashTableIter iter;
    gpointer key;

    if (qmp_commands) {
        g_hash_table_iter_init(&iter, qmp_commands);
        while (g_hash_table_iter_next(&iter, &key, NULL)) {
            g_ptr_array_add(names, g_strdup(key));
        }
    }
    g_ptr_array_sort(names, qmp_name_cmp);
    return names;
}

static bool qmp_arg_type_ok(QmpArgType type, JsonNode *v)
{
    GType vt = JSON_NODE_HOLDS_VALUE(v) ? json_node_get_value_type(v)
                                        : G_TYPE_INVALID;

    switch (type) {
    case QMP_ARG_STR:
        return vt == G_TYPE_STRING;
    case QMP_ARG_INT:
        return vt == G_TYPE_INT64;
    case QMP_ARG_BOOL:
        return vt == G_TYPE_BOOLEAN;
    case QMP_ARG_NUMBER:
        return vt == G_TYPE_INT64 || vt == G_TYPE_DOUBLE;
    case QMP_ARG_OBJECT:
        return JSON_NODE_HOLDS_OBJECT(v);
    case QMP_ARG_ARRAY:
        return JSON_NODE_HOLDS_ARRAY(v);
    default:
        return true;
    }
}

/*
 * In QEMU's order: declared members first (missing, then wrongly typed),
 * then one member nobody asked for.  Which one QEMU names depends on the
 * layout of a GLib hash table of the leftover members, filled in QEMU's
 * member order; building the same table with the same GLib names the same
 * member.
 */
static bool qmp_check_args(const QmpCommand *cmd, JsonObject *args,
                           Error **errp)
{
    GHashTableIter iter;
    GHashTable *left;
    GArray *order;
    gpointer name;
    bool ok = true;

    for (guint i = 0; i < cmd->args->len; i++) {
        const QmpArg *a = &g_array_index(cmd->args, QmpArg, i);
        JsonNode *v = json_object_get_member(args, a->name);

        if (!v) {
            if (!a->optional) {
                error_setg(errp, "Parameter '%s' is missing", a->name);
                return false;
            }
            continue;
        }
        if (!qmp_arg_type_ok(a->type, v)) {
            error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                       a->name, qmp_arg_types[a->type].expected);
            return false;
        }
    }
    if (cmd->open) {
        return true;
    }
    left = g_hash_table_new(g_str_hash, g_str_equal);
    order = json_object_qemu_order(args);
    for (guint i = 0; i < order->len; i++) {
        const char *key = g_array_index(order, OrderedMember, i).name;

        g_hash_table_add(left, (gpointer)key);
    }
    for (guint i = 0; i < cmd->args->len; i++) {
        g_hash_table_remove(left, g_array_index(cmd->args, QmpArg, i).name);
    }
    g_hash_table_iter_init(&iter, left);
    if (g_hash_table_iter_next(&iter, &name, NULL)) {
        error_setg(errp, "Parameter '%s' is unexpected", (const char *)name);
        ok = false;
    }
    g_hash_table_unref(left);
    g_array_unref(order);
    return ok;
}

/* --- JSON helpers for handlers ------------------------------------------ */

JsonNode *qmp_node_new_object(JsonObject *obj)
{
    JsonNode *node = json_node_init_object(json_node_alloc(), obj);

    json_object_unref(obj);
    return node;
}

JsonNode *qmp_node_new_array(JsonArray *arr)
{
    JsonNode *node = json_node_init_array(json_node_alloc(), arr);

    json_array_unref(arr);
    return node;
}

const char *qmp_arg_str(JsonObject *args, const char *name, bool required,
                        Error **errp)
{
    JsonNode *v = json_object_get_member(args, name);

    if (!v) {
        if (required) {
            error_setg(errp, "Parameter '%s' is missing", name);
        }
        return NULL;
    }
    if (!qmp_arg_type_ok(QMP_ARG_STR, v)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: string",
                   name);
        return NULL;
    }
    return json_node_get_string(v);
}

JsonObject *qmp_version_info(void)
{
    JsonObject *info = json_object_new();
    JsonObject *qemu = json_object_new();

    /* Insertion order matters for QEMU's member order: schema order. */
    json_object_set_int_member(qemu, "major", QMP_COMPAT_MAJOR);
    json_object_set_int_member(qemu, "minor", QMP_COMPAT_MINOR);
    json_object_set_int_member(qemu, "micro", QMP_COMPAT_MICRO);
    json_object_set_object_member(info, "qemu", qemu);
    json_object_set_string_member(info, "package", "memvm-" MEMVM_VERSION);
    return info;
}

/* --- monitors ----------------------------------------------------------- */

typedef struct QmpMonitor {
    Chardev *chr;       /* NULL for the monitor of qmp_dispatch_buffer() */
    GString *capture;   /* without a chardev, what would have been sent */
    QJsonStreamer streamer;
    bool negotiated;    /* qmp_capabilities has succeeded */
    bool oob;           /* the client enabled the "oob" capability */
} QmpMonitor;

static GPtrArray *qmp_monitors;
/* The monitor whose command is running (for qmp_capabilities). */
static QmpMonitor *qmp_cur_mon;
static bool stdio_claimed;

Chardev *monitor_open_chardev(const char *spec, Error **errp)
{
    Chardev *chr;

    if (!strcmp(spec, "stdio")) {
        if (stdio_claimed) {
            error_setg(errp, "cannot use stdio by multiple character "
                       "devices");
            return NULL;
        }
        stdio_claimed = true;
    }
    /* A client that goes away must not kill us with SIGPIPE. */
    os_setup_signal_handling();
    chr = chr_open(spec, errp);
    if (!chr && !strcmp(spec, "stdio")) {
        stdio_claimed = false;
    }
    return chr;
}

/* QEMU's monitors end every line with CR LF. */
static void qmp_send_json(QmpMonitor *mon, JsonNode *node)
{
    char *text = qmp_json_to_string(node);
    char *line = g_strconcat(text, "\r\n", NULL);

    if (mon->capture) {
        g_string_append(mon->capture, line);
    } else {
        chr_write(mon->chr, line, strlen(line));
    }
    g_free(line);
    g_free(text);
}

static void qmp_send_object(QmpMonitor *mon, JsonObject *obj)
{
    JsonNode *node = json_node_init_object(json_node_alloc(), obj);

    qmp_send_json(mon, node);
    json_node_unref(node);
}

static void qmp_send_greeting(QmpMonitor *mon)
{
    JsonObject *greeting = json_object_new();
    JsonObject *qmp = json_object_new();
    JsonArray *caps = json_array_new();

    /* Every memvm transport could carry out-of-band commands, as QEMU's. */
    json_array_add_string_element(caps, "oob");
    json_object_set_object_member(qmp, "version", qmp_version_info());
    json_object_set_array_member(qmp, "capabilities", caps);
    json_object_set_object_member(greeting, "QMP", qmp);
    qmp_send_object(mon, greeting);
    json_object_unref(greeting);
}

static JsonObject *qmp_error_object(Error *err)
{
    JsonObject *desc = json_object_new();

    json_object_set_string_member(desc, "class",
                                  error_class_name(error_get_class(err)));
    json_object_set_string_member(desc, "desc", error_get_pretty(err));
    return desc;
}

/*
 * Check the request's members in QEMU's order and with its messages;
 * returns the command name.
 */
static const char *qmp_check_request(QmpMonitor *mon, JsonObject *req,
                                     bool *oob, Error **errp)
{
    GArray *order = json_object_qemu_order(req);
    const char *exec_key = NULL;
    const char *name = NULL;

    for (guint i = 0; i < order->len; i++) {
        const char *key = g_array_index(order, OrderedMember, i).name;
        JsonNode *v = json_object_get_member(req, key);

        if (!strcmp(key, "execute") ||
            (!strcmp(key, "exec-oob") && mon->oob)) {
            if (!qmp_arg_type_ok(QMP_ARG_STR, v)) {
                error_setg(errp, "QMP input member '%s' must be a string",
                           key);
                goto out;
            }
            if (exec_key) {
                error_setg(errp, "QMP input member 'execute' clashes with "
                           "'exec-oob'");
                goto out;
            }
            exec_key = key;
        } else if (!strcmp(key, "arguments")) {
            if (!JSON_NODE_HOLDS_OBJECT(v)) {
                error_setg(errp, "QMP input member 'arguments' must be an "
                           "object");
                goto out;
            }
        } else if (strcmp(key, "id")) {
            error_setg(errp, "QMP input member '%s' is unexpected", key);
            goto out;
        }
    }
    if (!exec_key) {
        error_setg(errp, "QMP input lacks member 'execute'");
        goto out;
    }
    *oob = !strcmp(exec_key, "exec-oob");
    name = json_object_get_string_member(req, exec_key);
out:
    g_array_unref(order);
    return name;
}

/* Run one request; returns the response (without "id"). */
static JsonObject *qmp_dispatch(QmpMonitor *mon, JsonObject *req)
{
    JsonObject *rsp = json_object_new();
    JsonObject *args, *empty = NULL;
    JsonNode *ret = NULL;
    QmpCommand *cmd;
    Error *err = NULL;
    const char *name;
    bool oob = false;

    name = qmp_check_request(mon, req, &oob, &err);
    if (!name) {
        goto out;
    }
    cmd = qmp_commands ? g_hash_table_lookup(qmp_commands, name) : NULL;
    if (!mon->negotiated) {
        if (!cmd || !(cmd->flags & QMP_CMD_ALLOW_PRECONFIG_NEGOTIATION)) {
            error_set(&err, ERROR_CLASS_COMMAND_NOT_FOUND,
                      "Expecting capabilities negotiation with "
                      "'qmp_capabilities'");
            goto out;
        }
    } else if (!cmd) {
        error_set(&err, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "The command %s has not been found", name);
        goto out;
    }
    if (oob) {
        /* No memvm command may run out of band. */
        error_setg(&err, "The command %s does not support OOB", name);
        goto out;
    }
    if (json_object_has_member(req, "arguments")) {
        args = json_object_get_object_member(req, "arguments");
    } else {
        args = empty = json_object_new();
    }
    if (cmd->args && !qmp_check_args(cmd, args, &err)) {
        goto out;
    }
    qmp_cur_mon = mon;
    ret = cmd->fn(args, &err);
    qmp_cur_mon = NULL;
out:
    if (err) {
        if (ret) {
            json_node_unref(ret);
        }
        json_object_set_object_member(rsp, "error", qmp_error_object(err));
        error_free(err);
    } else {
        if (!ret) {
            ret = qmp_node_new_object(json_object_new());
        }
        json_object_set_member(rsp, "return", ret);
    }
    if (empty) {
        json_object_unref(empty);
    }
    return rsp;
}

static void qmp_handle_message(void *opaque, JsonNode *req, Error *err)
{
    QmpMonitor *mon = opaque;
    JsonObject *rsp;

    if (err) {
        /* A message that did not parse has no "id" to echo. */
        rsp = json_object_new();
        json_object_set_object_member(rsp, "error", qmp_error_object(err));
        error_free(err);
    } else if (!JSON_NODE_HOLDS_OBJECT(req)) {
        error_setg(&err, "QMP input must be a JSON object");
        rsp = json_object_new();
        json_object_set_object_member(rsp, "error", qmp_error_object(err));
        error_free(err);
    } else {
        JsonObject *obj = json_node_get_object(req);

        rsp = qmp_dispatch(mon, obj);
        if (json_object_has_member(obj, "id")) {
            json_object_set_member(rsp, "id", json_node_copy(
                json_object_get_member(obj, "id")));
        }
    }
    if (req) {
        json_node_unref(req);
    }
    /*
     * Service what the command asked for (quit, system_reset, stop from
     * another thread) now, so that its events precede the reply as in
     * QEMU.  The main loop ends after this reply has been written.
     */
    runstate_process_requests();
    qmp_send_object(mon, rsp);
    json_object_unref(rsp);
}

static void qmp_chr_read(void *opaque, const char *buf, size_t len)
{
    QmpMonitor *mon = opaque;

    json_streamer_feed(&mon->streamer, buf, len);
}

static void qmp_chr_event(void *opaque, ChrEvent event)
{
    QmpMonitor *mon = opaque;

    /* Each client starts afresh; a half-sent command is dropped. */
    json_streamer_reset(&mon->streamer);
    mon->negotiated = false;
    mon->oob = false;
    if (event == CHR_EVENT_OPENED) {
        qmp_send_greeting(mon);
    }
}

bool monitor_add_qmp(const char *spec, Error **errp)
{
    QmpMonitor *mon;
    Chardev *chr;

    chr = monitor_open_chardev(spec, errp);
    if (!chr) {
        return false;
    }
    mon = g_new0(QmpMonitor, 1);
    mon->chr = chr;
    json_streamer_init(&mon->streamer, qmp_handle_message, mon);
    if (!qmp_monitors) {
        qmp_monitors = g_ptr_array_new();
    }
    g_ptr_array_add(qmp_monitors, mon);
    chr_set_handlers(chr, qmp_chr_read, qmp_chr_event, mon);
    return true;
}

char *qmp_dispatch_buffer(const char *buf, size_t len)
{
    QmpMonitor mon = { 0 };

    mon.capture = g_string_new(NULL);
    json_streamer_init(&mon.streamer, qmp_handle_message, &mon);
    qmp_send_greeting(&mon);
    json_streamer_feed(&mon.streamer, buf, len);
    /* End of input is a disconnect: a half-sent message is dropped. */
    json_streamer_destroy(&mon.streamer);
    return g_string_free(mon.capture, FALSE);
}

static void qmp_broadcast(const char *line)
{
    for (guint i = 0; qmp_monitors && i < qmp_monitors->len; i++) {
        QmpMonitor *mon = g_ptr_array_index(qmp_monitors, i);

        /* Events wait for capabilities negotiation, as in QEMU. */
        if (mon->negotiated && chr_is_connected(mon->chr)) {
            chr_write(mon->chr, line, strlen(line));
        }
    }
}

static gboolean qmp_broadcast_idle(gpointer opaque)
{
    qmp_broadcast(opaque);
    g_free(opaque);
    return G_SOURCE_REMOVE;
}

void qmp_event_emit(const char *event, JsonObject *data)
{
    gint64 now = g_get_real_time();
    JsonObject *msg = json_object_new();
    JsonObject *ts = json_object_new();
    JsonNode *node;
    char *text, *line;

    json_object_set_int_member(ts, "seconds", now / G_USEC_PER_SEC);
    json_object_set_int_member(ts, "microseconds", now % G_USEC_PER_SEC);
    json_object_set_string_member(msg, "event", event);
    if (data) {
        json_object_set_object_member(msg, "data", json_object_ref(data));
    }
    json_object_set_object_member(msg, "timestamp", ts);
    node = qmp_node_new_object(msg);
    text = qmp_json_to_string(node);
    json_node_unref(node);
    line = g_strconcat(text, "\r\n", NULL);
    g_free(text);
    if (qemu_in_main_thread()) {
        qmp_broadcast(line);
        g_free(line);
    } else {
        /* The monitor list belongs to the main thread. */
        g_idle_add(qmp_broadcast_idle, line);
    }
}

void monitor_cleanup(void)
{
    for (guint i = 0; qmp_monitors && i < qmp_monitors->len; i++) {
        QmpMonitor *mon = g_ptr_array_index(qmp_monitors, i);

        chr_close(mon->chr);
        json_streamer_destroy(&mon->streamer);
        g_free(mon);
    }
    if (qmp_monitors) {
        g_ptr_array_free(qmp_monitors, TRUE);
        qmp_monitors = NULL;
    }
    hmp_cleanup();
    stdio_claimed = false;
}

/* --- qmp_capabilities ------------------------------------------------- */

static JsonNode *qmp_qmp_capabilities(JsonObject *args, Error **errp)
{
    JsonNode *enable = json_object_get_member(args, "enable");
    bool oob = false;

    g_assert(qmp_cur_mon);
    if (enable) {
        JsonArray *caps = json_node_get_array(enable);

        for (guint i = 0; i < json_array_get_length(caps); i++) {
            JsonNode *cap = json_array_get_element(caps, i);

            if (!qmp_arg_type_ok(QMP_ARG_STR, cap)) {
                error_setg(errp, "Invalid parameter type for 'enable[%u]', "
                           "expected: string", i);
                return NULL;
            }
            if (strcmp(json_node_get_string(cap), "oob")) {
                /* QEMU 7.2 really names the parameter 'null' here. */
                error_setg(errp, "Parameter 'null' does not accept value "
                           "'%s'", json_node_get_string(cap));
                return NULL;
            }
            oob = true;
        }
    }
    if (qmp_cur_mon->negotiated) {
        error_set(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "Capabilities negotiation is already complete, command "
                  "ignored");
        return NULL;
    }
    qmp_cur_mon->negotiated = true;
    qmp_cur_mon->oob = oob;
    return NULL;
}

static void __attribute__((constructor)) qmp_register_builtins(void)
{
    qmp_register_command_args("qmp_capabilities", "enable?:array",
                              qmp_qmp_capabilities,
                              QMP_CMD_ALLOW_PRECONFIG_NEGOTIATION);
}
