/*
 * Start-up checks for guest RAM against the host's huge page pools, file
 * systems and memvm's cgroups.  Contract in include/qemu/host-mem-check.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>

#include "qemu/cutils.h"
#include "qemu/host-mem-check.h"

#define NODE_DIR "/sys/devices/system/node"
#define HUGEPAGES_DIR "/sys/kernel/mm/hugepages"

/* A cgroup hierarchy memvm is in: where it is mounted, and memvm's dir. */
typedef struct CgroupDir {
    char *mount;                /* mount point, below root */
    char *dir;                  /* memvm's cgroup directory, below root */
    bool v2;
} CgroupDir;

/* Read a number (or "max", as UINT64_MAX) from a one-line file. */
static bool read_u64(const char *path, uint64_t *value, int *err)
{
    g_autofree char *text = NULL;
    GError *gerr = NULL;
    char *end;

    if (!g_file_get_contents(path, &text, NULL, &gerr)) {
        *err = gerr->code == G_FILE_ERROR_NOENT ? ENOENT : EIO;
        g_error_free(gerr);
        return false;
    }
    g_strstrip(text);
    if (!strcmp(text, "max")) {
        *value = UINT64_MAX;
        return true;
    }
    errno = 0;
    *value = g_ascii_strtoull(text, &end, 10);
    if (errno || end == text || *end) {
        *err = EINVAL;
        return false;
    }
    return true;
}

/* "memory backend 'a'" or "memory backends 'a', 'b'". */
static char *describe_ids(const HostMemRequest *reqs, const GArray *idx)
{
    GString *s = g_string_new(idx->len > 1 ? "memory backends " :
                                             "memory backend ");

    for (guint i = 0; i < idx->len; i++) {
        g_string_append_printf(s, "%s'%s'", i ? ", " : "",
                               reqs[g_array_index(idx, unsigned, i)].id);
    }
    return g_string_free(s, FALSE);
}

/* "4 KiB", "2 MiB": page sizes are powers of two, so this is exact. */
static char *page_str(uint64_t size)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB" };
    unsigned i = 0;

    while (i + 1 < G_N_ELEMENTS(units) && size >= 1024 && !(size % 1024)) {
        size /= 1024;
        i++;
    }
    return g_strdup_printf("%" PRIu64 " %s", size, units[i]);
}

/* The kernel's name for a huge page size in cgroup files: "2MB", "1GB". */
static char *cgroup_page_name(uint64_t size)
{
    if (size >= GiB) {
        return g_strdup_printf("%" PRIu64 "GB", (uint64_t)(size / GiB));
    }
    if (size >= MiB) {
        return g_strdup_printf("%" PRIu64 "MB", (uint64_t)(size / MiB));
    }
    return g_strdup_printf("%" PRIu64 "KB", (uint64_t)(size / KiB));
}

static char *nodes_str(const uint64_t *nodes, unsigned n)
{
    GString *s = g_string_new(NULL);

    for (unsigned i = 0; i < n;) {
        unsigned j = i;

        while (j + 1 < n && nodes[j + 1] == nodes[j] + 1) {
            j++;
        }
        g_string_append_printf(s, "%s%" PRIu64, s->len ? "," : "",
                               nodes[i]);
        if (j > i) {
            g_string_append_printf(s, "-%" PRIu64, nodes[j]);
        }
        i = j + 1;
    }
    return g_string_free(s, FALSE);
}

static void warn_unreadable(const GArray *idx, const HostMemRequest *reqs,
                            const char *what, const char *path, int err)
{
    g_autofree char *ids = describe_ids(reqs, idx);

    warn_report("%s: cannot check %s: %s: %s; starting without this check",
                ids, what, path, g_strerror(err));
}

/* --- the file system of a preallocated file ----------------------------- */

/* The file system of @path, or of its directory if it does not exist. */
static bool fs_stat(const char *path, struct statvfs *fs)
{
    g_autofree char *dir = NULL;

    if (!statvfs(path, fs)) {
        return true;
    }
    if (errno != ENOENT) {
        return false;
    }
    dir = g_path_get_dirname(path);
    return !statvfs(dir, fs);
}

static bool check_fs(const char *root, const HostMemRequest *reqs,
                     unsigned n, Error **errp)
{
    for (unsigned i = 0; i < n; i++) {
        const HostMemRequest *r = &reqs[i];
        g_autoptr(GArray) idx = g_array_new(FALSE, FALSE, sizeof(unsigned));
        struct statvfs fs;
        uint64_t avail;

        if (!r->fs_path || !r->prealloc) {
            continue;
        }
        g_array_append_val(idx, i);
        if (!fs_stat(r->fs_path, &fs)) {
            warn_unreadable(idx, reqs, "the free space for mem-path",
                            r->fs_path, errno);
            continue;
        }
        avail = (uint64_t)fs.f_bavail * fs.f_frsize;
        if (r->size > avail) {
            g_autofree char *ids = describe_ids(reqs, idx);
            g_autofree char *need = size_to_str(r->size);
            g_autofree char *have = size_to_str(avail);

            error_setg(errp, "%s preallocates %s in mem-path %s, but its "
                       "file system has %s free; free space there, point "
                       "mem-path to a larger file system, or make 'size' "
                       "smaller", ids, need, r->fs_path, have);
            return false;
        }
    }
    return true;
}

/* --- huge page pools ---------------------------------------------------- */

static char *hugepages_file(const char *root, int64_t node, uint64_t page,
                            const char *name)
{
    if (node < 0) {
        return g_strdup_printf("%s" HUGEPAGES_DIR "/hugepages-%" PRIu64
                               "kB/%s", root, (uint64_t)(page / KiB), name);
    }
    return g_strdup_printf("%s" NODE_DIR "/node%" PRId64 "/hugepages/"
                           "hugepages-%" PRIu64 "kB/%s", root, node,
                           (uint64_t)(page / KiB), name);
}

/* The host's NUMA nodes, from the node%u directories; sorted. */
static GArray *host_nodes(const char *root)
{
    GArray *nodes = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    g_autofree char *dir_path = g_strconcat(root, NODE_DIR, NULL);
    GDir *dir = g_dir_open(dir_path, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
        uint64_t node;
        char tail;

        if (sscanf(name, "node%" SCNu64 "%c", &node, &tail) == 1) {
            g_array_append_val(nodes, node);
        }
    }
    if (dir) {
        g_dir_close(dir);
    }
    for (guint i = 1; i < nodes->len; i++) {
        for (guint j = i; j > 0 && g_array_index(nodes, uint64_t, j - 1) >
                              g_array_index(nodes, uint64_t, j); j--) {
            uint64_t t = g_array_index(nodes, uint64_t, j);

            g_array_index(nodes, uint64_t, j) =
                g_array_index(nodes, uint64_t, j - 1);
            g_array_index(nodes, uint64_t, j - 1) = t;
        }
    }
    return nodes;
}

/* "node 0: 4, node 1: 0" for @nodes (all host nodes when NULL). */
static char *per_node_free(const char *root, uint64_t page,
                           const uint64_t *nodes, unsigned n)
{
    g_autoptr(GArray) all = NULL;
    GString *s = g_string_new(NULL);

    if (!nodes) {
        all = host_nodes(root);
        nodes = (const uint64_t *)all->data;
        n = all->len;
    }
    for (unsigned i = 0; i < n; i++) {
        g_autofree char *path = hugepages_file(root, nodes[i], page,
                                               "free_hugepages");
        uint64_t v;
        int err;

        if (read_u64(path, &v, &err)) {
            g_string_append_printf(s, "%snode %" PRIu64 ": %" PRIu64,
                                   s->len ? ", " : "", nodes[i], v);
        }
    }
    return g_string_free(s, FALSE);
}

/*
 * Pages of @page the whole host can still hand out: free ones not yet
 * promised to a mapping, plus what overcommit may add.
 */
static bool global_avail(const char *root, uint64_t page, uint64_t *avail,
                         char **failed_path, int *err)
{
    static const char *const names[] = {
        "free_hugepages", "resv_hugepages", "nr_overcommit_hugepages",
        "surplus_hugepages",
    };
    uint64_t v[4];

    for (unsigned i = 0; i < 4; i++) {
        g_autofree char *path = hugepages_file(root, -1, page, names[i]);

        if (!read_u64(path, &v[i], err)) {
            *failed_path = g_steal_pointer(&path);
            return false;
        }
    }
    *avail = (v[0] > v[1] ? v[0] - v[1] : 0) +
             (v[2] > v[3] ? v[2] - v[3] : 0);
    return true;
}

/*
 * The remedy for @missing huge pages: the echo that raises the pool at
 * @nr_path (under @root, a fake tree in tests) to what is needed, or
 * where to add them when the pool's size cannot be read.
 */
static char *reserve_fix(const char *root, const char *nr_path,
                         uint64_t missing)
{
    uint64_t nr;
    int err;

    if (read_u64(nr_path, &nr, &err)) {
        return g_strdup_printf("echo %" PRIu64 " > %s", nr + missing,
                               nr_path + strlen(root));
    }
    return g_strdup_printf("add them to %s", nr_path + strlen(root));
}

static bool check_hugetlb_global(const char *root, const HostMemRequest *reqs,
                                 uint64_t page, const GArray *idx,
                                 Error **errp)
{
    g_autofree char *path = NULL;
    g_autofree char *nr_path = hugepages_file(root, -1, page,
                                              "nr_hugepages");
    uint64_t need = 0, avail;
    int err;

    for (guint i = 0; i < idx->len; i++) {
        need += reqs[g_array_index(idx, unsigned, i)].size / page;
    }
    if (!global_avail(root, page, &avail, &path, &err)) {
        warn_unreadable(idx, reqs, "free huge pages", path, err);
        return true;
    }
    if (need > avail) {
        g_autofree char *ids = describe_ids(reqs, idx);
        g_autofree char *ps = page_str(page);
        g_autofree char *total = size_to_str(need * page);
        g_autofree char *nodes = per_node_free(root, page, NULL, 0);
        g_autofree char *fix = reserve_fix(root, nr_path, need - avail);

        error_setg(errp, "%s %s %" PRIu64 " huge pages of %s (%s), but the "
                   "host has %" PRIu64 " free%s%s%s; reserve %" PRIu64
                   " more before starting: %s", ids,
                   idx->len > 1 ? "need" : "needs", need, ps, total, avail,
                   *nodes ? " (" : "", nodes, *nodes ? ")" : "",
                   need - avail, fix);
        return false;
    }
    return true;
}

static bool check_hugetlb_bound(const char *root, const HostMemRequest *reqs,
                                const GArray *idx, Error **errp)
{
    const HostMemRequest *r = &reqs[g_array_index(idx, unsigned, 0)];
    const uint64_t page = r->page_size;
    uint64_t need = 0, avail = 0;

    for (guint i = 0; i < idx->len; i++) {
        need += reqs[g_array_index(idx, unsigned, i)].size / page;
    }
    for (unsigned i = 0; i < r->n_nodes; i++) {
        g_autofree char *path = hugepages_file(root, r->nodes[i], page,
                                               "free_hugepages");
        uint64_t v;
        int err;

        if (!read_u64(path, &v, &err)) {
            warn_unreadable(idx, reqs, "free huge pages", path, err);
            return true;
        }
        avail += v;
    }
    if (need > avail) {
        g_autofree char *ids = describe_ids(reqs, idx);
        g_autofree char *ps = page_str(page);
        g_autofree char *total = size_to_str(need * page);
        g_autofree char *list = nodes_str(r->nodes, r->n_nodes);
        g_autofree char *nodes = per_node_free(root, page, r->nodes,
                                               r->n_nodes);
        g_autofree char *nr_path = hugepages_file(root, r->nodes[0], page,
                                                  "nr_hugepages");
        g_autofree char *fix = reserve_fix(root, nr_path, need - avail);

        error_setg(errp, "%s %s %" PRIu64 " huge pages of %s (%s) on host "
                   "node%s %s (policy=bind), but %s %" PRIu64 " free%s%s%s; "
                   "reserve %" PRIu64 " more there before starting: %s", ids,
                   idx->len > 1 ? "need" : "needs", need, ps, total,
                   r->n_nodes > 1 ? "s" : "", list,
                   r->n_nodes > 1 ? "they have" : "it has", avail,
                   r->n_nodes > 1 ? " (" : "", r->n_nodes > 1 ? nodes : "",
                   r->n_nodes > 1 ? ")" : "", need - avail, fix);
        return false;
    }
    return true;
}

static bool same_nodes(const HostMemRequest *a, const HostMemRequest *b)
{
    return a->n_nodes == b->n_nodes &&
           (!a->n_nodes ||
            !memcmp(a->nodes, b->nodes, a->n_nodes * sizeof(*a->nodes)));
}

static bool check_hugetlb(const char *root, const HostMemRequest *reqs,
                          unsigned n, Error **errp)
{
    g_autofree bool *done = g_new0(bool, n);

    /* The bound node sets first: they say more precisely what is short. */
    for (unsigned i = 0; i < n; i++) {
        g_autoptr(GArray) idx = g_array_new(FALSE, FALSE, sizeof(unsigned));

        if (!reqs[i].hugetlb || !reqs[i].bind || done[i]) {
            continue;
        }
        for (unsigned j = i; j < n; j++) {
            if (reqs[j].hugetlb && reqs[j].bind && !done[j] &&
                reqs[j].page_size == reqs[i].page_size &&
                same_nodes(&reqs[i], &reqs[j])) {
                done[j] = true;
                g_array_append_val(idx, j);
            }
        }
        if (!check_hugetlb_bound(root, reqs, idx, errp)) {
            return false;
        }
    }
    /* Then each page size against the whole host. */
    memset(done, 0, n * sizeof(*done));
    for (unsigned i = 0; i < n; i++) {
        g_autoptr(GArray) idx = g_array_new(FALSE, FALSE, sizeof(unsigned));

        if (!reqs[i].hugetlb || done[i]) {
            continue;
        }
        for (unsigned j = i; j < n; j++) {
            if (reqs[j].hugetlb && reqs[j].page_size == reqs[i].page_size) {
                done[j] = true;
                g_array_append_val(idx, j);
            }
        }
        if (!check_hugetlb_global(root, reqs, reqs[i].page_size, idx,
                                  errp)) {
            return false;
        }
    }
    return true;
}

/* --- cgroups -------------------------------------------------------------- */

/*
 * Find where the cgroup hierarchy of @controller (NULL: the v2 one) is
 * mounted, from /proc/self/mountinfo, and memvm's directory in it from
 * /proc/self/cgroup.  False when memvm is not in such a hierarchy.
 */
static bool cgroup_find(const char *root, const char *controller,
                        CgroupDir *out)
{
    g_autofree char *cg_path = g_strconcat(root, "/proc/self/cgroup", NULL);
    g_autofree char *mi_path = g_strconcat(root, "/proc/self/mountinfo",
                                           NULL);
    g_autofree char *cg = NULL, *mi = NULL;
    g_auto(GStrv) lines = NULL;
    g_autofree char *rel_owned = NULL;
    const char *rel;

    if (!g_file_get_contents(cg_path, &cg, NULL, NULL) ||
        !g_file_get_contents(mi_path, &mi, NULL, NULL)) {
        return false;
    }
    lines = g_strsplit(cg, "\n", -1);
    for (char **l = lines; *l && !rel_owned; l++) {
        g_auto(GStrv) f = g_strsplit(*l, ":", 3);

        if (g_strv_length(f) != 3) {
            continue;
        }
        if (!controller && !strcmp(f[0], "0") && !f[1][0]) {
            rel_owned = g_strdup(f[2]);
        } else if (controller) {
            g_auto(GStrv) names = g_strsplit(f[1], ",", -1);

            if (g_strv_contains((const char *const *)names, controller)) {
                rel_owned = g_strdup(f[2]);
            }
        }
    }
    if (!rel_owned) {
        return false;
    }
    rel = rel_owned;
    g_strfreev(lines);
    lines = g_strsplit(mi, "\n", -1);
    for (char **l = lines; *l; l++) {
        /* id parent dev root mountpoint opts [tags] - fstype src superopts */
        g_auto(GStrv) f = g_strsplit(*l, " ", -1);
        unsigned nf = g_strv_length(f), sep;

        for (sep = 6; sep < nf && strcmp(f[sep], "-"); sep++) {
        }
        if (sep + 3 >= nf) {
            continue;
        }
        if (controller ? strcmp(f[sep + 1], "cgroup") :
                         strcmp(f[sep + 1], "cgroup2")) {
            continue;
        }
        if (controller) {
            g_auto(GStrv) opts = g_strsplit(f[sep + 3], ",", -1);

            if (!g_strv_contains((const char *const *)opts, controller)) {
                continue;
            }
        }
        /* A namespaced mount shows its root; memvm's path is below it. */
        if (strcmp(f[3], "/") && g_str_has_prefix(rel, f[3])) {
            rel += strlen(f[3]);
        }
        out->mount = g_strconcat(root, f[4], NULL);
        out->dir = strcmp(rel, "/") ? g_strconcat(out->mount, rel, NULL)
                                    : g_strdup(out->mount);
        out->v2 = !controller;
        return true;
    }
    return false;
}

typedef struct CgroupLimit {
    const char *max;            /* limit file */
    const char *cur;            /* usage file */
} CgroupLimit;

/*
 * From memvm's cgroup up to the mount point: the first level whose limit
 * leaves less than @need bytes.  Missing files mean no limit there.
 */
static bool check_cgroup_limit(const char *root, const CgroupDir *cg,
                               const CgroupLimit *lim, uint64_t need,
                               const HostMemRequest *reqs, const GArray *idx,
                               const char *what, Error **errp)
{
    g_autofree char *dir = g_strdup(cg->dir);

    while (g_str_has_prefix(dir, cg->mount)) {
        g_autofree char *max_path = g_build_filename(dir, lim->max, NULL);
        g_autofree char *cur_path = g_build_filename(dir, lim->cur, NULL);
        uint64_t max, cur, avail;
        int err;

        if (!read_u64(max_path, &max, &err)) {
            if (err != ENOENT) {
                warn_unreadable(idx, reqs, "the cgroup limit", max_path, err);
            }
        } else if (max != UINT64_MAX) {
            if (!read_u64(cur_path, &cur, &err)) {
                warn_unreadable(idx, reqs, "the cgroup usage", cur_path, err);
                return true;
            }
            avail = max > cur ? max - cur : 0;
            if (need > avail) {
                g_autofree char *ids = describe_ids(reqs, idx);
                g_autofree char *n = size_to_str(need);
                g_autofree char *a = size_to_str(avail);
                g_autofree char *m = size_to_str(max);
                g_autofree char *c = size_to_str(cur);

                error_setg(errp, "%s %s %s %s, but cgroup %s allows %s more "
                           "(%s is %s, %s in use); raise the limit before "
                           "starting: echo %" PRIu64 " > %s", ids,
                           idx->len > 1 ? "need" : "needs", n, what,
                           dir + strlen(root), a, lim->max, m, c, cur + need,
                           max_path + strlen(root));
                return false;
            }
        }
        if (!strcmp(dir, cg->mount)) {
            break;
        }
        *strrchr(dir, '/') = '\0';
    }
    return true;
}

static void cgroup_dir_clear(CgroupDir *cg)
{
    g_free(cg->mount);
    g_free(cg->dir);
    memset(cg, 0, sizeof(*cg));
}

static bool check_cgroup_hugetlb(const char *root, const HostMemRequest *reqs,
                                 unsigned n, Error **errp)
{
    CgroupDir v2 = { 0 }, v1 = { 0 };
    bool have_v2 = cgroup_find(root, NULL, &v2);
    bool have_v1 = cgroup_find(root, "hugetlb", &v1);
    g_autofree bool *done = g_new0(bool, n);
    bool ok = true;

    for (unsigned i = 0; i < n && ok; i++) {
        g_autoptr(GArray) idx = g_array_new(FALSE, FALSE, sizeof(unsigned));
        g_autofree char *name = NULL, *what = NULL, *ps = NULL;
        g_autofree char *f_max = NULL, *f_cur = NULL;
        g_autofree char *f1_max = NULL, *f1_cur = NULL;
        uint64_t need = 0;

        if (!reqs[i].hugetlb || done[i]) {
            continue;
        }
        for (unsigned j = i; j < n; j++) {
            if (reqs[j].hugetlb && reqs[j].page_size == reqs[i].page_size) {
                done[j] = true;
                need += reqs[j].size;
                g_array_append_val(idx, j);
            }
        }
        name = cgroup_page_name(reqs[i].page_size);
        ps = page_str(reqs[i].page_size);
        what = g_strdup_printf("in huge pages of %s", ps);
        f_max = g_strdup_printf("hugetlb.%s.max", name);
        f_cur = g_strdup_printf("hugetlb.%s.current", name);
        f1_max = g_strdup_printf("hugetlb.%s.limit_in_bytes", name);
        f1_cur = g_strdup_printf("hugetlb.%s.usage_in_bytes", name);
        if (have_v2) {
            CgroupLimit lim = { f_max, f_cur };

            ok = check_cgroup_limit(root, &v2, &lim, need, reqs, idx, what,
                                    errp);
        }
        if (ok && have_v1) {
            CgroupLimit lim = { f1_max, f1_cur };

            ok = check_cgroup_limit(root, &v1, &lim, need, reqs, idx, what,
                                    errp);
        }
    }
    cgroup_dir_clear(&v2);
    cgroup_dir_clear(&v1);
    return ok;
}

static bool check_cgroup_memory(const char *root, const HostMemRequest *reqs,
                                unsigned n, Error **errp)
{
    static const CgroupLimit lim_v2 = { "memory.max", "memory.current" };
    static const CgroupLimit lim_v1 = { "memory.limit_in_bytes",
                                        "memory.usage_in_bytes" };
    g_autoptr(GArray) idx = g_array_new(FALSE, FALSE, sizeof(unsigned));
    CgroupDir v2 = { 0 }, v1 = { 0 };
    uint64_t need = 0;
    bool ok = true;

    for (unsigned i = 0; i < n; i++) {
        if (reqs[i].prealloc && !reqs[i].hugetlb) {
            need += reqs[i].size;
            g_array_append_val(idx, i);
        }
    }
    if (!idx->len) {
        return true;
    }
    if (cgroup_find(root, NULL, &v2)) {
        ok = check_cgroup_limit(root, &v2, &lim_v2, need, reqs, idx,
                                "preallocated", errp);
    }
    if (ok && cgroup_find(root, "memory", &v1)) {
        ok = check_cgroup_limit(root, &v1, &lim_v1, need, reqs, idx,
                                "preallocated", errp);
    }
    cgroup_dir_clear(&v2);
    cgroup_dir_clear(&v1);
    return ok;
}

bool host_mem_check_requests(const char *root, const HostMemRequest *reqs,
                             unsigned n, Error **errp)
{
    if (!n) {
        return true;
    }
    return check_fs(root, reqs, n, errp) &&
           check_hugetlb(root, reqs, n, errp) &&
           check_cgroup_hugetlb(root, reqs, n, errp) &&
           check_cgroup_memory(root, reqs, n, errp);
}
