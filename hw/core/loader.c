/*
 * Guest image loading: ROM blobs, ELF and raw images, and the per-arch
 * placement of kernel, initrd, device tree and x86 boot table (see
 * include/hw/loader.h and docs/boot.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <libfdt.h>
#include <string.h>
#include <unistd.h>

#include "hw/loader.h"
#include "exec/ramblock.h"
#include "qemu/cutils.h"
#include "sysemu/runstate.h"

#ifndef EM_AARCH64
#define EM_AARCH64 183
#endif
#ifndef EM_RISCV
#define EM_RISCV 243
#endif

/* arm64 Image header (Documentation/arm64/booting.rst in Linux). */
#define ARM64_MAGIC_OFFSET 0x38
#define ARM64_TEXT_OFFSET_OFFSET 8
/* Raw aarch64 images without a usable header go here (QEMU's choice). */
#define ARM64_DEFAULT_LOAD_OFFSET 0x80000
/*
 * QEMU writes a small boot stub at the start of RAM and moves an Image
 * whose text_offset would overlap it up by 2 MiB; memvm keeps the rule so
 * that images land where they do under QEMU.
 */
#define ARM_BOOTLOADER_MAX_SIZE (4 * KiB)
/* Raw x86 images go at 1 MiB, above the legacy PC holes. */
#define X86_RAW_LOAD_ADDR (1 * MiB)

typedef struct RomBlob {
    char *name;
    hwaddr addr;
    uint8_t *data;
    size_t len;
} RomBlob;

/* The blobs of the current machine, re-copied on reset. */
static GPtrArray *roms;

static uint64_t align_up(uint64_t v, uint64_t align)
{
    return (v + align - 1) & ~(align - 1);
}

static uint64_t align_down(uint64_t v, uint64_t align)
{
    return v & ~(align - 1);
}

static uint64_t read_le64(const void *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof(v));
    return GUINT64_FROM_LE(v);
}

/* --- RAM map ------------------------------------------------------------ */

/* Offset of @mr's first byte in main RAM, if @mr is (part of) main RAM. */
static bool main_ram_offset(MachineState *ms, MemoryRegion *mr,
                            uint64_t *offset)
{
    if (!ms->ram) {
        return false;
    }
    if (mr == ms->ram) {
        *offset = 0;
        return true;
    }
    /* With -numa node,memdev= main RAM is a container of the backends. */
    if (ms->ram == &ms->ram_container && mr->container == ms->ram) {
        *offset = mr->addr;
        return true;
    }
    return false;
}

static unsigned ram_offset_node(MachineState *ms, uint64_t offset)
{
    for (unsigned i = 1; i < ms->numa.num_nodes; i++) {
        if (offset < numa_node_ram_start(ms, i)) {
            return i - 1;
        }
    }
    return ms->numa.num_nodes ? ms->numa.num_nodes - 1 : 0;
}

GArray *guest_ram_ranges(MachineState *ms)
{
    GArray *out = g_array_new(FALSE, FALSE, sizeof(GuestRamRange));
    FlatView *fv = address_space_get_flatview(&address_space_memory);

    for (unsigned i = 0; i < fv->nr; i++) {
        const FlatRange *fr = &fv->ranges[i];
        GuestRamRange r;
        uint64_t base;

        if (fr->mr->kind != MR_RAM || !main_ram_offset(ms, fr->mr, &base)) {
            continue;
        }
        r.base = (hwaddr)fr->addr;
        r.size = (uint64_t)fr->size;
        r.ram_offset = base + fr->offset_in_region;
        r.node = ram_offset_node(ms, r.ram_offset);
        g_array_append_val(out, r);
    }
    flatview_unref(fv);
    return out;
}

/* --- ROM blobs ---------------------------------------------------------- */

static void rom_blob_free(gpointer p)
{
    RomBlob *rom = p;

    g_free(rom->name);
    g_free(rom->data);
    g_free(rom);
}

static void rom_write(RomBlob *rom)
{
    address_space_write(&address_space_memory, rom->addr, rom->data,
                        rom->len);
}

/* Reset handler: a rebooted guest finds its images as first loaded. */
static void rom_reset(void *opaque)
{
    for (guint i = 0; roms && i < roms->len; i++) {
        rom_write(g_ptr_array_index(roms, i));
    }
}

/* Is all of [addr, addr + len) writable RAM? */
static bool range_is_ram(hwaddr addr, uint64_t len)
{
    while (len > 0) {
        hwaddr chunk = len;

        if (!address_space_map_ram(&address_space_memory, addr, &chunk,
                                   true)) {
            return false;
        }
        addr += chunk;
        len -= chunk;
    }
    return true;
}

bool rom_add_blob(const char *name, const void *data, size_t len,
                  hwaddr addr, Error **errp)
{
    RomBlob *rom;

    if (!len) {
        return true;
    }
    if (addr + len < addr || !range_is_ram(addr, len)) {
        error_setg(errp, "%s at 0x%" PRIx64 "-0x%" PRIx64 " is not in "
                   "guest RAM", name, addr, addr + len - 1);
        return false;
    }
    for (guint i = 0; roms && i < roms->len; i++) {
        RomBlob *other = g_ptr_array_index(roms, i);

        if (addr < other->addr + other->len && other->addr < addr + len) {
            error_setg(errp, "%s at 0x%" PRIx64 "-0x%" PRIx64 " overlaps "
                       "%s at 0x%" PRIx64 "-0x%" PRIx64, name, addr,
                       addr + len - 1, other->name, other->addr,
                       other->addr + other->len - 1);
            return false;
        }
    }
    if (!roms) {
        roms = g_ptr_array_new_with_free_func(rom_blob_free);
        qemu_register_reset(rom_reset, NULL);
    }
    rom = g_new0(RomBlob, 1);
    rom->name = g_strdup(name);
    rom->addr = addr;
    rom->data = g_memdup2(data, len);
    rom->len = len;
    g_ptr_array_add(roms, rom);
    /* Also now: the first reset may come after the accelerator starts. */
    rom_write(rom);
    return true;
}

/* --- ELF and raw images ------------------------------------------------- */

/* All of @filename; errors name the file and give the system's reason. */
static bool read_whole_file(const char *filename, char **contents,
                            size_t *size, Error **errp)
{
    GError *gerr = NULL;
    gsize len;

    if (!g_file_get_contents(filename, contents, &len, &gerr)) {
        /* GLib's own message quotes the name again; errno's text is enough. */
        int err = gerr->domain == G_FILE_ERROR &&
                  gerr->code == G_FILE_ERROR_NOENT ? ENOENT :
                  gerr->domain == G_FILE_ERROR &&
                  gerr->code == G_FILE_ERROR_ACCES ? EACCES : 0;

        if (err) {
            error_setg_errno(errp, err, "%s", filename);
        } else {
            error_setg(errp, "%s: %s", filename, gerr->message);
        }
        g_error_free(gerr);
        return false;
    }
    *size = len;
    return true;
}

static const char *elf_machine_name(unsigned machine)
{
    switch (machine) {
    case EM_386:
        return "i386";
    case EM_X86_64:
        return "x86_64";
    case EM_AARCH64:
        return "aarch64";
    case EM_ARM:
        return "arm";
    case EM_RISCV:
        return "riscv";
    case EM_S390:
        return "s390x";
    default:
        return "another architecture";
    }
}

int load_elf(const char *filename, unsigned elf_machine, uint64_t *entry,
             uint64_t *low, uint64_t *high, Error **errp)
{
    g_autofree char *contents = NULL;
    size_t size;
    Elf *elf;
    GElf_Ehdr ehdr;
    size_t phnum;
    int ret = -1;

    if (!read_whole_file(filename, &contents, &size, errp)) {
        return -1;
    }
    if (elf_version(EV_CURRENT) == EV_NONE) {
        error_setg(errp, "%s: libelf is unusable: %s", filename,
                   elf_errmsg(-1));
        return -1;
    }
    /* libelf parses the buffer in place; it owns nothing of ours. */
    elf = elf_memory(contents, size);
    if (!elf || elf_kind(elf) != ELF_K_ELF) {
        if (elf) {
            elf_end(elf);
        }
        return 0;
    }
    if (!gelf_getehdr(elf, &ehdr) || elf_getphdrnum(elf, &phnum) != 0) {
        error_setg(errp, "%s: bad ELF header: %s", filename, elf_errmsg(-1));
        goto out;
    }
    if (ehdr.e_machine != elf_machine) {
        error_setg(errp, "%s: ELF file for %s (machine %u), not %s",
                   filename, elf_machine_name(ehdr.e_machine),
                   ehdr.e_machine, elf_machine_name(elf_machine));
        goto out;
    }
    *low = UINT64_MAX;
    *high = 0;
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        g_autofree uint8_t *seg = NULL;
        g_autofree char *what = NULL;

        if (!gelf_getphdr(elf, i, &ph)) {
            error_setg(errp, "%s: bad program header %zu: %s", filename, i,
                       elf_errmsg(-1));
            goto out;
        }
        if (ph.p_type != PT_LOAD || !ph.p_memsz) {
            continue;
        }
        if (ph.p_filesz > ph.p_memsz || ph.p_offset > size ||
            ph.p_filesz > size - ph.p_offset) {
            error_setg(errp, "%s: segment %zu lies outside the file",
                       filename, i);
            goto out;
        }
        /* The part beyond the file (.bss) is zero, as a loader makes it. */
        seg = g_malloc0(ph.p_memsz);
        memcpy(seg, contents + ph.p_offset, ph.p_filesz);
        what = g_strdup_printf("%s segment %zu", filename, i);
        if (!rom_add_blob(what, seg, ph.p_memsz, ph.p_paddr, errp)) {
            goto out;
        }
        *low = MIN(*low, ph.p_paddr);
        *high = MAX(*high, ph.p_paddr + ph.p_memsz);
    }
    if (*low == UINT64_MAX) {
        error_setg(errp, "%s: ELF file has nothing to load", filename);
        goto out;
    }
    *entry = ehdr.e_entry;
    ret = 1;
out:
    elf_end(elf);
    return ret;
}

int64_t load_image_targphys(const char *filename, hwaddr addr,
                            uint64_t max_size, Error **errp)
{
    g_autofree char *contents = NULL;
    size_t size;

    if (!read_whole_file(filename, &contents, &size, errp)) {
        return -1;
    }
    if (size > max_size) {
        error_setg(errp, "%s is %" PRIu64 " bytes; at most %" PRIu64
                   " fit", filename, (uint64_t)size, max_size);
        return -1;
    }
    if (!rom_add_blob(filename, contents, size, addr, errp)) {
        return -1;
    }
    return size;
}

/* --- device trees ------------------------------------------------------- */

/* libfdt result to error; true if @ret is not negative. */
static bool fdt_ok(int ret, const char *what, Error **errp)
{
    if (ret < 0) {
        error_setg(errp, "device tree: %s: %s", what, fdt_strerror(ret));
        return false;
    }
    return true;
}

/* Replace every /memory node with the RAM memvm really maps (as QEMU). */
static bool fdt_fix_memory_nodes(void *fdt, MachineState *ms, Error **errp)
{
    g_autoptr(GArray) ranges = guest_ram_ranges(ms);
    int off;

    /* Deleting shifts offsets; look again after each one. */
    for (;;) {
        int child;

        off = -1;
        fdt_for_each_subnode(child, fdt, 0) {
            const char *name = fdt_get_name(fdt, child, NULL);

            if (name && (!strcmp(name, "memory") ||
                         g_str_has_prefix(name, "memory@"))) {
                off = child;
                break;
            }
        }
        if (off < 0) {
            break;
        }
        if (!fdt_ok(fdt_del_node(fdt, off), "removing /memory", errp)) {
            return false;
        }
    }
    for (guint i = 0; i < ranges->len; i++) {
        GuestRamRange *r = &g_array_index(ranges, GuestRamRange, i);
        g_autofree char *name = g_strdup_printf("memory@%" PRIx64, r->base);
        fdt64_t reg[2] = { cpu_to_fdt64(r->base), cpu_to_fdt64(r->size) };

        off = fdt_add_subnode(fdt, 0, name);
        if (!fdt_ok(off, name, errp) ||
            !fdt_ok(fdt_setprop_string(fdt, off, "device_type", "memory"),
                    name, errp) ||
            !fdt_ok(fdt_setprop(fdt, off, "reg", reg, sizeof(reg)), name,
                    errp) ||
            (ms->numa.num_nodes &&
             !fdt_ok(fdt_setprop_cell(fdt, off, "numa-node-id", r->node),
                     name, errp))) {
            return false;
        }
    }
    return true;
}

/*
 * The tree the guest gets: -dtb FILE or the board's, with /chosen filled
 * in.  *@out is a packed copy (g_free), also stored in ms->fdt so that
 * dumpdtb shows what the guest sees; NULL when there is no tree.
 */
static bool guest_fdt(MachineState *ms, GuestBootInfo *boot, void **out,
                      Error **errp)
{
    g_autofree char *file = NULL;
    const void *src = ms->fdt;
    size_t extra = 4096 + (ms->kernel_cmdline ?
                           strlen(ms->kernel_cmdline) : 0);
    size_t size;
    void *fdt;
    int chosen;

    *out = NULL;
    if (ms->dtb) {
        size_t len;

        if (!read_whole_file(ms->dtb, &file, &len, errp)) {
            error_prepend(errp, "-dtb ");
            return false;
        }
        if (len < sizeof(struct fdt_header) || fdt_check_header(file) ||
            fdt_totalsize(file) > len) {
            error_setg(errp, "-dtb %s: not a device tree blob", ms->dtb);
            return false;
        }
        src = file;
    }
    if (!src) {
        return true;
    }
    size = fdt_totalsize(src) + extra;
    fdt = g_malloc0(size);
    if (!fdt_ok(fdt_open_into(src, fdt, size), "opening", errp) ||
        (ms->dtb && !fdt_fix_memory_nodes(fdt, ms, errp))) {
        g_free(fdt);
        return false;
    }
    chosen = fdt_path_offset(fdt, "/chosen");
    if (chosen < 0) {
        chosen = fdt_add_subnode(fdt, 0, "chosen");
    }
    if (!fdt_ok(chosen, "/chosen", errp) ||
        (ms->kernel_cmdline && *ms->kernel_cmdline &&
         !fdt_ok(fdt_setprop_string(fdt, chosen, "bootargs",
                                    ms->kernel_cmdline),
                 "/chosen bootargs", errp)) ||
        (boot->initrd_size &&
         (!fdt_ok(fdt_setprop_u64(fdt, chosen, "linux,initrd-start",
                                  boot->initrd_start),
                  "/chosen linux,initrd-start", errp) ||
          !fdt_ok(fdt_setprop_u64(fdt, chosen, "linux,initrd-end",
                                  boot->initrd_start + boot->initrd_size),
                  "/chosen linux,initrd-end", errp))) ||
        !fdt_ok(fdt_pack(fdt), "packing", errp)) {
        g_free(fdt);
        return false;
    }
    if (!ms->dtb && ms->fdt_guest_size > fdt_totalsize(fdt)) {
        void *big = g_malloc0(ms->fdt_guest_size);

        if (!fdt_ok(fdt_open_into(fdt, big, ms->fdt_guest_size), "growing",
                    errp)) {
            g_free(big);
            g_free(fdt);
            return false;
        }
        g_free(fdt);
        fdt = big;
    }
    g_free(ms->fdt);
    ms->fdt = g_memdup2(fdt, fdt_totalsize(fdt));
    ms->fdt_size = fdt_totalsize(fdt);
    *out = fdt;
    return true;
}

static bool load_fdt_at(void *fdt, hwaddr addr, GuestBootInfo *boot,
                        Error **errp)
{
    if (!rom_add_blob("device tree", fdt, fdt_totalsize(fdt), addr, errp)) {
        return false;
    }
    boot->fdt_addr = addr;
    return true;
}

static bool load_initrd(MachineState *ms, hwaddr start, uint64_t limit,
                        GuestBootInfo *boot, Error **errp)
{
    int64_t size;

    if (!ms->initrd_filename) {
        return true;
    }
    size = load_image_targphys(ms->initrd_filename, start,
                               limit > start ? limit - start : 0, errp);
    if (size < 0) {
        error_prepend(errp, "-initrd ");
        return false;
    }
    boot->initrd_start = start;
    boot->initrd_size = size;
    return true;
}

/* --- per architecture --------------------------------------------------- */

/* The lowest main RAM address: where the DTB boards' RAM starts. */
static bool ram_base(MachineState *ms, hwaddr *base, Error **errp)
{
    g_autoptr(GArray) ranges = guest_ram_ranges(ms);

    if (!ranges->len) {
        error_setg(errp, "-kernel: machine has no RAM to load it into");
        return false;
    }
    *base = g_array_index(ranges, GuestRamRange, 0).base;
    return true;
}

/*
 * Load -kernel as an ELF for @machine (EM_*) if it is one: 1 with @boot's
 * entry and image range set, 0 when the file is not ELF (the caller loads
 * it raw), -1 with @errp set on error.
 */
static int load_kernel_elf(MachineState *ms, int machine, GuestBootInfo *boot,
                           Error **errp)
{
    uint64_t entry, low, high;
    int elf = load_elf(ms->kernel_filename, machine, &entry, &low, &high,
                       errp);

    if (elf < 0) {
        error_prepend(errp, "-kernel ");
        return -1;
    }
    if (elf) {
        boot->is_elf = true;
        boot->entry = entry;
        boot->image_low = low;
        boot->image_high = high;
    }
    return elf;
}

/*
 * aarch64 (QEMU 7.2 hw/arm/boot.c): an ELF file loads at its addresses
 * and the DTB goes to the start of RAM if the image leaves room there; a
 * raw Image loads at RAM + text_offset (or 0x80000), the initrd at RAM +
 * min(RAM / 2, 128 MiB), the DTB after it at a 2 MiB boundary.
 */
static bool load_aarch64(MachineState *ms, GuestBootInfo *boot, Error **errp)
{
    g_autofree void *fdt = NULL;
    hwaddr base, initrd_at, dtb;
    int elf;

    if (!ram_base(ms, &base, errp)) {
        return false;
    }
    initrd_at = base + MIN(ms->ram_size / 2, 128 * MiB);
    elf = load_kernel_elf(ms, EM_AARCH64, boot, errp);
    if (elf < 0) {
        return false;
    }
    if (!elf) {
        g_autofree char *img = NULL;
        size_t len;
        uint64_t offset = ARM64_DEFAULT_LOAD_OFFSET;

        if (!read_whole_file(ms->kernel_filename, &img, &len, errp)) {
            error_prepend(errp, "-kernel ");
            return false;
        }
        if (len > ARM64_MAGIC_OFFSET + 4 &&
            !memcmp(img + ARM64_MAGIC_OFFSET, "ARM\x64", 4)) {
            uint64_t text_offset = read_le64(img + ARM64_TEXT_OFFSET_OFFSET);
            uint64_t image_size = read_le64(img + ARM64_TEXT_OFFSET_OFFSET
                                            + 8);

            /* text_offset only counts when image_size is set. */
            if (image_size) {
                offset = text_offset;
                if (offset < ARM_BOOTLOADER_MAX_SIZE) {
                    offset += 2 * MiB;
                }
            }
        }
        boot->entry = base + offset;
        boot->image_low = boot->entry;
        boot->image_high = boot->entry + len;
        if (!rom_add_blob(ms->kernel_filename, img, len, boot->entry,
                          errp)) {
            error_prepend(errp, "-kernel ");
            return false;
        }
    }
    /* QEMU loads an initrd only with a raw image; memvm with both. */
    if (!load_initrd(ms, initrd_at, base + ms->ram_size, boot, errp)) {
        return false;
    }
    if (!guest_fdt(ms, boot, &fdt, errp)) {
        return false;
    }
    if (!fdt) {
        return true;
    }
    /* Raw images: after the initrd (or where it would be). */
    dtb = align_up(initrd_at + boot->initrd_size, 2 * MiB);
    if (elf) {
        uint64_t low = boot->image_low, high = boot->image_high;
        bool room_below = (low > base && fdt_totalsize(fdt) <= low - base) ||
                          high <= base;

        /*
         * The start of RAM when the image leaves room there; QEMU would
         * leave the DTB out otherwise, memvm puts it after everything.
         */
        dtb = room_below ? base
                         : align_up(MAX(high, initrd_at + boot->initrd_size),
                                    2 * MiB);
    }
    return load_fdt_at(fdt, dtb, boot, errp);
}

/*
 * riscv64 (QEMU 7.2 hw/riscv/boot.c, virt board with -bios none): the
 * kernel loads at the start of RAM (ELF: at its addresses), the initrd at
 * entry + min(RAM / 2, 128 MiB), the DTB at the 2 MiB boundary below
 * min(end of RAM, 3 GiB) that leaves room for it.
 */
static bool load_riscv64(MachineState *ms, GuestBootInfo *boot, Error **errp)
{
    g_autofree void *fdt = NULL;
    hwaddr base, end, top;
    int elf;

    if (!ram_base(ms, &base, errp)) {
        return false;
    }
    end = base + ms->ram_size;
    elf = load_kernel_elf(ms, EM_RISCV, boot, errp);
    if (elf < 0) {
        return false;
    }
    if (!elf) {
        int64_t size = load_image_targphys(ms->kernel_filename, base,
                                           ms->ram_size, errp);

        if (size < 0) {
            error_prepend(errp, "-kernel ");
            return false;
        }
        boot->entry = base;
        boot->image_low = base;
        boot->image_high = base + size;
    }
    if (!load_initrd(ms, boot->entry + MIN(ms->ram_size / 2, 128 * MiB),
                     end, boot, errp)) {
        return false;
    }
    if (!guest_fdt(ms, boot, &fdt, errp)) {
        return false;
    }
    if (!fdt) {
        return true;
    }
    /* 32-bit kernels must reach it too, hence the 3 GiB ceiling. */
    top = base < 3 * GiB ? MIN(end, 3 * GiB) : end;
    return load_fdt_at(fdt, align_down(top - fdt_totalsize(fdt), 2 * MiB),
                       boot, errp);
}

/*
 * x86_64, memvm's own protocol (no firmware): ELF at its addresses or a
 * raw image at 1 MiB, then the boot table, -append and the initrd, each
 * at the next 4 KiB boundary.
 */
static bool load_x86_64(MachineState *ms, GuestBootInfo *boot, Error **errp)
{
    g_autoptr(GArray) ranges = guest_ram_ranges(ms);
    g_autofree MemvmBootTable *table = NULL;
    size_t table_len;
    hwaddr next;
    int elf;

    if (ms->dtb) {
        error_setg(errp, "-dtb: machine '%s' does not use a device tree",
                   MACHINE_GET_CLASS(ms)->name);
        return false;
    }
    elf = load_kernel_elf(ms, EM_X86_64, boot, errp);
    if (elf < 0) {
        return false;
    }
    if (!elf) {
        int64_t size = load_image_targphys(ms->kernel_filename,
                                           X86_RAW_LOAD_ADDR, ms->ram_size,
                                           errp);

        if (size < 0) {
            error_prepend(errp, "-kernel ");
            return false;
        }
        boot->entry = X86_RAW_LOAD_ADDR;
        boot->image_low = X86_RAW_LOAD_ADDR;
        boot->image_high = X86_RAW_LOAD_ADDR + size;
    }

    table_len = sizeof(*table) + ranges->len * sizeof(MemvmBootRange);
    table = g_malloc0(table_len);
    next = align_up(boot->image_high, 4 * KiB);
    boot->boot_table = next;
    next = align_up(next + table_len, 4 * KiB);
    if (ms->kernel_cmdline && *ms->kernel_cmdline) {
        size_t len = strlen(ms->kernel_cmdline) + 1;

        if (!rom_add_blob("-append", ms->kernel_cmdline, len, next, errp)) {
            return false;
        }
        table->cmdline = GUINT64_TO_LE(next);
        next = align_up(next + len, 4 * KiB);
    }
    if (!load_initrd(ms, next, ms->ram_size, boot, errp)) {
        return false;
    }
    table->magic = GUINT64_TO_LE(MEMVM_BOOT_MAGIC);
    table->version = GUINT32_TO_LE(MEMVM_BOOT_VERSION);
    table->nr_ranges = GUINT32_TO_LE(ranges->len);
    table->initrd_start = GUINT64_TO_LE(boot->initrd_start);
    table->initrd_size = GUINT64_TO_LE(boot->initrd_size);
    for (guint i = 0; i < ranges->len; i++) {
        GuestRamRange *r = &g_array_index(ranges, GuestRamRange, i);

        table->ranges[i].base = GUINT64_TO_LE(r->base);
        table->ranges[i].size = GUINT64_TO_LE(r->size);
        table->ranges[i].ram_offset = GUINT64_TO_LE(r->ram_offset);
        table->ranges[i].node = GUINT32_TO_LE(r->node);
    }
    return rom_add_blob("memvm boot table", table, table_len,
                        boot->boot_table, errp);
}

bool machine_load_guest(MachineState *ms, Error **errp)
{
    GuestBootInfo *boot;
    bool ok;

    if (!ms->kernel_filename) {
        /* QEMU's wording. */
        if (ms->kernel_cmdline && *ms->kernel_cmdline) {
            error_setg(errp, "-append only allowed with -kernel option");
            return false;
        }
        if (ms->initrd_filename) {
            error_setg(errp, "-initrd only allowed with -kernel option");
            return false;
        }
        return true;
    }
    boot = g_new0(GuestBootInfo, 1);
    switch (target_arch()) {
    case ARCH_X86_64:
        ok = load_x86_64(ms, boot, errp);
        break;
    case ARCH_AARCH64:
        ok = load_aarch64(ms, boot, errp);
        break;
    case ARCH_RISCV64:
        ok = load_riscv64(ms, boot, errp);
        break;
    default:
        error_setg(errp, "-kernel: memvm cannot boot %s guests",
                   target_arch_name(target_arch()));
        ok = false;
        break;
    }
    if (!ok) {
        g_free(boot);
        return false;
    }
    ms->boot = boot;
    return true;
}
