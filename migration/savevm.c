/*
 * The section layer of QEMU's migration stream (format version 3): the
 * registry of sections, the writer (header, configuration, START / PART /
 * END / FULL sections with footers, EOF, JSON VM description) and the
 * loader that checks every one of them.
 *
 * Loader messages are QEMU 7.2's where QEMU has one, so that a user who
 * knows QEMU recognises them; memvm adds a line where QEMU says nothing
 * useful (a truncated stream).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <glib.h>

#include "hw/boards.h"
#include "migration/migration.h"
#include "migration/register.h"
#include "migration/savevm.h"
#include "qom/object.h"

typedef struct SaveStateEntry {
    char idstr[256];
    uint32_t instance_id;
    int version_id;
    int section_id;
    const SaveVMHandlers *ops;
    void *opaque;
    bool load_started;      /* destination: load_setup was called */
} SaveStateEntry;

static GList *savevm_entries;   /* of SaveStateEntry *, registration order */
static int next_section_id;

static bool entry_is_iterable(SaveStateEntry *se)
{
    return se->ops->save_setup != NULL;
}

static bool entry_is_active(SaveStateEntry *se)
{
    return !se->ops->is_active || se->ops->is_active(se->opaque);
}

int register_savevm_live(const char *idstr, uint32_t instance_id,
                         int version_id, const SaveVMHandlers *ops,
                         void *opaque)
{
    SaveStateEntry *se = g_new0(SaveStateEntry, 1);

    g_assert(strlen(idstr) < sizeof(se->idstr));
    g_strlcpy(se->idstr, idstr, sizeof(se->idstr));
    se->instance_id = instance_id;
    se->version_id = version_id;
    se->section_id = next_section_id++;
    se->ops = ops;
    se->opaque = opaque;
    savevm_entries = g_list_append(savevm_entries, se);
    return se->section_id;
}

/*
 * QEMU registers "block" and "dirty-bitmap" around "ram"; memvm has
 * neither, but keeps their section ids unused so that streams of the
 * same machine carry the same ids as QEMU's.
 */
void savevm_skip_section_id(void)
{
    next_section_id++;
}

void unregister_savevm(const char *idstr, uint32_t instance_id,
                       void *opaque)
{
    for (GList *l = savevm_entries; l; l = l->next) {
        SaveStateEntry *se = l->data;

        if (!strcmp(se->idstr, idstr) && se->instance_id == instance_id &&
            se->opaque == opaque) {
            savevm_entries = g_list_delete_link(savevm_entries, l);
            g_free(se);
            return;
        }
    }
}

/* --- subsections ---------------------------------------------------- */

void vmstate_put_subsection(QEMUFile *f, const char *name,
                            uint32_t version_id)
{
    qemu_put_byte(f, QEMU_VM_SUBSECTION);
    qemu_put_counted_string(f, name);
    qemu_put_be32(f, version_id);
}

bool vmstate_get_subsection(QEMUFile *f, const char *parent,
                            char name[256], uint32_t *version_id)
{
    size_t plen = strlen(parent);
    int len;

    if (qemu_peek_byte(f, 0) != QEMU_VM_SUBSECTION) {
        return false;
    }
    len = qemu_peek_byte(f, 1);
    /* Only "parent/..." belongs to this section; peek before consuming. */
    if (len < 0 || (size_t)len <= plen) {
        return false;
    }
    for (int i = 0; i < len; i++) {
        int c = qemu_peek_byte(f, 2 + i);

        if (c < 0) {
            return false;
        }
        name[i] = c;
    }
    name[len] = '\0';
    if (strncmp(name, parent, plen) || name[plen] != '/') {
        return false;
    }
    qemu_get_byte(f);
    qemu_get_counted_string(f, name);
    *version_id = qemu_get_be32(f);
    return true;
}

/* --- writer --------------------------------------------------------- */

static const char *machine_type_name(void)
{
    return current_machine ?
        MACHINE_GET_CLASS(current_machine)->name : "none";
}

static void save_configuration(QEMUFile *f)
{
    const char *name = machine_type_name();

    qemu_put_byte(f, QEMU_VM_CONFIGURATION);
    qemu_put_be32(f, strlen(name));
    qemu_put_buffer(f, (const uint8_t *)name, strlen(name));
    /* QEMU 7.2 validates x-ignore-shared only; it goes when it is on. */
    if (migrate_cap_enabled(MIGRATION_CAPABILITY_X_IGNORE_SHARED)) {
        vmstate_put_subsection(f, "configuration/capabilities", 1);
        qemu_put_be32(f, 1);
        qemu_put_counted_string(f, "x-ignore-shared");
    }
}

void qemu_savevm_state_header(QEMUFile *f)
{
    qemu_put_be32(f, QEMU_VM_FILE_MAGIC);
    qemu_put_be32(f, QEMU_VM_FILE_VERSION);
    save_configuration(f);
}

static void save_section_header(QEMUFile *f, SaveStateEntry *se,
                                uint8_t type)
{
    qemu_put_byte(f, type);
    qemu_put_be32(f, se->section_id);
    if (type == QEMU_VM_SECTION_START || type == QEMU_VM_SECTION_FULL) {
        qemu_put_counted_string(f, se->idstr);
        qemu_put_be32(f, se->instance_id);
        qemu_put_be32(f, se->version_id);
    }
}

static void save_section_footer(QEMUFile *f, SaveStateEntry *se)
{
    qemu_put_byte(f, QEMU_VM_SECTION_FOOTER);
    qemu_put_be32(f, se->section_id);
}

bool qemu_savevm_state_setup(QEMUFile *f, Error **errp)
{
    for (GList *l = savevm_entries; l; l = l->next) {
        SaveStateEntry *se = l->data;

        if (!entry_is_iterable(se) || !entry_is_active(se)) {
            continue;
        }
        save_section_header(f, se, QEMU_VM_SECTION_START);
        if (!se->ops->save_setup(f, se->opaque, errp)) {
            return false;
        }
        save_section_footer(f, se);
    }
    return qemu_file_get_error_obj(f, errp) == 0;
}

int qemu_savevm_state_iterate(QEMUFile *f)
{
    int all_done = 1;

    for (GList *l = savevm_entries; l; l = l->next) {
        SaveStateEntry *se = l->data;
        int ret;

        if (!entry_is_iterable(se) || !entry_is_active(se) ||
            !se->ops->save_live_iterate) {
            continue;
        }
        if (qemu_file_rate_limit(f)) {
            return qemu_file_get_error(f) ? qemu_file_get_error(f) : 0;
        }
        save_section_header(f, se, QEMU_VM_SECTION_PART);
        ret = se->ops->save_live_iterate(f, se->opaque);
        save_section_footer(f, se);
        if (ret < 0) {
            return ret;
        }
        if (!ret) {
            all_done = 0;
        }
    }
    return qemu_file_get_error(f) ? qemu_file_get_error(f) : all_done;
}

uint64_t qemu_savevm_state_pending(bool exact)
{
    uint64_t pending = 0;

    for (GList *l = savevm_entries; l; l = l->next) {
        SaveStateEntry *se = l->data;

        if (entry_is_iterable(se) && entry_is_active(se) &&
            se->ops->save_pending) {
            pending += se->ops->save_pending(se->opaque, exact);
        }
    }
    return pending;
}

/* One device's entry of the JSON VM description, QEMU's member order. */
static void vmdesc_add_device(GString *json, SaveStateEntry *se,
                              bool first)
{
    const SaveVMHandlers *ops = se->ops;

    g_string_append_printf(json, "%s{\"name\": \"%s\", \"instance_id\": %"
                           PRIu32 ", \"vmsd_name\": \"%s\", \"version\": %d",
                           first ? "" : ", ", se->idstr, se->instance_id,
                           ops->vmsd_name, se->version_id);
    if (ops->fields) {
        g_string_append(json, ", \"fields\": [");
        for (const VMStateDescField *fl = ops->fields; fl->name; fl++) {
            g_string_append_printf(json, "%s{\"name\": \"%s\", \"type\": "
                                   "\"%s\", \"size\": %" PRIu32 "}",
                                   fl == ops->fields ? "" : ", ", fl->name,
                                   fl->type, fl->size);
        }
        g_string_append(json, "]");
    }
    g_string_append(json, "}");
}

int qemu_savevm_state_complete(QEMUFile *f)
{
    GString *json = g_string_new(NULL);
    bool first = true;
    int ret;

    for (GList *l = savevm_entries; l; l = l->next) {
        SaveStateEntry *se = l->data;

        if (!entry_is_iterable(se) || !entry_is_active(se)) {
            continue;
        }
        save_section_header(f, se, QEMU_VM_SECTION_END);
        ret = se->ops->save_live_complete(f, se->opaque);
        save_section_footer(f, se);
        if (ret < 0) {
            g_string_free(json, TRUE);
            return ret;
        }
    }
    g_string_append_printf(json, "{\"page_size\": %u, \"devices\": [",
                           4096);
    for (GList *l = savevm_entries; l; l = l->next) {
        SaveStateEntry *se = l->data;

        if (entry_is_iterable(se) || !entry_is_active(se) ||
            !se->ops->save_state) {
            continue;
        }
        save_section_header(f, se, QEMU_VM_SECTION_FULL);
        se->ops->save_state(f, se->opaque);
        save_section_footer(f, se);
        if (se->ops->vmsd_name) {
            vmdesc_add_device(json, se, first);
            first = false;
        }
    }
    g_string_append(json, "]}");
    qemu_put_byte(f, QEMU_VM_EOF);
    qemu_put_byte(f, QEMU_VM_VMDESCRIPTION);
    qemu_put_be32(f, json->len);
    qemu_put_buffer(f, (const uint8_t *)json->str, json->len);
    g_string_free(json, TRUE);
    qemu_fflush(f);
    return qemu_file_get_error(f);
}

void qemu_savevm_state_cleanup(void)
{
    for (GList *l = savevm_entries; l; l = l->next) {
        SaveStateEntry *se = l->data;

        if (se->ops->save_cleanup) {
            se->ops->save_cleanup(se->opaque);
        }
    }
}

bool qemu_savevm_state(QEMUFile *f, Error **errp)
{
    int ret;

    qemu_savevm_state_header(f);
    if (!qemu_savevm_state_setup(f, errp)) {
        qemu_savevm_state_cleanup();
        return false;
    }
    while ((ret = qemu_savevm_state_iterate(f)) == 0) {
        /* No rate limit is set for a snapshot: each pass does it all. */
    }
    if (ret > 0) {
        ret = qemu_savevm_state_complete(f);
    }
    qemu_savevm_state_cleanup();
    if (ret < 0) {
        if (!qemu_file_get_error_obj(f, errp)) {
            error_setg(errp, "saving the VM state failed: %s",
                       g_strerror(-ret));
        }
        return false;
    }
    return true;
}

/* --- loader --------------------------------------------------------- */

/* Add a line to a multi-line error (QEMU prints one line per layer). */
static void error_add_line(Error **errp, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
static void error_add_line(Error **errp, const char *fmt, ...)
{
    Error *old = *errp, *err = NULL;
    va_list ap;
    char *line;

    va_start(ap, fmt);
    line = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (old) {
        error_setg(&err, "%s\n%s", error_get_pretty(old), line);
        error_free(old);
    } else {
        error_setg(&err, "%s", line);
    }
    g_free(line);
    *errp = err;
}

/*
 * The stream's error, if it has one (end of stream, I/O), wins over what a
 * parser concluded from the zeros a failed read returns.
 */
static bool stream_failed(QEMUFile *f, Error **errp)
{
    Error *err = NULL;

    if (!qemu_file_get_error_obj(f, &err)) {
        return false;
    }
    error_free(*errp);
    *errp = err;
    return true;
}

static SaveStateEntry *find_entry(const char *idstr, uint32_t instance_id)
{
    for (GList *l = savevm_entries; l; l = l->next) {
        SaveStateEntry *se = l->data;

        if (!strcmp(se->idstr, idstr) && se->instance_id == instance_id) {
            return se;
        }
    }
    return NULL;
}

static bool load_configuration(QEMUFile *f, Error **errp)
{
    const char *local = machine_type_name();
    uint32_t len;
    char name[257];
    char sub[256];
    uint32_t sub_version;
    bool ignore_shared = false;

    if (qemu_get_byte(f) != QEMU_VM_CONFIGURATION) {
        if (!stream_failed(f, errp)) {
            error_setg(errp, "Configuration section missing");
        }
        return false;
    }
    len = qemu_get_be32(f);
    if (len > 256) {
        error_setg(errp, "configuration: machine type name of %" PRIu32
                   " bytes (at most 256)", len);
        return false;
    }
    qemu_get_buffer(f, (uint8_t *)name, len);
    name[len] = '\0';
    if (stream_failed(f, errp)) {
        return false;
    }
    if (strcmp(name, local)) {
        error_setg(errp, "Machine type received is '%s' and local is '%s'",
                   name, local);
        return false;
    }
    while (vmstate_get_subsection(f, "configuration", sub, &sub_version)) {
        if (!strcmp(sub, "configuration/target-page-bits")) {
            uint32_t bits = qemu_get_be32(f);

            if (bits != 12) {
                error_setg(errp, "Received TARGET_PAGE_BITS is %" PRIu32
                           " but local is %d", bits, 12);
                return false;
            }
        } else if (!strcmp(sub, "configuration/capabilities")) {
            uint32_t n = qemu_get_be32(f);

            for (uint32_t i = 0; i < n && !qemu_file_get_error(f); i++) {
                char cap[256];

                qemu_get_counted_string(f, cap);
                if (strcmp(cap, "x-ignore-shared")) {
                    error_setg(errp, "Received unknown capability %s", cap);
                    return false;
                }
                ignore_shared = true;
            }
        } else if (!strcmp(sub, "configuration/uuid")) {
            uint8_t uuid[16];

            /* memvm has no -uuid: nothing to compare it with. */
            qemu_get_buffer(f, uuid, sizeof(uuid));
        } else {
            error_setg(errp, "No subsection found for %s", sub);
            return false;
        }
        if (stream_failed(f, errp)) {
            return false;
        }
    }
    if (ignore_shared !=
        migrate_cap_enabled(MIGRATION_CAPABILITY_X_IGNORE_SHARED)) {
        error_setg(errp, "Capability x-ignore-shared is %s, but received "
                   "capability is %s",
                   ignore_shared ? "off" : "on", ignore_shared ? "on" : "off");
        return false;
    }
    return !stream_failed(f, errp);
}

static bool check_footer(QEMUFile *f, SaveStateEntry *se, Error **errp)
{
    uint8_t type = qemu_get_byte(f);
    uint32_t id;

    if (type != QEMU_VM_SECTION_FOOTER) {
        if (!stream_failed(f, errp)) {
            error_setg(errp, "Missing section footer for %s", se->idstr);
        }
        return false;
    }
    id = qemu_get_be32(f);
    if (stream_failed(f, errp)) {
        return false;
    }
    if (id != (uint32_t)se->section_id) {
        error_setg(errp, "Mismatched section id in footer for %s - read "
                   "0x%" PRIx32 " expected 0x%x", se->idstr, id,
                   se->section_id);
        return false;
    }
    return true;
}

/* Stream section id -> entry, with the version the START/FULL gave. */
typedef struct LoadSection {
    SaveStateEntry *se;
    int version_id;
} LoadSection;

static bool load_section_start_full(QEMUFile *f, GHashTable *sections,
                                    uint8_t type, Error **errp)
{
    uint32_t section_id = qemu_get_be32(f);
    char idstr[256];
    uint32_t instance_id, version_id;
    SaveStateEntry *se;
    LoadSection *ls;

    qemu_get_counted_string(f, idstr);
    instance_id = qemu_get_be32(f);
    version_id = qemu_get_be32(f);
    if (stream_failed(f, errp)) {
        return false;
    }
    se = find_entry(idstr, instance_id);
    if (!se || !se->ops->load_state) {
        error_setg(errp, "Unknown savevm section or instance '%s' %" PRIu32
                   ". Make sure that your current VM setup matches your "
                   "saved VM setup, including any hotplugged devices",
                   idstr, instance_id);
        return false;
    }
    if ((int)version_id > se->version_id || (int)version_id < 1) {
        error_setg(errp, "savevm: unsupported version %" PRIu32
                   " for '%s' v%d", version_id, idstr, se->version_id);
        return false;
    }
    if (type == QEMU_VM_SECTION_START && se->ops->load_setup &&
        !se->load_started) {
        if (!se->ops->load_setup(se->opaque, errp)) {
            return false;
        }
        se->load_started = true;
    }
    ls = g_new0(LoadSection, 1);
    ls->se = se;
    ls->version_id = version_id;
    g_hash_table_replace(sections, GUINT_TO_POINTER(section_id), ls);
    if (!se->ops->load_state(f, se->opaque, version_id, errp)) {
        stream_failed(f, errp);
        error_add_line(errp, "error while loading state for instance 0x%"
                       PRIx32 " of device '%s'", instance_id, idstr);
        return false;
    }
    if (stream_failed(f, errp)) {
        error_add_line(errp, "error while loading state for instance 0x%"
                       PRIx32 " of device '%s'", instance_id, idstr);
        return false;
    }
    return check_footer(f, se, errp);
}

static bool load_section_part_end(QEMUFile *f, GHashTable *sections,
                                  Error **errp)
{
    uint32_t section_id = qemu_get_be32(f);
    LoadSection *ls;

    if (stream_failed(f, errp)) {
        return false;
    }
    ls = g_hash_table_lookup(sections, GUINT_TO_POINTER(section_id));
    if (!ls) {
        error_setg(errp, "Unknown savevm section %" PRIu32, section_id);
        return false;
    }
    if (!ls->se->ops->load_state(f, ls->se->opaque, ls->version_id, errp) ||
        stream_failed(f, errp)) {
        stream_failed(f, errp);
        error_add_line(errp, "error while loading state section id %"
                       PRIu32 "(%s)", section_id, ls->se->idstr);
        return false;
    }
    return check_footer(f, ls->se, errp);
}

/* Read (and drop) the JSON description after EOF, if the source sent it. */
static bool skip_vmdesc(QEMUFile *f, Error **errp)
{
    uint32_t len;
    uint8_t buf[4096];

    if (qemu_file_at_eof(f)) {
        return true;
    }
    if (qemu_get_byte(f) != QEMU_VM_VMDESCRIPTION) {
        /* QEMU only warns here: the state itself arrived whole. */
        return true;
    }
    len = qemu_get_be32(f);
    while (len && !qemu_file_get_error(f)) {
        uint32_t n = MIN(len, sizeof(buf));

        qemu_get_buffer(f, buf, n);
        len -= n;
    }
    return !stream_failed(f, errp);
}

static bool load_sections(QEMUFile *f, Error **errp)
{
    GHashTable *sections = g_hash_table_new_full(NULL, NULL, NULL, g_free);
    bool ok = false;

    for (;;) {
        uint8_t type = qemu_get_byte(f);

        if (stream_failed(f, errp)) {
            break;
        }
        if (type == QEMU_VM_EOF) {
            ok = skip_vmdesc(f, errp);
            break;
        }
        if (type == QEMU_VM_SECTION_START || type == QEMU_VM_SECTION_FULL) {
            if (!load_section_start_full(f, sections, type, errp)) {
                break;
            }
        } else if (type == QEMU_VM_SECTION_PART ||
                   type == QEMU_VM_SECTION_END) {
            if (!load_section_part_end(f, sections, errp)) {
                break;
            }
        } else if (type == QEMU_VM_COMMAND) {
            error_setg(errp, "migration stream command %d: commands "
                       "(postcopy, return path) are not supported",
                       qemu_get_be16(f));
            break;
        } else {
            error_setg(errp, "Unknown savevm section type %d", type);
            break;
        }
    }
    g_hash_table_unref(sections);
    return ok;
}

int qemu_loadvm_state(QEMUFile *f, Error **errp)
{
    Error *err = NULL;
    int ret = -EINVAL;
    uint32_t v;
    bool ok;

    v = qemu_get_be32(f);
    if (stream_failed(f, &err)) {
        goto fail;
    }
    if (v != QEMU_VM_FILE_MAGIC) {
        error_setg(&err, "Not a migration stream");
        goto fail;
    }
    v = qemu_get_be32(f);
    if (v == QEMU_VM_FILE_VERSION_COMPAT) {
        error_setg(&err, "SaveVM v2 format is obsolete and don't work "
                   "anymore");
        ret = -ENOTSUP;
        goto fail;
    }
    if (v != QEMU_VM_FILE_VERSION) {
        if (!stream_failed(f, &err)) {
            error_setg(&err, "Unsupported migration stream version");
            ret = -ENOTSUP;
        }
        goto fail;
    }
    if (!load_configuration(f, &err)) {
        goto fail;
    }
    ok = load_sections(f, &err);
    for (GList *l = savevm_entries; l; l = l->next) {
        SaveStateEntry *se = l->data;

        if (se->load_started && se->ops->load_cleanup) {
            se->ops->load_cleanup(se->opaque);
        }
        se->load_started = false;
    }
    if (ok) {
        return 0;
    }
fail:
    if (qemu_file_get_error(f)) {
        ret = qemu_file_get_error(f);
    }
    error_propagate(errp, err);
    return ret;
}
