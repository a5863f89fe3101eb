/*
 * The NeXT Cube ("next-cube"): QEMU 7.2's RAM layout.
 */
#include "exec/ramblock.h"
#include "hw/boards.h"
#include "qemu/cutils.h"

#define TYPE_NEXT_MACHINE MACHINE_TYPE_NAME("next-cube")
OBJECT_DECLARE_SIMPLE_TYPE(NeXTState, NEXT_MACHINE)

#define NEXT_ROM_BASE 0x01000000ULL
#define NEXT_ROM_SIZE (128 * KiB)
#define NEXT_BMAP_BASE 0x020c0000ULL
/* The Rev_2.5_v66 ROM also reaches the BMAP memory up here. */
#define NEXT_BMAP_ALIAS_BASE 0x820c0000ULL
#define NEXT_BMAP_SIZE 64       /* bytes */
#define NEXT_RAM_BASE 0x04000000ULL
#define NEXT_VIDEO_BASE 0x0b000000ULL
#define NEXT_VIDEO_SIZE 0x1cb100ULL /* 1120x832 at 2 bits per pixel */

struct NeXTState {
    MachineState parent_obj;
    MemoryRegion rom;
    MemoryRegion video_block;
    MemoryRegion video;
    MemoryRegion bmap_block;
    MemoryRegion bmap;
    MemoryRegion bmap_alias;
};

/*
 * QEMU rounds a region's RAM block up to a host page but keeps the region
 * at its odd size; a page-rounded block seen through an alias of the
 * exact size gives the same map and the same block.
 */
static bool next_small_ram(MachineState *ms, MemoryRegion *block_mr,
                           MemoryRegion *mr, const char *name,
                           uint64_t size, Error **errp)
{
    uint64_t page = 4 * KiB;

    if (!memory_region_init_device_ram(block_mr, OBJECT(ms), name,
                                       (size + page - 1) / page * page,
                                       errp)) {
        return false;
    }
    memory_region_init_alias(mr, OBJECT(ms), name, block_mr, 0, size);
    return true;
}

static bool next_cube_init(MachineState *ms, Error **errp)
{
    NeXTState *s = NEXT_MACHINE(ms);
    MemoryRegion *sysmem = get_system_memory();

    memory_region_add_subregion(sysmem, NEXT_RAM_BASE, ms->ram);
    /*
     * The framebuffer comes after RAM: with more than 112 MiB of RAM the
     * two overlap and, as in QEMU, the framebuffer wins.
     */
    if (!next_small_ram(ms, &s->video_block, &s->video, "next-video",
                        NEXT_VIDEO_SIZE, errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, NEXT_VIDEO_BASE, &s->video);
    if (!next_small_ram(ms, &s->bmap_block, &s->bmap, "next.bmapmem",
                        NEXT_BMAP_SIZE, errp)) {
        return false;
    }
    /* QEMU does not migrate this memory, so its block has no name. */
    ram_block_unset_idstr(memory_region_get_ram_block(&s->bmap_block));
    memory_region_add_subregion(sysmem, NEXT_BMAP_BASE, &s->bmap);
    memory_region_init_alias(&s->bmap_alias, OBJECT(ms), "next.bmapmem2",
                             &s->bmap_block, 0, NEXT_BMAP_SIZE);
    memory_region_add_subregion(sysmem, NEXT_BMAP_ALIAS_BASE,
                                &s->bmap_alias);
    if (!memory_region_init_rom(&s->rom, OBJECT(ms), "next.rom",
                                NEXT_ROM_SIZE, errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, NEXT_ROM_BASE, &s->rom);
    return true;
}

static void next_cube_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "next-cube";
    mc->default_cpu_model = "m68040";
    mc->desc = "NeXT Cube";
    mc->arches = ARCH_M68K;
    mc->default_ram_id = "next.ram";
    mc->default_ram_size = 64 * MiB;
    mc->init = next_cube_init;
}

static const TypeInfo next_cube_info = {
    .name = TYPE_NEXT_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(NeXTState),
    .class_init = next_cube_class_init,
};

static void next_cube_register_types(void)
{
    type_register_static(&next_cube_info);
}
type_init(next_cube_register_types)
