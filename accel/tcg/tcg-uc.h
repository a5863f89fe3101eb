/*
 * accel tcg: libunicorn, loaded with dlopen() when the first engine is
 * created rather than linked.
 *
 * The library is 19 MiB with about 37000 symbol relocations; linking it
 * made the dynamic loader spend most of memvm's start-up on it, even for
 * -accel qtest and -M none, which never run a guest CPU
 * (docs/performance.md).
 *
 * Code under accel/tcg/ includes this header instead of <unicorn/unicorn.h>
 * and keeps calling uc_open(), uc_reg_read() and so on: each of those is
 * a macro that calls through the pointer tcg_uc_load() fills in.  Nothing
 * may call one before tcg_uc_load() has succeeded.
 */
#ifndef ACCEL_TCG_UC_H
#define ACCEL_TCG_UC_H

#include <unicorn/unicorn.h>

#include "qapi/error.h"

/* X(name): every libunicorn function memvm calls. */
#define TCG_UC_FUNCS(X) \
    X(uc_version) X(uc_strerror) X(uc_open) X(uc_close) X(uc_ctl) \
    X(uc_emu_start) X(uc_emu_stop) X(uc_hook_add) X(uc_hook_del) \
    X(uc_mem_map_ptr) X(uc_mem_unmap) X(uc_mem_protect) X(uc_mem_read) \
    X(uc_mmio_map) X(uc_reg_read) X(uc_reg_write) X(uc_context_alloc) \
    X(uc_context_save) X(uc_context_restore) X(uc_context_free)

typedef struct TCGUcLib {
#define TCG_UC_MEMBER(name) __typeof__(name) *name;
    TCG_UC_FUNCS(TCG_UC_MEMBER)
#undef TCG_UC_MEMBER
} TCGUcLib;

extern TCGUcLib tcg_uc;

#define uc_version(...) tcg_uc.uc_version(__VA_ARGS__)
#define uc_strerror(...) tcg_uc.uc_strerror(__VA_ARGS__)
#define uc_open(...) tcg_uc.uc_open(__VA_ARGS__)
#define uc_close(...) tcg_uc.uc_close(__VA_ARGS__)
#define uc_ctl(...) tcg_uc.uc_ctl(__VA_ARGS__)
#define uc_emu_start(...) tcg_uc.uc_emu_start(__VA_ARGS__)
#define uc_emu_stop(...) tcg_uc.uc_emu_stop(__VA_ARGS__)
#define uc_hook_add(...) tcg_uc.uc_hook_add(__VA_ARGS__)
#define uc_hook_del(...) tcg_uc.uc_hook_del(__VA_ARGS__)
#define uc_mem_map_ptr(...) tcg_uc.uc_mem_map_ptr(__VA_ARGS__)
#define uc_mem_unmap(...) tcg_uc.uc_mem_unmap(__VA_ARGS__)
#define uc_mem_protect(...) tcg_uc.uc_mem_protect(__VA_ARGS__)
#define uc_mem_read(...) tcg_uc.uc_mem_read(__VA_ARGS__)
#define uc_mmio_map(...) tcg_uc.uc_mmio_map(__VA_ARGS__)
#define uc_reg_read(...) tcg_uc.uc_reg_read(__VA_ARGS__)
#define uc_reg_write(...) tcg_uc.uc_reg_write(__VA_ARGS__)
#define uc_context_alloc(...) tcg_uc.uc_context_alloc(__VA_ARGS__)
#define uc_context_save(...) tcg_uc.uc_context_save(__VA_ARGS__)
#define uc_context_restore(...) tcg_uc.uc_context_restore(__VA_ARGS__)
#define uc_context_free(...) tcg_uc.uc_context_free(__VA_ARGS__)

/*
 * Load libunicorn (once; later calls return at once) and resolve the
 * functions above.  On failure: false and an error that names the library
 * and the package that provides it; nothing is left loaded.
 */
bool tcg_uc_load(Error **errp);

/*
 * A symbol of the loaded library that is not part of its API (the Arm
 * internals tcg-arm64.c calls and wraps): the library's own definition,
 * never a wrapper of the same name in memvm.  NULL if it has none.
 */
void *tcg_uc_symbol(const char *name);

#endif
