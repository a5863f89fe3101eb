/*
 * libFuzzer target for the QMP server (monitor/qmp.c): the input is one
 * client's byte stream, served by qmp_dispatch_buffer() against a "none"
 * machine with 1 MiB of RAM.  Every line sent back must be a JSON object
 * that our own parser reads back, the greeting first; objects the input
 * created are deleted afterwards.  The input is also parsed as a single
 * JSON value, and what the writer makes of it must be stable: written,
 * parsed and written again, it is the same text.
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

static void check_replies(const char *out)
{
    g_auto(GStrv) lines = g_strsplit(out, "\r\n", -1);
    guint n = g_strv_length(lines);

    /* Every reply ends with CR LF, so the last piece is empty. */
    g_assert(n >= 2 && !*lines[n - 1]);
    g_assert(g_str_has_prefix(lines[0], "{\"QMP\": "));
    for (guint i = 0; i < n - 1; i++) {
        Error *err = NULL;
        JsonNode *node = qmp_json_parse(lines[i], strlen(lines[i]), &err);
        JsonObject *obj;

        if (!node) {
            g_error("reply does not parse (%s): %s", error_get_pretty(err),
                    lines[i]);
        }
        g_assert(JSON_NODE_HOLDS_OBJECT(node));
        obj = json_node_get_object(node);
        g_assert(i == 0 || json_object_has_member(obj, "return") ||
                 json_object_has_member(obj, "error"));
        json_node_unref(node);
    }
}

static void check_round_trip(const uint8_t *data, size_t size)
{
    Error *err = NULL;
    JsonNode *first = qmp_json_parse((const char *)data, size, &err);
    JsonNode *second;
    char *text, *again;

    if (!first) {
        g_assert(err);
        g_assert(g_str_has_prefix(error_get_pretty(err), "JSON ") ||
                 g_str_has_prefix(error_get_pretty(err), "Expecting "));
        error_free(err);
        return;
    }
    text = qmp_json_to_string(first);
    second = qmp_json_parse(text, strlen(text), &err);
    if (!second) {
        g_error("writer output does not parse (%s): %s",
                error_get_pretty(err), text);
    }
    again = qmp_json_to_string(second);
    if (strcmp(text, again)) {
        g_error("written twice differs:\n%s\n%s", text, again);
    }
    g_free(again);
    g_free(text);
    json_node_unref(second);
    json_node_unref(first);
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
