/*
 * libFuzzer target for the migration stream loader (migration/savevm.c,
 * ram.c, global-state.c): each input is a whole incoming stream, loaded
 * into a "none" machine with 1 MiB of RAM (block "ram") as -incoming
 * would load it.  Whatever the bytes, the loader must return either
 * success or an error with a message, never crash, hang or write outside
 * the RAM block.
 */
#include <string.h>

#include "fuzz-machine.h"
#include "migration/migration.h"
#include "migration/qemu-file.h"
#include "migration/savevm.h"
#include "qemu/cutils.h"

#define FUZZ_RAM_SIZE (1 * MiB)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    migration_object_init();
    fuzz_machine_init(FUZZ_RAM_SIZE);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    QEMUFile *f;
    Error *err = NULL;
    int ret;

    f = qemu_file_new_input_buffer(data, size);
    ret = qemu_loadvm_state(f, &err);
    if (ret < 0 && (!err || !error_get_pretty(err)[0])) {
        g_error("load failed (%d) without a message", ret);
    }
    if (ret == 0 && err) {
        g_error("load succeeded with an error set: %s",
                error_get_pretty(err));
    }
    error_free(err);
    qemu_fclose(f);
    return 0;
}
