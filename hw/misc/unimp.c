/*
 * Placeholder devices that read as zero (see include/hw/misc/unimp.h).
 */
#include "hw/misc/unimp.h"

static uint64_t unimp_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static void unimp_write(void *opaque, hwaddr addr, uint64_t val,
                        unsigned size)
{
}

static const MemoryRegionOps unimp_ops = {
    .read = unimp_read,
    .write = unimp_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 8,
};

/* The regions live as long as the process (kept for LeakSanitizer). */
static GPtrArray *unimp_regions;

void unimp_create(MemoryRegion *sysmem, const char *name, hwaddr base,
                  uint64_t size)
{
    MemoryRegion *mr = g_new0(MemoryRegion, 1);

    if (!unimp_regions) {
        unimp_regions = g_ptr_array_new();
    }
    g_ptr_array_add(unimp_regions, mr);
    memory_region_init_io(mr, NULL, &unimp_ops, NULL, name, size);
    memory_region_add_subregion(sysmem, base, mr);
}
