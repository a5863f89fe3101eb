/*
 * libFuzzer target for the QMP server (monitor/qmp.c): the input is one
 * client's byte stream, served by qmp_dispatch_buffer() against a "none"
 * machine with 1 MiB of RAM.  Every line sent back must be a JSON object
 * that our own parser reads back, the greeting first; objects the input
 * created are deleted afterwards.  The input is also parsed as a single
 * JSON value, and what the writer makes of it must be stable: written,
 * parsed and written again, it is the same text (but see -0 below).
 */
#include <stdio.h>
#include <string.h>

#include "fuzz-machine.h"
#include "monitor/monitor.h"
#include "qemu/cutils.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* hw/core/machine-qmp-cmds.c; vl.c calls it too, without a header. */
void machine_qmp_cmds_register(void);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    machine_qmp_cmds_register();
    fuzz_machine_init(1 * MiB);
    return 0;
}

/*
 * Doubles that overflow are written "inf", as QEMU writes them (see
 * docs/qmp.md); that is not JSON.  Spell them "1e999" outside strings,
 * which reads back as the same infinity, so that the rest is checked.
 */
static char *inf_as_number(const char *text)
{
    GString *out = g_string_new(NULL);
    bool in_string = false;

    for (const char *p = text; *p; p++) {
        if (in_string) {
            if (*p == '\\' && p[1]) {
                g_string_append_c(out, *p++);
            } else if (*p == '"') {
                in_string = false;
            }
        } else if (*p == '"') {
            in_string = true;
        } else if (g_str_has_prefix(p, "inf")) {
            g_string_append(out, "1e999");
            p += 2;
            continue;
        }
        g_string_append_c(out, *p);
    }
    return g_string_free(out, FALSE);
}

/* Our writer's text, parsed by our parser; aborts if it does not parse. */
static JsonNode *reparse(const char *text)
{
    char *json = inf_as_number(text);
    Error *err = NULL;
    JsonNode *node = qmp_json_parse(json, strlen(json), &err);

    if (!node) {
        g_error("writer output does not parse (%s): %s",
                error_get_pretty(err), text);
    }
    g_free(json);
    return node;
}

static void check_replies(const char *out)
{
    g_auto(GStrv) lines = g_strsplit(out, "\r\n", -1);
    guint n = g_strv_length(lines);

    /* Every reply ends with CR LF, so the last piece is empty. */
    g_assert(n >= 2 && !*lines[n - 1]);
    g_assert(g_str_has_prefix(lines[0], "{\"QMP\": "));
    for (guint i = 0; i < n - 1; i++) {
        JsonNode *node = reparse(lines[i]);
        JsonObject *obj;

        g_assert(JSON_NODE_HOLDS_OBJECT(node));
        obj = json_node_get_object(node);
        g_assert(i == 0 || json_object_has_member(obj, "return") ||
                 json_object_has_member(obj, "error"));
        json_node_unref(node);
    }
}

/*
 * Parse @text and write it again.  The first writing may still change
 * the text once: a double -0.0 is written "-0" (QEMU's "%.17g"), which
 * reads back as the integer 0.  From then on the text must be stable.
 */
static void check_round_trip(const uint8_t *data, size_t size)
{
    Error *err = NULL;
    JsonNode *node = qmp_json_parse((const char *)data, size, &err);
    char *text[3];

    if (!node) {
        g_assert(err);
        g_assert(g_str_has_prefix(error_get_pretty(err), "JSON ") ||
                 g_str_has_prefix(error_get_pretty(err), "Expecting "));
        error_free(err);
        return;
    }
    for (int i = 0; i < 3; i++) {
        text[i] = qmp_json_to_string(node);
        json_node_unref(node);
        node = i < 2 ? reparse(text[i]) : NULL;
    }
    if (strcmp(text[1], text[2])) {
        g_error("written again differs:\n%s\n%s\n%s", text[0], text[1],
                text[2]);
    }
    for (int i = 0; i < 3; i++) {
        g_free(text[i]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *out = qmp_dispatch_buffer((const char *)data, size);

    /* To see what an input does when replaying it. */
    if (g_getenv("FUZZ_VERBOSE")) {
        fputs(out, stderr);
    }
    check_replies(out);
    g_free(out);
    fuzz_objects_reset();
    check_round_trip(data, size);
    return 0;
}
