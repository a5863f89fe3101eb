/*
 * The qtest protocol: one command a line, one reply a line.
 *
 * Replies are formatted exactly as QEMU 7.2 formats them.  Unlike QEMU,
 * a malformed line never asserts: it gets "FAIL <reason>" and the session
 * goes on.  Accesses go to the system address space (QEMU uses the first
 * CPU's, which is the same map; -M none has no CPU and QEMU crashes there).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sysemu/qtest.h"
#include "sysemu/runstate.h"
#include "chardev/char.h"
#include "exec/memory.h"
#include "hw/boards.h"

static Chardev *qtest_chr;
static GString *qtest_inbuf;
static FILE *qtest_log;
static GTimer *qtest_timer;
static int64_t qtest_clock_ns;

/* Beyond this, a line without a newline is garbage, not a command. */
#define QTEST_MAX_LINE (64 * 1024 * 1024)

static bool parse_u64(const char *word, uint64_t *out)
{
    char *end;

    if (!word || !*word || *word == '-') {
        return false;
    }
    errno = 0;
    *out = g_ascii_strtoull(word, &end, 0);
    return !errno && !*end;
}

static bool parse_i64(const char *word, int64_t *out)
{
    char *end;

    if (!word || !*word) {
        return false;
    }
    errno = 0;
    *out = g_ascii_strtoll(word, &end, 0);
    return !errno && !*end;
}

/* Guest-order bytes for a value of @size bytes. */
static void value_to_bytes(uint64_t v, unsigned size, uint8_t *buf)
{
    for (unsigned i = 0; i < size; i++) {
        unsigned shift = target_big_endian() ? 8 * (size - 1 - i) : 8 * i;

        buf[i] = v >> shift;
    }
}

static uint64_t bytes_to_value(const uint8_t *buf, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        unsigned shift = target_big_endian() ? 8 * (size - 1 - i) : 8 * i;

        v |= (uint64_t)buf[i] << shift;
    }
    return v;
}

static unsigned access_size(char c)
{
    switch (c) {
    case 'b':
        return 1;
    case 'w':
        return 2;
    case 'l':
        return 4;
    case 'q':
        return 8;
    default:
        return 0;
    }
}

static int hex_nibble(char c)
{
    return g_ascii_xdigit_value(c);
}

/* Limit for read/write lengths so a typo cannot exhaust memory. */
#define QTEST_MAX_LEN (256 * 1024 * 1024)

static void cmd_rw_sized(char **w, unsigned nwords, GString *r, bool write,
                         AddressSpace *as)
{
    unsigned size = access_size(w[0][write ? 5 : 4]);
    uint64_t addr, value = 0;
    uint8_t buf[8];

    if (nwords < 2 || !parse_u64(w[1], &addr) ||
        (write && (nwords < 3 || !parse_u64(w[2], &value)))) {
        g_string_append_printf(r, "FAIL invalid arguments to '%s'\n", w[0]);
        return;
    }
    if (write) {
        value_to_bytes(value, size, buf);
        address_space_write(as, addr, buf, size);
        g_string_append(r, "OK\n");
        return;
    }
    address_space_read(as, addr, buf, size);
    g_string_append_printf(r, "OK 0x%016" PRIx64 "\n",
                           bytes_to_value(buf, size));
}

static void cmd_io(char **w, unsigned nwords, GString *r, bool out)
{
    unsigned size = access_size(w[0][out ? 3 : 2]);
    uint64_t port, value = 0;
    uint8_t buf[4];

    if (!size || size > 4 || nwords < 2 || !parse_u64(w[1], &port) ||
        port > 0xffff ||
        (out && (nwords < 3 || !parse_u64(w[2], &value)))) {
        g_string_append_printf(r, "FAIL invalid arguments to '%s'\n", w[0]);
        return;
    }
    /* Port I/O is little-endian on every target that has it. */
    if (out) {
        for (unsigned i = 0; i < size; i++) {
            buf[i] = value >> (8 * i);
        }
        address_space_write(&address_space_io, port, buf, size);
        g_string_append(r, "OK\n");
        return;
    }
    memset(buf, 0xff, sizeof(buf));
    address_space_read(&address_space_io, port, buf, size);
    value = 0;
    for (unsigned i = 0; i < size; i++) {
        value |= (uint64_t)buf[i] << (8 * i);
    }
    g_string_append_printf(r, "OK 0x%04x\n", (unsigned)value);
}

static bool parse_addr_len(char **w, unsigned nwords, unsigned need,
                           uint64_t *addr, uint64_t *len, GString *r)
{
    if (nwords < need || !parse_u64(w[1], addr) || !parse_u64(w[2], len)) {
        g_string_append_printf(r, "FAIL invalid arguments to '%s'\n", w[0]);
        return false;
    }
    if (*len > QTEST_MAX_LEN) {
        g_string_append_printf(r, "FAIL length %" PRIu64 " is too large "
                               "(at most %d)\n", *len, QTEST_MAX_LEN);
        return false;
    }
    return true;
}

static void cmd_read(char **w, unsigned nwords, GString *r, bool b64,
                     AddressSpace *as)
{
    uint64_t addr, len;
    uint8_t *data;

    if (!parse_addr_len(w, nwords, 3, &addr, &len, r)) {
        return;
    }
    if (!b64 && !len) {
        /* QEMU asserts here; an empty hex string would confuse clients. */
        g_string_append(r, "FAIL read of zero bytes\n");
        return;
    }
    data = g_malloc(len ? len : 1);
    address_space_read(as, addr, data, len);
    if (b64) {
        char *enc = g_base64_encode(data, len);

        g_string_append_printf(r, "OK %s\n", enc);
        g_free(enc);
    } else {
        g_string_append(r, "OK 0x");
        for (uint64_t i = 0; i < len; i++) {
            g_string_append_printf(r, "%02x", data[i]);
        }
        g_string_append_c(r, '\n');
    }
    g_free(data);
}

static void cmd_write(char **w, unsigned nwords, GString *r, bool b64,
                      AddressSpace *as)
{
    uint64_t addr, len;
    uint8_t *data;
    size_t data_len;

    if (!parse_addr_len(w, nwords, 4, &addr, &len, r)) {
        return;
    }
    data_len = strlen(w[3]);
    if (data_len < 3) {
        /* QEMU's reply, without a prefix. */
        g_string_append(r, "ERR invalid argument size\n");
        return;
    }
    data = g_malloc0(len ? len : 1);
    if (b64) {
        gsize out_len;
        guchar *dec = g_base64_decode(w[3], &out_len);

        memcpy(data, dec, MIN(out_len, len));
        g_free(dec);
    } else {
        if (w[3][0] != '0' || (w[3][1] != 'x' && w[3][1] != 'X')) {
            g_string_append(r, "FAIL data must start with 0x\n");
            g_free(data);
            return;
        }
        /* Missing digits mean zero bytes, as in QEMU. */
        for (uint64_t i = 0; i < len && i * 2 + 4 <= data_len; i++) {
            int hi = hex_nibble(w[3][i * 2 + 2]);
            int lo = hex_nibble(w[3][i * 2 + 3]);

            if (hi < 0 || lo < 0) {
                g_string_append(r, "FAIL invalid hex data\n");
                g_free(data);
                return;
            }
            data[i] = hi << 4 | lo;
        }
    }
    address_space_write(as, addr, data, len);
    g_free(data);
    g_string_append(r, "OK\n");
}

void qtest_process_line(const char *line, GString *r)
{
    AddressSpace *as = &address_space_memory;
    char **w = g_strsplit(line, " ", 0);
    unsigned n = g_strv_length(w);
    const char *cmd = w[0] ? w[0] : "";

    get_system_memory();
    if (!*cmd) {
        g_string_append(r, "FAIL Unknown command ''\n");
    } else if (!strcmp(cmd, "readb") || !strcmp(cmd, "readw") ||
               !strcmp(cmd, "readl") || !strcmp(cmd, "readq")) {
        cmd_rw_sized(w, n, r, false, as);
    } else if (!strcmp(cmd, "writeb") || !strcmp(cmd, "writew") ||
               !strcmp(cmd, "writel") || !strcmp(cmd, "writeq")) {
        cmd_rw_sized(w, n, r, true, as);
    } else if (!strcmp(cmd, "inb") || !strcmp(cmd, "inw") ||
               !strcmp(cmd, "inl")) {
        cmd_io(w, n, r, false);
    } else if (!strcmp(cmd, "outb") || !strcmp(cmd, "outw") ||
               !strcmp(cmd, "outl")) {
        cmd_io(w, n, r, true);
    } else if (!strcmp(cmd, "read")) {
        cmd_read(w, n, r, false, as);
    } else if (!strcmp(cmd, "b64read")) {
        cmd_read(w, n, r, true, as);
    } else if (!strcmp(cmd, "write")) {
        cmd_write(w, n, r, false, as);
    } else if (!strcmp(cmd, "b64write")) {
        cmd_write(w, n, r, true, as);
    } else if (!strcmp(cmd, "memset")) {
        uint64_t addr, len, pattern;

        if (parse_addr_len(w, n, 4, &addr, &len, r)) {
            if (!parse_u64(w[3], &pattern)) {
                g_string_append(r, "FAIL invalid arguments to 'memset'\n");
            } else {
                address_space_set(as, addr, pattern, len);
                g_string_append(r, "OK\n");
            }
        }
    } else if (!strcmp(cmd, "endianness")) {
        g_string_append_printf(r, "OK %s\n",
                               target_big_endian() ? "big" : "little");
    } else if (!strcmp(cmd, "clock_step") || !strcmp(cmd, "clock_set")) {
        bool set = !strcmp(cmd, "clock_set");
        int64_t ns = 0, now = qtest_clock_ns;

        if ((n >= 2 && !parse_i64(w[1], &ns)) || (n < 2 && set)) {
            g_string_append_printf(r, "FAIL invalid arguments to '%s'\n",
                                   cmd);
        } else if (!set && __builtin_add_overflow(now, ns, &now)) {
            /* Found by fuzzing: the sum was signed overflow. */
            g_string_append_printf(r, "FAIL clock_step %" PRIi64 " from %"
                                   PRIi64 " overflows the clock\n", ns,
                                   qtest_clock_ns);
        } else {
            /* No timers are pending in memvm, so a bare step moves 0. */
            qtest_clock_ns = set ? ns : now;
            g_string_append_printf(r, "OK %" PRIi64 "\n", qtest_clock_ns);
        }
    } else {
        g_string_append_printf(r, "FAIL Unknown command '%s'\n", cmd);
    }
    g_strfreev(w);
}

static void qtest_log_line(char dir, const char *text, size_t len)
{
    if (qtest_log) {
        fprintf(qtest_log, "[%c +%f] %.*s\n", dir,
                g_timer_elapsed(qtest_timer, NULL), (int)len, text);
        fflush(qtest_log);
    }
}

static void qtest_read(void *opaque, const char *buf, size_t len)
{
    char *nl;

    g_string_append_len(qtest_inbuf, buf, len);
    while ((nl = memchr(qtest_inbuf->str, '\n', qtest_inbuf->len))) {
        size_t linelen = nl - qtest_inbuf->str;
        GString *reply = g_string_new(NULL);
        char *line = g_strndup(qtest_inbuf->str, linelen);

        if (linelen && line[linelen - 1] == '\r') {
            line[linelen - 1] = '\0';
        }
        g_string_erase(qtest_inbuf, 0, linelen + 1);
        qtest_log_line('R', line, strlen(line));
        qtest_process_line(line, reply);
        qtest_log_line('S', reply->str, reply->len ? reply->len - 1 : 0);
        chr_write(qtest_chr, reply->str, reply->len);
        g_string_free(reply, TRUE);
        g_free(line);
    }
    if (qtest_inbuf->len > QTEST_MAX_LINE) {
        chr_write(qtest_chr, "FAIL line too long\n", 19);
        g_string_truncate(qtest_inbuf, 0);
    }
}

static void qtest_event(void *opaque, ChrEvent event)
{
    if (event == CHR_EVENT_OPENED) {
        g_timer_start(qtest_timer);
        if (qtest_log) {
            fprintf(qtest_log, "[I %f] OPENED\n", 0.0);
        }
        return;
    }
    if (qtest_log) {
        fprintf(qtest_log, "[I +%f] CLOSED\n",
                g_timer_elapsed(qtest_timer, NULL));
    }
    /* The test driving us has gone: nothing more can happen, so exit. */
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
}

bool qtest_server_init(const char *spec, const char *log_path, Error **errp)
{
    Error *local_err = NULL;

    qtest_chr = chr_open(spec, &local_err);
    if (!qtest_chr) {
        error_setg(errp, "Failed to initialize device for qtest: \"%s\": %s",
                   spec, error_get_pretty(local_err));
        error_free(local_err);
        return false;
    }
    if (log_path && strcmp(log_path, "none")) {
        qtest_log = fopen(log_path, "w+");
        if (!qtest_log) {
            error_setg_errno(errp, errno, "-qtest-log %s", log_path);
            chr_close(qtest_chr);
            qtest_chr = NULL;
            return false;
        }
    }
    qtest_inbuf = g_string_new(NULL);
    qtest_timer = g_timer_new();
    chr_set_handlers(qtest_chr, qtest_read, qtest_event, NULL);
    return true;
}

void qtest_server_cleanup(void)
{
    if (qtest_chr) {
        chr_close(qtest_chr);
        qtest_chr = NULL;
    }
    if (qtest_log) {
        fclose(qtest_log);
        qtest_log = NULL;
    }
    if (qtest_inbuf) {
        g_string_free(qtest_inbuf, TRUE);
        qtest_inbuf = NULL;
    }
    if (qtest_timer) {
        g_timer_destroy(qtest_timer);
        qtest_timer = NULL;
    }
}
