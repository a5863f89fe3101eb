/*
 * libFuzzer target for the qtest command parser (softmmu/qtest.c): each
 * input line is one command, run against a "none" machine with 1 MiB of
 * RAM at 0 as the server would run it.  Every reply must be exactly one
 * line starting with OK, FAIL or ERR, and what a sized write stored in
 * RAM must read back the same.
 */
#include <inttypes.h>
#include <string.h>

#include "fuzz-machine.h"
#include "qemu/cutils.h"
#include "sysemu/qtest.h"

#define FUZZ_RAM_SIZE (1 * MiB)
/*
 * Longer reads and writes are legal but only slow (hex text for every
 * byte), so the target skips them: the fuzzer would report timeouts.
 */
#define FUZZ_MAX_LEN (64 * KiB)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_machine_init(FUZZ_RAM_SIZE);
    return 0;
}

static bool too_slow(char **w)
{
    static const char *const with_len[] = {
        "read", "b64read", "write", "b64write", "memset",
    };

    if (!w[0] || !w[1] || !w[2]) {
        return false;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(with_len); i++) {
        if (!strcmp(w[0], with_len[i])) {
            return g_ascii_strtoull(w[2], NULL, 0) > FUZZ_MAX_LEN;
        }
    }
    return false;
}

static void check_reply(const char *line, const GString *reply)
{
    const char *nl = memchr(reply->str, '\n', reply->len);

    if (!nl || nl != reply->str + reply->len - 1 ||
        (!g_str_has_prefix(reply->str, "OK") &&
         !g_str_has_prefix(reply->str, "FAIL") &&
         !g_str_has_prefix(reply->str, "ERR"))) {
        g_error("bad reply to '%s': '%s'", line, reply->str);
    }
}

/* "writeX ADDR VALUE" answered OK inside RAM: "readX ADDR" must agree. */
static void check_readback(char **w, const GString *reply)
{
    unsigned size = 0;
    uint64_t addr, value, mask;
    g_autofree char *cmd = NULL;
    g_autoptr(GString) got = g_string_new(NULL);
    g_autofree char *want = NULL;

    if (strcmp(reply->str, "OK\n") || !g_str_has_prefix(w[0], "write") ||
        strlen(w[0]) != 6 || !w[1] || !w[2]) {
        return;
    }
    switch (w[0][5]) {
    case 'b':
        size = 1;
        break;
    case 'w':
        size = 2;
        break;
    case 'l':
        size = 4;
        break;
    case 'q':
        size = 8;
        break;
    default:
        return;
    }
    addr = g_ascii_strtoull(w[1], NULL, 0);
    value = g_ascii_strtoull(w[2], NULL, 0);
    if (addr >= FUZZ_RAM_SIZE || FUZZ_RAM_SIZE - addr < size) {
        return;
    }
    mask = size == 8 ? UINT64_MAX : (UINT64_C(1) << (8 * size)) - 1;
    cmd = g_strdup_printf("read%c 0x%" PRIx64, w[0][5], addr);
    qtest_process_line(cmd, got);
    want = g_strdup_printf("OK 0x%016" PRIx64 "\n", value & mask);
    if (strcmp(got->str, want)) {
        g_error("'%s %s %s' then '%s' gave '%s'", w[0], w[1], w[2], cmd,
                got->str);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = g_strndup((const char *)data, size);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    g_autoptr(GString) reply = g_string_new(NULL);

    /* The clock is the server's only state: each input starts at 0. */
    qtest_process_line("clock_set 0", reply);
    for (size_t i = 0; lines[i]; i++) {
        char *line = lines[i];
        size_t len = strlen(line);
        g_auto(GStrv) w = NULL;

        /* The server drops one CR before the newline; so do we. */
        if (len && line[len - 1] == '\r') {
            line[len - 1] = '\0';
        }
        w = g_strsplit(line, " ", 0);
        if (too_slow(w)) {
            continue;
        }
        g_string_truncate(reply, 0);
        qtest_process_line(line, reply);
        check_reply(line, reply);
        check_readback(w, reply);
    }
    return 0;
}
