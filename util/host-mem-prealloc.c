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

/*
 * One piece of one area, populated by one worker.  An area is cut into
 * as many jobs as it may have threads, so that at most that many workers
 * are ever on it.
 */
typedef struct PreallocJob {
    uint8_t *addr;
    uint64_t size;
    unsigned area;              /* index into the areas */
    const cpu_set_t *cpus;      /* where to run it, or NULL: anywhere */
    int err;
} PreallocJob;

typedef struct PreallocShared {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    PreallocJob *jobs;
    unsigned n_jobs;
    unsigned next;              /* the first job nobody has taken */
    uint64_t done;              /* bytes populated, all areas */
    unsigned running;           /* workers not yet finished */
    cpu_set_t start_cpus;       /* the workers' affinity when created */
    volatile sig_atomic_t *stop;
} PreallocShared;

typedef struct PreallocWorker {
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

static void prealloc_job_run(PreallocShared *sh, PreallocJob *job)
{
    uint64_t off = 0;

    while (off < job->size && !*sh->stop) {
        uint64_t len = MIN(PREALLOC_STEP, job->size - off);

        /* The kernel turns would-be SIGBUS into EFAULT, OOM into ENOMEM. */
        if (madvise(job->addr + off, len, MADV_POPULATE_WRITE)) {
            job->err = errno;
            break;
        }
        off += len;
        pthread_mutex_lock(&sh->lock);
        sh->done += len;
        pthread_mutex_unlock(&sh->lock);
    }
}

static void *prealloc_worker_run(void *opaque)
{
    PreallocWorker *w = opaque;
    PreallocShared *sh = w->shared;
    const cpu_set_t *pinned = NULL;

    for (;;) {
        PreallocJob *job = NULL;

        pthread_mutex_lock(&sh->lock);
        if (sh->next < sh->n_jobs && !*sh->stop) {
            job = &sh->jobs[sh->next++];
        }
        pthread_mutex_unlock(&sh->lock);
        if (!job) {
            break;
        }
        /* Threads on the nodes' CPUs fault pages in nearby. */
        if (job->cpus != pinned) {
            pthread_setaffinity_np(pthread_self(), sizeof(cpu_set_t),
                                   job->cpus ? job->cpus : &sh->start_cpus);
            pinned = job->cpus;
        }
        prealloc_job_run(sh, job);
    }
    pthread_mutex_lock(&sh->lock);
    sh->running--;
    pthread_cond_broadcast(&sh->cond);
    pthread_mutex_unlock(&sh->lock);
    return NULL;
}

/* Longest job first: the workers then finish close together. */
static int prealloc_job_cmp(const void *a, const void *b)
{
    const PreallocJob *x = a, *y = b;

    return x->size < y->size ? 1 : x->size > y->size ? -1 :
           x->area < y->area ? -1 : x->area > y->area;
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
    g_autofree cpu_set_t *area_cpus = g_new0(cpu_set_t, MAX(n, 1));
    g_autofree PreallocWorker *workers = NULL;
    unsigned n_workers, most = 1;
    uint64_t total = 0;
    bool ok = true;

    for (unsigned i = 0; i < n; i++) {
        HostMemPreallocArea *a = &areas[i];
        uint64_t pages = a->size / a->page_size;

        sh.n_jobs += MAX(1, MIN(a->threads, pages));
    }
    sh.jobs = g_new0(PreallocJob, MAX(sh.n_jobs, 1));
    sh.n_jobs = 0;
    for (unsigned i = 0; i < n; i++) {
        HostMemPreallocArea *a = &areas[i];
        uint64_t pages = a->size / a->page_size;
        unsigned threads = MAX(1, MIN(a->threads, pages));
        uint64_t per = pages / threads, extra = pages % threads;
        uint8_t *addr = a->area;
        bool pin = node_cpus(a->nodes, a->n_nodes, &area_cpus[i]);

        total += a->size;
        a->failed_err = 0;
        most = MAX(most, threads);
        for (unsigned j = 0; j < threads; j++) {
            PreallocJob *job = &sh.jobs[sh.n_jobs++];

            job->addr = addr;
            job->size = (per + (j < extra)) * a->page_size;
            job->area = i;
            job->cpus = pin ? &area_cpus[i] : NULL;
            addr += job->size;
        }
    }
    qsort(sh.jobs, sh.n_jobs, sizeof(*sh.jobs), prealloc_job_cmp);

    /*
     * All areas at once, but no more workers than CPUs: more only contend
     * for the same cores (four 1 GiB backends on four threads took 15%
     * longer than on two, docs/performance.md).  Never fewer than one
     * area asked for, so that one backend runs as it would alone.
     */
    n_workers = MIN(sh.n_jobs, MAX(host_mem_affinity_cpus(), most));
    if (sched_getaffinity(0, sizeof(sh.start_cpus), &sh.start_cpus)) {
        CPU_ZERO(&sh.start_cpus);
        for (unsigned c = 0; c < CPU_SETSIZE; c++) {
            CPU_SET(c, &sh.start_cpus);
        }
    }
    workers = g_new0(PreallocWorker, MAX(n_workers, 1));
    for (unsigned k = 0; k < n_workers; k++) {
        PreallocWorker *w = &workers[k];

        w->shared = &sh;
        pthread_mutex_lock(&sh.lock);
        sh.running++;
        pthread_mutex_unlock(&sh.lock);
        w->spawned = !pthread_create(&w->thread, NULL, prealloc_worker_run,
                                     w);
        if (!w->spawned) {
            pthread_mutex_lock(&sh.lock);
            sh.running--;
            pthread_mutex_unlock(&sh.lock);
            break;
        }
    }
    if (!sh.running && sh.n_jobs) {
        /* No thread at all: this one does the work itself, now. */
        PreallocWorker self = { .shared = &sh };

        sh.running = 1;
        prealloc_worker_run(&self);
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

    for (unsigned k = 0; k < n_workers; k++) {
        if (workers[k].spawned) {
            pthread_join(workers[k].thread, NULL);
        }
    }
    for (unsigned j = 0; j < sh.n_jobs; j++) {
        HostMemPreallocArea *a = &areas[sh.jobs[j].area];

        if (sh.jobs[j].err && !a->failed_err) {
            a->failed_err = sh.jobs[j].err;
        }
    }
    for (unsigned k = 0; k < n; k++) {
        HostMemPreallocArea *a = &areas[k];

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
    g_free(sh.jobs);
    return ok;
}
