/*
 * Run a fuzz target over saved inputs without libFuzzer, so that any
 * compiler can build it and `make check` replays the corpora: each file
 * named on the command line, and each file in a directory named there
 * (sorted, not recursive), goes to LLVMFuzzerTestOneInput() once.
 * Prints TAP, one test per input; a crash or failed assertion in the
 * target ends the program with the input's name as the last line.
 */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional, as for libFuzzer: a target without it leaves it undefined. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static gint cmp_path(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_inputs(GPtrArray *inputs, const char *path)
{
    GDir *dir = g_dir_open(path, 0, NULL);
    GPtrArray *names;
    const char *name;

    if (!dir) {
        g_ptr_array_add(inputs, g_strdup(path));
        return;
    }
    names = g_ptr_array_new();
    while ((name = g_dir_read_name(dir))) {
        g_ptr_array_add(names, g_build_filename(path, name, NULL));
    }
    g_dir_close(dir);
    g_ptr_array_sort(names, cmp_path);
    for (guint i = 0; i < names->len; i++) {
        g_ptr_array_add(inputs, names->pdata[i]);
    }
    g_ptr_array_free(names, TRUE);
}

int main(int argc, char **argv)
{
    GPtrArray *inputs = g_ptr_array_new_with_free_func(g_free);
    int failed = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }
    if (LLVMFuzzerInitialize) {
        LLVMFuzzerInitialize(&argc, &argv);
    }
    for (int i = 1; i < argc; i++) {
        add_inputs(inputs, argv[i]);
    }
    printf("1..%u\n", inputs->len);
    for (guint i = 0; i < inputs->len; i++) {
        const char *path = inputs->pdata[i];
        g_autofree char *base = g_path_get_basename(path);
        g_autofree char *data = NULL;
        g_autoptr(GError) err = NULL;
        gsize len;

        if (!g_file_get_contents(path, &data, &len, &err)) {
            printf("not ok %u - %s: %s\n", i + 1, base, err->message);
            failed++;
            continue;
        }
        printf("# %s\n", path);
        fflush(stdout);
        LLVMFuzzerTestOneInput((const uint8_t *)data, len);
        printf("ok %u - %s\n", i + 1, base);
    }
    g_ptr_array_unref(inputs);
    return failed ? 1 : 0;
}
