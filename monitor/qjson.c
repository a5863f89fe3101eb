/*
 * QEMU's JSON for the QMP server (see monitor/qjson.h).
 *
 * json-glib parses whole documents and its messages are not QEMU's, so the
 * wire side is our own: a lexer that frames the byte stream into messages
 * the way QEMU's does (same recovery points, same limits), a parser over
 * its tokens that builds json-glib nodes with QEMU's error texts, and a
 * writer that prints JSON the way QEMU does.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>

#include "monitor/monitor.h"
#include "monitor/qjson.h"

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

static gint ordered_member_cmp(gconstpointer a, gconstpointer b)
{
    const OrderedMember *x = a, *y = b;

    if (x->bucket != y->bucket) {
        return x->bucket < y->bucket ? -1 : 1;
    }
    return x->index > y->index ? -1 : x->index < y->index;
}

/* Member names of @obj in QEMU's order; free with g_array_unref(). */
GArray *json_object_qemu_order(JsonObject *obj)
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

static JsonNode *json_parse_tokens(const char *text, const QJsonToken *toks,
                                   guint n, Error **errp);

void json_streamer_init(QJsonStreamer *s, QJsonEmitFunc *emit,
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
void json_streamer_reset(QJsonStreamer *s)
{
    json_streamer_discard(s);
    s->state = LEX_START;
}

void json_streamer_destroy(QJsonStreamer *s)
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

void json_streamer_feed(QJsonStreamer *s, const char *buf, size_t len)
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
