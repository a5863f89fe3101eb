/*
 * The human monitor: a line-based command interpreter on a chardev, and
 * the same interpreter behind QMP's human-monitor-command.
 *
 * Input is read a line at a time with no echo or line editing: a terminal
 * in its normal (cooked) mode does both for us.
 */
#include <string.h>

#include "config-host.h"
#include "chardev/char.h"
#include "monitor/monitor.h"
#include "sysemu/runstate.h"

/* QEMU's readline keeps at most this many characters of a line. */
#define HMP_MAX_LINE 4095

#define HMP_PROMPT "(memvm) "

typedef struct HmpCmd {
    char *name;         /* "quit|q": the name, then its aliases */
    char *params;       /* "" when the command takes no arguments */
    char *help;
    HmpCommandFunc *fn;
} HmpCmd;

typedef struct HmpMonitor {
    Chardev *chr;
    GString *line;      /* input beyond HMP_MAX_LINE is dropped */
    bool after_cr;      /* a CR ended the last line: skip a following LF */
    GString *held;      /* input read while memvm starts, run after */
} HmpMonitor;

static GPtrArray *hmp_cmds;         /* of HmpCmd, sorted by name */
static GPtrArray *hmp_infos;        /* "info" subcommands, sorted */
static GPtrArray *hmp_monitors;
/* quit was typed: no new prompt while memvm goes away. */
static bool hmp_quitting;

static gint hmp_cmd_cmp(gconstpointer a, gconstpointer b)
{
    const HmpCmd *x = *(HmpCmd *const *)a, *y = *(HmpCmd *const *)b;

    return strcmp(x->name, y->name);
}

static void hmp_add(GPtrArray **table, const char *name,
                    const char *params_help, const char *help,
                    HmpCommandFunc *fn)
{
    HmpCmd *cmd = g_new0(HmpCmd, 1);

    if (!*table) {
        *table = g_ptr_array_new();
    }
    cmd->name = g_strdup(name);
    cmd->params = g_strdup(params_help ? params_help : "");
    cmd->help = g_strdup(help);
    cmd->fn = fn;
    g_ptr_array_add(*table, cmd);
    /* help lists commands sorted by name, as QEMU 7.2 does. */
    g_ptr_array_sort(*table, hmp_cmd_cmp);
}

void hmp_register_command(const char *name, const char *params_help,
                          const char *help, HmpCommandFunc *fn)
{
    hmp_add(&hmp_cmds, name, params_help, help, fn);
}

void hmp_register_info(const char *name, const char *params_help,
                       const char *help, HmpCommandFunc *fn)
{
    hmp_add(&hmp_infos, name, params_help, help, fn);
}

/* Does @word name @cmd or one of its aliases? */
static bool hmp_cmd_matches(const HmpCmd *cmd, const char *word)
{
    const char *p = cmd->name;
    size_t len = strlen(word);

    while (*p) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);

        if (n == len && !strncmp(p, word, len)) {
            return true;
        }
        if (!bar) {
            break;
        }
        p = bar + 1;
    }
    return false;
}

static HmpCmd *hmp_find(GPtrArray *table, const char *word)
{
    for (guint i = 0; table && i < table->len; i++) {
        HmpCmd *cmd = g_ptr_array_index(table, i);

        if (hmp_cmd_matches(cmd, word)) {
            return cmd;
        }
    }
    return NULL;
}

/* Split off the first blank-separated word of @p; *@rest is what follows. */
static char *hmp_next_word(const char *p, const char **rest)
{
    const char *start, *end;

    while (g_ascii_isspace(*p)) {
        p++;
    }
    start = p;
    while (*p && !g_ascii_isspace(*p)) {
        p++;
    }
    end = p;
    while (g_ascii_isspace(*p)) {
        p++;
    }
    *rest = p;
    return g_strndup(start, end - start);
}

void hmp_handle_error(GString *out, Error *err)
{
    g_string_append_printf(out, "Error: %s\n", error_get_pretty(err));
    if (error_get_hint(err)) {
        g_string_append(out, error_get_hint(err));
    }
    error_free(err);
}

void hmp_usage_error(GString *out, const char *cmd, const char *what)
{
    g_string_append_printf(out, "%s: %s\nTry \"help %s\" for more "
                           "information\n", cmd, what, cmd);
}

/*
 * Run @cmd with @args.  @typed is what the user typed for it ("q",
 * "info status"), which QEMU's usage hint repeats.
 */
static void hmp_run(HmpCmd *cmd, const char *typed, const char *args,
                    GString *out)
{
    char *trimmed = g_strstrip(g_strdup(args));

    if (!*cmd->params && *trimmed) {
        g_string_append_printf(out, "%s: extraneous characters at the end "
                               "of line\nTry \"help %s\" for more "
                               "information\n", cmd->name, typed);
    } else {
        cmd->fn(out, trimmed);
    }
    g_free(trimmed);
}

static void hmp_print_help_line(GString *out, const char *prefix,
                                const HmpCmd *cmd)
{
    g_string_append_printf(out, "%s%s %s -- %s\n", prefix, cmd->name,
                           cmd->params, cmd->help);
}

static void hmp_list(GString *out, GPtrArray *table, const char *prefix)
{
    for (guint i = 0; table && i < table->len; i++) {
        hmp_print_help_line(out, prefix, g_ptr_array_index(table, i));
    }
}

void hmp_execute(const char *cmdline, GString *out)
{
    const char *args;
    char *word = hmp_next_word(cmdline, &args);
    HmpCmd *cmd;

    if (!*word) {
        g_free(word);
        return;
    }
    cmd = hmp_find(hmp_cmds, word);
    if (!cmd) {
        g_string_append_printf(out, "unknown command: '%s'\n", word);
    } else {
        hmp_run(cmd, word, args, out);
    }
    g_free(word);
}

/* --- built-in commands -------------------------------------------------- */

static void hmp_help(GString *out, const char *args)
{
    const char *rest;
    char *word = hmp_next_word(args, &rest);
    char *sub = NULL;
    HmpCmd *cmd;

    if (!*word) {
        hmp_list(out, hmp_cmds, "");
        goto out;
    }
    if (!strcmp(word, "info")) {
        sub = hmp_next_word(rest, &rest);
        if (!*sub) {
            hmp_list(out, hmp_infos, "info ");
        } else if ((cmd = hmp_find(hmp_infos, sub))) {
            hmp_print_help_line(out, "info ", cmd);
        } else {
            g_string_append_printf(out, "unknown command: 'info %s'\n", sub);
        }
        goto out;
    }
    cmd = hmp_find(hmp_cmds, word);
    if (cmd) {
        hmp_print_help_line(out, "", cmd);
    } else {
        g_string_append_printf(out, "unknown command: '%s'\n", word);
    }
out:
    g_free(sub);
    g_free(word);
}

static void hmp_info(GString *out, const char *args)
{
    const char *rest;
    char *word = hmp_next_word(args, &rest);
    HmpCmd *cmd;

    if (!*word) {
        hmp_list(out, hmp_infos, "info ");
    } else if (!(cmd = hmp_find(hmp_infos, word))) {
        g_string_append_printf(out, "unknown command: 'info %s'\n", word);
    } else {
        char *typed = g_strdup_printf("info %s", word);

        hmp_run(cmd, typed, rest, out);
        g_free(typed);
    }
    g_free(word);
}

static void hmp_quit(GString *out, const char *args)
{
    hmp_quitting = true;
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
}

static void __attribute__((constructor)) hmp_register_builtins(void)
{
    hmp_register_command("help|?", "[cmd]", "show the help", hmp_help);
    hmp_register_command("info", "[subcommand]",
                         "show various information about the system state",
                         hmp_info);
    hmp_register_command("quit|q", "", "quit the emulator", hmp_quit);
}

/* --- the monitor on a chardev ----------------------------------------- */

/* Monitor output uses CR LF line ends, as QEMU's (terminals in raw mode). */
char *hmp_output_crlf(const char *text)
{
    GString *s = g_string_sized_new(strlen(text) + 16);

    for (const char *p = text; *p; p++) {
        if (*p == '\n') {
            g_string_append_c(s, '\r');
        }
        g_string_append_c(s, *p);
    }
    return g_string_free(s, FALSE);
}

static void hmp_write(HmpMonitor *mon, const char *text)
{
    char *crlf = hmp_output_crlf(text);

    chr_write(mon->chr, crlf, strlen(crlf));
    g_free(crlf);
}

static void hmp_run_line(HmpMonitor *mon)
{
    GString *out = g_string_new(NULL);

    hmp_execute(mon->line->str, out);
    if (!hmp_quitting) {
        g_string_append(out, HMP_PROMPT);
    }
    hmp_write(mon, out->str);
    g_string_free(out, TRUE);
    g_string_truncate(mon->line, 0);
}

static void hmp_feed(HmpMonitor *mon, const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = buf[i];

        if (c == '\n' && mon->after_cr) {
            mon->after_cr = false;
            continue;
        }
        mon->after_cr = c == '\r';
        if (c == '\r' || c == '\n') {
            hmp_run_line(mon);
        } else if (mon->line->len < HMP_MAX_LINE) {
            g_string_append_c(mon->line, c);
        }
    }
}

static void hmp_release_one(HmpMonitor *mon)
{
    g_autofree char *held = NULL;
    size_t len = mon->held->len;

    if (!len) {
        return;
    }
    held = g_string_free(mon->held, FALSE);
    mon->held = g_string_new(NULL);
    hmp_feed(mon, held, len);
}

void hmp_release_held(void)
{
    for (guint i = 0; hmp_monitors && i < hmp_monitors->len; i++) {
        hmp_release_one(g_ptr_array_index(hmp_monitors, i));
    }
}

static void hmp_chr_read(void *opaque, const char *buf, size_t len)
{
    HmpMonitor *mon = opaque;

    /* No command runs before the machine exists: they wait for it. */
    if (monitor_in_startup()) {
        g_string_append_len(mon->held, buf, len);
        monitor_hold_input();
        return;
    }
    hmp_release_one(mon);
    hmp_feed(mon, buf, len);
}

static void hmp_chr_event(void *opaque, ChrEvent event)
{
    HmpMonitor *mon = opaque;

    g_string_truncate(mon->line, 0);
    g_string_truncate(mon->held, 0);
    mon->after_cr = false;
    if (event == CHR_EVENT_OPENED) {
        hmp_write(mon, "memvm " MEMVM_VERSION " monitor - type 'help' for "
                  "more information\n" HMP_PROMPT);
    }
}

bool monitor_add_hmp(const char *spec, Error **errp)
{
    HmpMonitor *mon;
    Chardev *chr;

    chr = monitor_open_chardev(spec, errp);
    if (!chr) {
        return false;
    }
    mon = g_new0(HmpMonitor, 1);
    mon->chr = chr;
    mon->line = g_string_new(NULL);
    mon->held = g_string_new(NULL);
    if (!hmp_monitors) {
        hmp_monitors = g_ptr_array_new();
    }
    g_ptr_array_add(hmp_monitors, mon);
    chr_set_handlers(chr, hmp_chr_read, hmp_chr_event, mon);
    return true;
}

bool hmp_has_monitors(void)
{
    return hmp_monitors && hmp_monitors->len;
}

void hmp_cleanup(void)
{
    for (guint i = 0; hmp_monitors && i < hmp_monitors->len; i++) {
        HmpMonitor *mon = g_ptr_array_index(hmp_monitors, i);

        chr_close(mon->chr);
        g_string_free(mon->line, TRUE);
        g_string_free(mon->held, TRUE);
        g_free(mon);
    }
    if (hmp_monitors) {
        g_ptr_array_free(hmp_monitors, TRUE);
        hmp_monitors = NULL;
    }
}
