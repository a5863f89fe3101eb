/*
 * Preallocating many areas at once (every backend of a machine at start),
 * on CPUs of the areas' host nodes, with progress and a stop flag.
 * Contract in include/qemu/host-mem.h (host_mem_prealloc_areas).
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>

#include "qemu/cutils.h"
#include "qemu/host-mem.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/*
 * Workers populate in steps of this size: small enough that progress and
 * a stop request are seen within a fraction of a second, large enough
 * that the madvise calls cost nothing.
 */
#define PREALLOC_STEP (64 * MiB)

typedef struct PreallocShared {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    uint64_t done;              /* bytes populated, all areas */
    unsigned running;           /* workers not yet finished */
    volatile sig_atomic_t *stop;
} PreallocShared;

typedef struct PreallocWorker {
    uint8_t *addr;
    uint64_t size;
    uint64_t page_size;
    int err;
    bool spawned;
    pthread_t thread;
    PreallocShared *shared;
} PreallocWorker;

unsigned host_mem_affinity_cpus(void)
{
    cpu_set_t set;

    if (sched_getaffinity(0, sizeof(set), &set)) {
        return 1;
    }
    return MAX(CPU_COUNT(&set), 1);
}

/*
 * The CPUs of @nodes that memvm may run on; false (and @set untouched)
 * when sysfs does not say, or when none of them is allowed.
 */
static bool node_cpus(const uint64_t *nodes, unsigned n_nodes,
                      cpu_set_t *set)
{
    cpu_set_t allowed, want;

    if (!n_nodes || sched_getaffinity(0, sizeof(allowed), &allowed)) {
        return false;
    }
    CPU_ZERO(&want);
    for (unsigned i = 0; i < n_nodes; i++) {
        g_autofree char *path = g_strdup_printf("/sys/devices/system/node/"
                                                "node%" PRIu64 "/cpulist",
                                                nodes[i]);
        g_autofree char *text = NULL;
        g_auto(GStrv) ranges = NULL;

        if (!g_file_get_contents(path, &text, NULL, NULL)) {
            return false;
        }
        ranges = g_strsplit(g_strstrip(text), ",", -1);
        for (char **r = ranges; *r && **r; r++) {
            char *end;
            uint64_t first = g_ascii_strtoull(*r, &end, 10), last = first;

            if (*end == '-') {
                last = g_ascii_strtoull(end + 1, NULL, 10);
            }
            for (uint64_t c = first; c <= last && c < CPU_SETSIZE; c++) {
                CPU_SET(c, &want);
            }
        }
    }
    CPU_AND(&want, &want, &allowed);
    if (!CPU_COUNT(&want)) {
        return false;
    }
    *set = want;
    return true;
}

static void *prealloc_worker_run(void *opaque)
{
    PreallocWorker *w = opaque;
    PreallocShared *sh = w->shared;
    uint64_t off = 0;

    while (off < w->size && !*sh->stop) {
        uint64_t len = MIN(PREALLOC_STEP, w->size - off);

        /* The kernel turns would-be SIGBUS into EFAULT, OOM into ENOMEM. */
        if (madvise(w->addr + off, len, MADV_POPULATE_WRITE)) {
            w->err = errno;
            break;
        }
        off += len;
        pthread_mutex_lock(&sh->lock);
        sh->done += len;
        pthread_mutex_unlock(&sh->lock);
    }
    pthread_mutex_lock(&sh->lock);
    sh->running--;
    pthread_cond_broadcast(&sh->cond);
    pthread_mutex_unlock(&sh->lock);
    return NULL;
}

bool host_mem_prealloc_areas(HostMemPreallocArea *areas, unsigned n,
                             volatile sig_atomic_t *stop,
                             HostMemPreallocProgress progress,
                             void *opaque, Error **errp)
{
    static volatile sig_atomic_t never;
    PreallocShared sh = {
        .lock = PTHREAD_MUTEX_INITIALIZER,
        .cond = PTHREAD_COND_INITIALIZER,
        .stop = stop ? stop : &never,
    };
    g_autoptr(GPtrArray) workers = g_ptr_array_new_with_free_func(g_free);
    uint64_t total = 0;
    bool ok = true;

    for (unsigned i = 0; i < n; i++) {
        HostMemPreallocArea *a = &areas[i];
        uint64_t pages = a->size / a->page_size;
        unsigned threads = MAX(1, MIN(a->threads, pages));
        uint64_t per = pages / threads, extra = pages % threads;
        uint8_t *addr = a->area;
        cpu_set_t cpus;
        bool pin = node_cpus(a->nodes, a->n_nodes, &cpus);

        total += a->size;
        a->failed_err = 0;
        for (unsigned j = 0; j < threads; j++) {
            PreallocWorker *w = g_new0(PreallocWorker, 1);
            pthread_attr_t attr;

            w->addr = addr;
            w->size = (per + (j < extra)) * a->page_size;
            w->page_size = a->page_size;
            w->shared = &sh;
            addr += w->size;
            g_ptr_array_add(workers, w);
            pthread_attr_init(&attr);
            /* Threads on the nodes' CPUs fault pages in nearby. */
            if (pin) {
                pthread_attr_setaffinity_np(&attr, sizeof(cpus), &cpus);
            }
            pthread_mutex_lock(&sh.lock);
            sh.running++;
            pthread_mutex_unlock(&sh.lock);
            w->spawned = !pthread_create(&w->thread, &attr,
                                         prealloc_worker_run, w);
            pthread_attr_destroy(&attr);
            if (!w->spawned) {
                /* No thread: this one does the work itself, now. */
                prealloc_worker_run(w);
            }
        }
    }

    /* Wait, reporting progress every 100 ms. */
    pthread_mutex_lock(&sh.lock);
    while (sh.running) {
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 100 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&sh.cond, &sh.lock, &ts);
        if (progress && sh.running) {
            uint64_t done = sh.done;

            pthread_mutex_unlock(&sh.lock);
            progress(done, total, opaque);
            pthread_mutex_lock(&sh.lock);
        }
    }
    pthread_mutex_unlock(&sh.lock);

    for (guint k = 0, w_i = 0; k < n; k++) {
        HostMemPreallocArea *a = &areas[k];
        uint64_t pages = a->size / a->page_size;
        unsigned threads = MAX(1, MIN(a->threads, pages));

        for (unsigned j = 0; j < threads; j++, w_i++) {
            PreallocWorker *w = g_ptr_array_index(workers, w_i);

            if (w->spawned) {
                pthread_join(w->thread, NULL);
            }
            if (w->err && !a->failed_err) {
                a->failed_err = w->err;
            }
        }
        if (a->failed_err && ok) {
            error_setg_errno(errp, a->failed_err, "qemu_prealloc_mem: "
                             "preallocating memory failed");
            a->failed = true;
            ok = false;
        }
    }
    if (ok && *sh.stop) {
        g_autofree char *d = size_to_str(sh.done);
        g_autofree char *t = size_to_str(total);

        error_setg(errp, "preallocation interrupted by signal %d after %s "
                   "of %s", (int)*sh.stop, d, t);
        ok = false;
    }
    if (progress) {
        progress(ok ? total : sh.done, total, opaque);
    }
    pthread_cond_destroy(&sh.cond);
    pthread_mutex_destroy(&sh.lock);
    return ok;
}
