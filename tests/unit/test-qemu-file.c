/*
 * Tests for QEMUFile (migration/qemu-file.c): big-endian puts and gets,
 * queued pages written without copying, peeks, and the sticky error
 * state a truncated stream leaves.
 */
#include <string.h>
#include <unistd.h>
#include "migration/qemu-file.h"

static void test_round_trip(void)
{
    QEMUFile *out = qemu_file_new_output_buffer();
    static uint8_t page[4096];
    const uint8_t *data;
    char name[256];
    uint8_t back[4096];
    size_t len;
    QEMUFile *in;

    memset(page, 0xa5, sizeof(page));
    qemu_put_be32(out, 0x5145564d);
    qemu_put_be16(out, 0x1234);
    qemu_put_byte(out, 7);
    qemu_put_be64(out, 0x0102030405060708ULL);
    qemu_put_counted_string(out, "pc.ram");
    qemu_put_buffer_async(out, page, sizeof(page));
    qemu_put_byte(out, 0x7e);
    data = qemu_file_output_buffer(out, &len);
    g_assert_cmpuint(len, ==, 4 + 2 + 1 + 8 + 7 + 4096 + 1);
    g_assert_cmpmem(data, 4, "QEVM", 4);
    g_assert_cmpuint(qemu_file_transferred(out), ==, len);

    in = qemu_file_new_input_buffer(data, len);
    g_assert_cmpint(qemu_peek_byte(in, 0), ==, 'Q');
    g_assert_cmpuint(qemu_get_be32(in), ==, 0x5145564d);
    g_assert_cmpuint(qemu_get_be16(in), ==, 0x1234);
    g_assert_cmpuint(qemu_get_byte(in), ==, 7);
    g_assert_cmpuint(qemu_get_be64(in), ==, 0x0102030405060708ULL);
    g_assert_true(qemu_get_counted_string(in, name));
    g_assert_cmpstr(name, ==, "pc.ram");
    g_assert_cmpuint(qemu_get_buffer(in, back, sizeof(back)), ==, 4096);
    g_assert_cmpmem(back, 4096, page, 4096);
    g_assert_cmpuint(qemu_get_byte(in), ==, 0x7e);
    g_assert_true(qemu_file_at_eof(in));
    g_assert_cmpint(qemu_file_get_error(in), ==, 0);
    g_assert_cmpint(qemu_fclose(in), ==, 0);
    g_assert_cmpint(qemu_fclose(out), ==, 0);
}

static void test_truncated(void)
{
    static const uint8_t two[] = { 0x00, 0x01 };
    QEMUFile *in = qemu_file_new_input_buffer(two, sizeof(two));
    Error *err = NULL;

    g_assert_cmpuint(qemu_get_be32(in), ==, 0);
    g_assert_cmpint(qemu_file_get_error_obj(in, &err), ==, -EIO);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "migration stream: unexpected end of stream after 2 "
                    "bytes");
    error_free(err);
    /* Sticky: later gets return zeros and keep the first message. */
    g_assert_cmpuint(qemu_get_byte(in), ==, 0);
    qemu_file_set_error(in, -EINVAL, "second");
    g_assert_cmpint(qemu_fclose(in), ==, -EIO);
}

/* Many pages through a pipe: the writev path, partial writes included. */
enum { PIPE_PAGES = 600 };

static gpointer pipe_reader(gpointer opaque)
{
    QEMUFile *in = qemu_file_new_input(GPOINTER_TO_INT(opaque), "pipe");
    uint8_t *back = g_malloc(4096);
    gboolean ok = TRUE;

    for (int p = 0; p < PIPE_PAGES; p++) {
        ok &= qemu_get_be64(in) == (uint64_t)p;
        qemu_get_buffer(in, back, 4096);
        for (int i = 0; i < 4096; i++) {
            ok &= back[i] == (uint8_t)((uint8_t)(p * 4096 + i) * 7 + p);
        }
    }
    ok &= qemu_file_at_eof(in);
    ok &= qemu_fclose(in) == 0;
    g_free(back);
    return GINT_TO_POINTER(ok);
}

static void test_pipe_pages(void)
{
    uint8_t *ram = g_malloc(PIPE_PAGES * 4096);
    int fds[2];
    GThread *reader;
    QEMUFile *out;

    for (size_t i = 0; i < PIPE_PAGES * 4096; i++) {
        ram[i] = (uint8_t)i * 7 + i / 4096;
    }
    g_assert_cmpint(pipe(fds), ==, 0);
    reader = g_thread_new("reader", pipe_reader, GINT_TO_POINTER(fds[0]));
    out = qemu_file_new_output(fds[1], "pipe");
    for (int p = 0; p < PIPE_PAGES; p++) {
        qemu_put_be64(out, p);
        qemu_put_buffer_async(out, ram + p * 4096, 4096);
    }
    g_assert_cmpuint(qemu_file_transferred(out), ==, PIPE_PAGES * 4104);
    g_assert_cmpint(qemu_fclose(out), ==, 0);
    g_assert_true(GPOINTER_TO_INT(g_thread_join(reader)));
    g_free(ram);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qemu-file/round-trip", test_round_trip);
    g_test_add_func("/qemu-file/truncated", test_truncated);
    g_test_add_func("/qemu-file/pipe-pages", test_pipe_pages);
    return g_test_run();
}
