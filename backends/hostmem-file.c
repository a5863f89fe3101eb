/*
 * memory-backend-file: memory from a file (tmpfs, hugetlbfs, DAX, disk).
 */
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysemu/hostmem.h"
#include "exec/ramblock.h"
#include "qemu/cutils.h"
#include "qemu/host-mem.h"

OBJECT_DECLARE_SIMPLE_TYPE(HostMemoryBackendFile, MEMORY_BACKEND_FILE)

struct HostMemoryBackendFile {
    HostMemoryBackend parent_obj;
    char *mem_path;
    uint64_t align;         /* in bytes; 0 = the file's page size */
    uint64_t offset;        /* in bytes, into the file */
    bool discard_data;
    bool is_pmem;
    bool readonly;
};

static bool file_backend_alloc(HostMemoryBackend *backend, Error **errp)
{
    HostMemoryBackendFile *fb = MEMORY_BACKEND_FILE(backend);
    HostMemMapFlags flags = 0;
    uint64_t page_size, align;
    bool created = false;
    char *used_path = NULL;
    void *host;
    int fd;

    if (!fb->mem_path) {
        error_setg(errp, "mem-path property not set");
        return false;
    }
    fd = host_mem_open_file(fb->mem_path, backend->size + fb->offset,
                            fb->readonly, &created, &used_path, errp);
    if (fd < 0) {
        return false;
    }
    g_free(used_path);
    page_size = host_mem_fd_page_size(fd);
    align = fb->align ? fb->align : page_size;
    if (align < page_size) {
        error_setg(errp, "'align' %" PRIu64 " must not be smaller than the "
                   "page size %" PRIu64 " of mem-path '%s'", align,
                   page_size, fb->mem_path);
        goto fail;
    }
    if (backend->size % page_size) {
        error_setg(errp, "'size' %" PRIu64 " must be a multiple of the page "
                   "size %" PRIu64 " of mem-path '%s'", backend->size,
                   page_size, fb->mem_path);
        goto fail;
    }
    if (fb->offset % page_size) {
        error_setg(errp, "'offset' %" PRIu64 " must be a multiple of the "
                   "page size %" PRIu64 " of mem-path '%s'", fb->offset,
                   page_size, fb->mem_path);
        goto fail;
    }
    if (!host_memory_backend_check_noreserve(backend, page_size, errp)) {
        goto fail;
    }
    if (backend->share) {
        flags |= HOST_MEM_MAP_SHARED;
    }
    if (!backend->reserve) {
        flags |= HOST_MEM_MAP_NORESERVE;
    }
    if (fb->readonly) {
        flags |= HOST_MEM_MAP_READONLY;
    }
    if (fb->is_pmem) {
        flags |= HOST_MEM_MAP_SYNC;
    }
    host = host_mem_map(fd, backend->size, align, fb->offset, flags, errp);
    if (!host) {
        goto fail;
    }
    host_memory_backend_init_ram(backend, host, fd, fb->offset, page_size,
                                 (backend->share ? RAM_SHARED : 0) |
                                 (backend->reserve ? 0 : RAM_NORESERVE) |
                                 (fb->readonly ? RAM_READONLY : 0) |
                                 (fb->is_pmem ? RAM_PMEM : 0));
    return true;
fail:
    close(fd);
    return false;
}

/*
 * Only a file that is new or empty takes pages from the pool or space
 * from its file system: an existing one already holds its data.
 */
static void file_backend_describe(HostMemoryBackend *backend,
                                  HostMemRequest *req)
{
    HostMemoryBackendFile *fb = MEMORY_BACKEND_FILE(backend);
    struct stat st;
    uint64_t page;

    if (!fb->mem_path || fb->readonly) {
        return;
    }
    if (!stat(fb->mem_path, &st) && S_ISREG(st.st_mode) && st.st_size) {
        return;
    }
    if (stat(fb->mem_path, &st) == 0 && (S_ISCHR(st.st_mode) ||
                                          S_ISBLK(st.st_mode))) {
        return;
    }
    page = host_mem_path_page_size(fb->mem_path);
    if (page == host_mem_host_page_size()) {
        g_autofree char *dir = g_path_get_dirname(fb->mem_path);

        /* A file yet to be created: its directory's file system. */
        page = host_mem_path_page_size(stat(fb->mem_path, &st) ? dir
                                                              : fb->mem_path);
    }
    if (page != host_mem_host_page_size()) {
        req->hugetlb = true;
        req->page_size = page;
    } else {
        /*
         * Even a private mapping fills the file: a write fault reads the
         * file page (allocating it on tmpfs) before copying it.
         */
        req->fs_path = fb->mem_path;
    }
}

static char *file_get_mem_path(Object *obj, Error **errp)
{
    return g_strdup(MEMORY_BACKEND_FILE(obj)->mem_path);
}

static bool file_set_mem_path(Object *obj, const char *value, Error **errp)
{
    HostMemoryBackendFile *fb = MEMORY_BACKEND_FILE(obj);

    if (!host_memory_backend_check_unallocated(MEMORY_BACKEND(obj),
                                               "mem-path", errp)) {
        return false;
    }
    g_free(fb->mem_path);
    fb->mem_path = g_strdup(value);
    return true;
}

static uint64_t file_get_align(Object *obj, Error **errp)
{
    return MEMORY_BACKEND_FILE(obj)->align;
}

static bool file_set_align(Object *obj, uint64_t value, Error **errp)
{
    if (!host_memory_backend_check_unallocated(MEMORY_BACKEND(obj),
                                               "align", errp)) {
        return false;
    }
    if (value & (value - 1)) {
        error_setg(errp, "'align' %" PRIu64 " is not a power of two", value);
        return false;
    }
    MEMORY_BACKEND_FILE(obj)->align = value;
    return true;
}

static uint64_t file_get_offset(Object *obj, Error **errp)
{
    return MEMORY_BACKEND_FILE(obj)->offset;
}

static bool file_set_offset(Object *obj, uint64_t value, Error **errp)
{
    if (!host_memory_backend_check_unallocated(MEMORY_BACKEND(obj),
                                               "offset", errp)) {
        return false;
    }
    MEMORY_BACKEND_FILE(obj)->offset = value;
    return true;
}

static bool file_get_discard(Object *obj, Error **errp)
{
    return MEMORY_BACKEND_FILE(obj)->discard_data;
}

static bool file_set_discard(Object *obj, bool value, Error **errp)
{
    MEMORY_BACKEND_FILE(obj)->discard_data = value;
    return true;
}

static bool file_get_pmem(Object *obj, Error **errp)
{
    return MEMORY_BACKEND_FILE(obj)->is_pmem;
}

static bool file_set_pmem(Object *obj, bool value, Error **errp)
{
    if (!host_memory_backend_check_unallocated(MEMORY_BACKEND(obj),
                                               "pmem", errp)) {
        return false;
    }
    MEMORY_BACKEND_FILE(obj)->is_pmem = value;
    return true;
}

static bool file_get_readonly(Object *obj, Error **errp)
{
    return MEMORY_BACKEND_FILE(obj)->readonly;
}

static bool file_set_readonly(Object *obj, bool value, Error **errp)
{
    if (!host_memory_backend_check_unallocated(MEMORY_BACKEND(obj),
                                               "readonly", errp)) {
        return false;
    }
    MEMORY_BACKEND_FILE(obj)->readonly = value;
    return true;
}

static void file_backend_finalize(Object *obj)
{
    HostMemoryBackendFile *fb = MEMORY_BACKEND_FILE(obj);
    HostMemoryBackend *backend = MEMORY_BACKEND(obj);

    /*
     * discard-data: the contents are scratch, so free the file's pages
     * instead of letting the kernel write them back.  Runs before the
     * generic finalize unmaps the memory.
     */
    if (fb->discard_data && backend->allocated && backend->host) {
        madvise(backend->host, backend->size, MADV_REMOVE);
    }
    g_free(fb->mem_path);
}

static void file_backend_class_init(ObjectClass *oc, void *data)
{
    HostMemoryBackendClass *bc = MEMORY_BACKEND_CLASS(oc);

    bc->alloc = file_backend_alloc;
    bc->describe = file_backend_describe;
    object_class_property_add_str(oc, "mem-path", file_get_mem_path,
                                  file_set_mem_path);
    object_class_property_set_description(oc, "mem-path",
        "File (or directory for a temporary file) to map");
    object_class_property_add_size(oc, "align", file_get_align,
                                   file_set_align);
    object_class_property_set_description(oc, "align",
        "Alignment of the mapping (default: the file's page size)");
    object_class_property_add_size(oc, "offset", file_get_offset,
                                   file_set_offset);
    object_class_property_set_description(oc, "offset",
        "Offset into the file to map from");
    object_class_property_set_default_str(oc, "offset", "0");
    object_class_property_add_bool(oc, "discard-data", file_get_discard,
                                   file_set_discard);
    object_class_property_set_description(oc, "discard-data",
        "Discard the file's contents when the backend goes away");
    object_class_property_set_default_str(oc, "discard-data", "off");
    object_class_property_add_bool(oc, "pmem", file_get_pmem, file_set_pmem);
    object_class_property_set_description(oc, "pmem",
        "The file is persistent memory (map it with MAP_SYNC)");
    object_class_property_set_default_str(oc, "pmem", "off");
    object_class_property_add_bool(oc, "readonly", file_get_readonly,
                                   file_set_readonly);
    object_class_property_set_description(oc, "readonly",
        "Open and map the file read-only");
    object_class_property_set_default_str(oc, "readonly", "off");
}

static const TypeInfo file_backend_info = {
    .name = TYPE_MEMORY_BACKEND_FILE,
    .parent = TYPE_MEMORY_BACKEND,
    .class_init = file_backend_class_init,
    .instance_size = sizeof(HostMemoryBackendFile),
    .instance_finalize = file_backend_finalize,
};

static void register_types(void)
{
    type_register_static(&file_backend_info);
}
type_init(register_types)
