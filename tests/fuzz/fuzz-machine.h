/*
 * For fuzz targets that need a machine: build a "none" machine with a
 * little RAM once, keep fuzzed input from asking the host for much, and
 * put the object tree back after each input.
 */
#ifndef TESTS_FUZZ_MACHINE_H
#define TESTS_FUZZ_MACHINE_H

#include <stdint.h>

/* Largest memory backend fuzzed input may create, in bytes. */
#define FUZZ_MAX_BACKEND_SIZE (16 * 1024 * 1024)

/*
 * Build a "none" machine for x86_64 with @ram_size bytes of RAM at 0 and
 * install the backend limits: memory-backend-file is refused (fuzzed
 * input must not create or truncate host files), other backends above
 * FUZZ_MAX_BACKEND_SIZE are refused.  Aborts on failure.
 */
void fuzz_machine_init(uint64_t ram_size);

/*
 * Delete every object under /objects that fuzz_machine_init() did not
 * create, so that one input cannot change what the next one sees.
 */
void fuzz_objects_reset(void);

#endif
