/*
 * What really backs guest RAM: populated bytes (mincore), their host
 * nodes (move_pages) and page sizes (smaps).  Method and cost in
 * include/qemu/host-mem-usage.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <numaif.h>
#include <sys/mman.h>

#include "qemu/cutils.h"
#include "qemu/host-mem.h"
#include "qemu/host-mem-usage.h"

/*
 * Base pages per mincore(2) call: a 64 KiB vector covers 256 MiB (a 1 GiB
 * hugetlb page takes a larger one, so that a call covers whole pages).
 */
#define MINCORE_CHUNK 65536

#define ROUND_UP_DIV(n, d) (((n) + (d) - 1) / (d))

/* Walks the populated units (base or hugetlb pages) of an area. */
typedef struct UsageWalk {
    uint8_t *area;
    uint64_t size;
    uint64_t base;              /* host page size */
    uint64_t unit;              /* page size of the mapping */
    uint64_t chunk;             /* base pages per mincore call */
    unsigned char *vec;         /* @chunk entries */
} UsageWalk;

typedef bool UnitFunc(void *addr, void *opaque, Error **errp);

/*
 * Call @fn for every populated unit, in address order.  A hugetlb page
 * is present as a whole, so its first base page stands for it.
 */
static bool walk_populated(UsageWalk *w, UnitFunc *fn, void *opaque,
                           Error **errp)
{
    uint64_t step = w->unit / w->base;

    for (uint64_t off = 0; off < w->size; off += w->chunk * w->base) {
        uint64_t len = MIN(w->chunk * w->base, w->size - off);
        uint64_t pages = ROUND_UP_DIV(len, w->base);

        if (mincore(w->area + off, len, w->vec)) {
            error_setg_errno(errp, errno, "mincore");
            return false;
        }
        for (uint64_t i = 0; i < pages; i += step) {
            if ((w->vec[i] & 1) &&
                !fn(w->area + off + i * w->base, opaque, errp)) {
                return false;
            }
        }
    }
    return true;
}

static bool count_unit(void *addr, void *opaque, Error **errp)
{
    (*(uint64_t *)opaque)++;
    return true;
}

/* Node census: addresses are queued and asked HOST_MEM_USAGE_BATCH at once. */
typedef struct NodeCensus {
    HostMemUsage *u;
    uint64_t unit;
    uint64_t stride;
    uint64_t seen;              /* populated units walked so far */
    unsigned n;
    void *pages[HOST_MEM_USAGE_BATCH];
    int status[HOST_MEM_USAGE_BATCH];
    int last;                   /* node of the last answer, or -1 */
} NodeCensus;

static bool census_flush(NodeCensus *c, Error **errp)
{
    uint64_t weight = c->stride * c->unit;

    if (!c->n) {
        return true;
    }
    /* No target nodes: the kernel moves nothing, it only reports. */
    if (move_pages(0, c->n, c->pages, NULL, c->status, 0) < 0) {
        error_setg_errno(errp, errno, "move_pages");
        return false;
    }
    for (unsigned i = 0; i < c->n; i++) {
        int node = c->status[i];

        /* -ENOENT: present in the page cache, not mapped by memvm. */
        if (node >= 0 && node < HOST_MEM_USAGE_MAX_NODES) {
            c->u->node_bytes[node] += weight;
        } else {
            c->u->node_unknown += weight;
        }
        c->last = node;
    }
    c->n = 0;
    return true;
}

static bool census_unit(void *addr, void *opaque, Error **errp)
{
    NodeCensus *c = opaque;

    if (c->seen++ % c->stride) {
        return true;
    }
    c->pages[c->n++] = addr;
    return c->n < HOST_MEM_USAGE_BATCH || census_flush(c, errp);
}

/*
 * The last sample of a strided census stood for up to stride - 1 pages
 * that do not exist: take them back, so that the nodes add up exactly.
 */
static void census_trim(NodeCensus *c)
{
    uint64_t counted = ROUND_UP_DIV(c->seen, c->stride) * c->stride;
    uint64_t excess = (counted - c->seen) * c->unit;

    if (!excess) {
        return;
    }
    if (c->last >= 0 && c->last < HOST_MEM_USAGE_MAX_NODES) {
        c->u->node_bytes[c->last] -= excess;
    } else {
        c->u->node_unknown -= excess;
    }
}

/* "7f00-7f80 rw-p ..." -> start and end; false if it is no header. */
static bool smaps_header(const char *line, uintptr_t *start, uintptr_t *end)
{
    char *p;

    if (!g_ascii_isxdigit(*line)) {
        return false;
    }
    *start = g_ascii_strtoull(line, &p, 16);
    if (*p != '-') {
        return false;
    }
    *end = g_ascii_strtoull(p + 1, &p, 16);
    return *p == ' ';
}

/* "Name:   123 kB" -> bytes, when @line is field @name. */
static bool smaps_field(const char *line, const char *name, uint64_t *bytes)
{
    size_t len = strlen(name);

    if (strncmp(line, name, len) || line[len] != ':') {
        return false;
    }
    *bytes = g_ascii_strtoull(line + len + 1, NULL, 10) * KiB;
    return true;
}

bool host_mem_smaps_sum(const char *smaps, uintptr_t start, uintptr_t end,
                        HostMemSmaps *out, Error **errp)
{
    g_auto(GStrv) lines = g_strsplit(smaps, "\n", -1);
    bool in = false;

    memset(out, 0, sizeof(*out));
    for (unsigned i = 0; lines[i]; i++) {
        const char *l = lines[i];
        uintptr_t s, e;
        uint64_t v;

        if (!*l) {
            continue;
        }
        /* Field names start with a capital letter, headers with a digit. */
        if (g_ascii_isxdigit(*l) && !g_ascii_isupper(*l)) {
            if (!smaps_header(l, &s, &e)) {
                error_setg(errp, "smaps: cannot parse line %u", i + 1);
                return false;
            }
            in = s < end && e > start;
            out->vmas += in;
            continue;
        }
        if (!in) {
            continue;
        }
        if (smaps_field(l, "KernelPageSize", &v)) {
            out->kernel_page_size = MAX(out->kernel_page_size, v);
        } else if (smaps_field(l, "AnonHugePages", &v) ||
                   smaps_field(l, "ShmemPmdMapped", &v) ||
                   smaps_field(l, "FilePmdMapped", &v)) {
            out->thp_bytes += v;
        }
    }
    return true;
}

static bool usage_page_sizes(void *area, uint64_t size, HostMemUsage *u,
                             Error **errp)
{
    g_autofree char *text = NULL;
    GError *gerr = NULL;
    HostMemSmaps sm;

    /* smaps says what the kernel mapped; the mapping itself may not. */
    if (!g_file_get_contents("/proc/self/smaps", &text, NULL, &gerr)) {
        error_setg(errp, "cannot read /proc/self/smaps: %s", gerr->message);
        g_error_free(gerr);
        return false;
    }
    if (!host_mem_smaps_sum(text, (uintptr_t)area, (uintptr_t)area + size,
                            &sm, errp)) {
        return false;
    }
    u->page_size = MAX(sm.kernel_page_size, host_mem_host_page_size());
    u->hugetlb = u->page_size > host_mem_host_page_size();
    u->thp_size = host_mem_thp_size();
    /* Clamped to what is populated once that is known. */
    u->thp_bytes = u->hugetlb ? 0 : sm.thp_bytes;
    return true;
}

bool host_mem_usage_read(void *area, uint64_t size, HostMemUsage *u,
                         Error **errp)
{
    return host_mem_usage_read_budget(area, size, HOST_MEM_USAGE_NODE_BUDGET,
                                      u, errp);
}

bool host_mem_usage_read_budget(void *area, uint64_t size, uint64_t budget,
                                HostMemUsage *u, Error **errp)
{
    uint64_t base = host_mem_host_page_size();
    g_autofree unsigned char *vec = NULL;
    g_autofree NodeCensus *census = g_new0(NodeCensus, 1);
    UsageWalk w = { .area = area, .size = size, .base = base };
    uint64_t units = 0;

    memset(u, 0, sizeof(*u));
    u->size = size;
    /* The page size first: it is the unit everything else counts in. */
    if (!usage_page_sizes(area, size, u, errp)) {
        return false;
    }
    w.unit = u->page_size;
    w.chunk = MAX(MINCORE_CHUNK, w.unit / base);
    vec = g_malloc(w.chunk);
    w.vec = vec;
    if (!walk_populated(&w, count_unit, &units, errp)) {
        return false;
    }
    census->u = u;
    census->unit = w.unit;
    census->stride = MAX(1, ROUND_UP_DIV(units, MAX(budget, 1)));
    census->last = -1;
    u->node_stride = census->stride;
    /*
     * The guest may populate more between the two walks: the census then
     * counts what it saw, and populated is taken from it.
     */
    if (!walk_populated(&w, census_unit, census, errp) ||
        !census_flush(census, errp)) {
        return false;
    }
    census_trim(census);
    u->populated = census->seen * w.unit;
    /*
     * A neighbouring mapping with the same flags may have merged into the
     * area's: its huge pages could make the sum exceed what is populated.
     */
    if (!u->hugetlb) {
        u->thp_bytes = MIN(u->thp_bytes, u->populated);
        u->base_bytes = u->populated - u->thp_bytes;
    }
    return true;
}
