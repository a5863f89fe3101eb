/*
 * accel tcg: loading libunicorn on first use (see tcg-uc.h for why).
 */
#include <dlfcn.h>

#include "accel/tcg/tcg-uc.h"
#include "config-host.h"

TCGUcLib tcg_uc;

static void *tcg_uc_handle;

bool tcg_uc_load(Error **errp)
{
    TCGUcLib lib;
    unsigned major, minor;
    __typeof__(lib.uc_version) version;
    void *h;

    if (tcg_uc_handle) {
        return true;
    }
    /*
     * RTLD_NOW: a missing function fails here, not in the middle of a
     * guest.  RTLD_LOCAL is enough: the library's references to the
     * functions memvm wraps (tcg-arm64.c) still bind to the executable,
     * which the loader searches first.
     */
    h = dlopen(MEMVM_UNICORN_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        error_setg(errp, "accel tcg: cannot load %s (Debian package "
                   "libunicorn2): %s", MEMVM_UNICORN_SONAME, dlerror());
        return false;
    }
#define TCG_UC_RESOLVE(name) \
    lib.name = (__typeof__(lib.name))dlsym(h, #name); \
    if (!lib.name) { \
        error_setg(errp, "accel tcg: %s has no function %s", \
                   MEMVM_UNICORN_SONAME, #name); \
        dlclose(h); \
        return false; \
    }
    TCG_UC_FUNCS(TCG_UC_RESOLVE)
#undef TCG_UC_RESOLVE
    /* Same soname, but memvm was built against this API version. */
    version = lib.uc_version;
    version(&major, &minor);
    if (major != UC_API_MAJOR) {
        error_setg(errp, "accel tcg: %s is unicorn %u.%u; memvm was built "
                   "for %d.%d", MEMVM_UNICORN_SONAME, major, minor,
                   UC_API_MAJOR, UC_API_MINOR);
        dlclose(h);
        return false;
    }
    tcg_uc = lib;
    tcg_uc_handle = h;
    return true;
}

void *tcg_uc_symbol(const char *name)
{
    return tcg_uc_handle ? dlsym(tcg_uc_handle, name) : NULL;
}
