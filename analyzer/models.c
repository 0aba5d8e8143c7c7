/*
 * models.c - loads the API models: which library functions acquire and release
 * locks, start and join threads, or never return. The analyzer knows no
 * function by name; everything it knows about pthreads and C11 threads is in
 * rules/api/ *.json (format in rules/README.md).
 *
 * File format (version 1):
 *   { "version": 1,
 *     "functions": [
 *       { "name": "pthread_mutex_lock", "kind": "lock", "lock_arg": 0 },
 *       { "name": "pthread_rwlock_rdlock", "kind": "lock", "lock_arg": 0, "shared": true },
 *       { "name": "pthread_create", "kind": "thread_create",
 *         "handle_arg": 0, "routine_arg": 2, "arg_arg": 3 }, ... ] }
 *
 *   kind           required fields           optional
 *   lock, trylock  lock_arg                  shared (default false); lock: lock_global
 *   unlock         lock_arg                  lock_global (instead of lock_arg: one
 *                                            program-wide lock of that name)
 *   thread_create  routine_arg               handle_arg, arg_arg (default -1)
 *   thread_join    handle_arg
 *   noreturn       -
 *   mt_unsafe      -                         state (default: the name), alternative,
 *                                            read_only (default false)
 *   cond_wait      -                         lock_arg (the mutex it releases and re-takes)
 *   signal_install handler_arg or action_arg  (both allowed)
 *   callback       callback_args             -
 *   yield          -
 *   event_wait     -
 *   fork           -                         shared (the child borrows the parent's
 *                                            memory until it execs or exits: vfork)
 *   process_wait   -
 *   exec           -
 *   shared_map     -                         flags_arg + shared_mask (the flag bits that
 *                                            make it shared; without flags_arg it always
 *                                            is), anon_mask (bits of an anonymous mapping)
 *   sync_init      lock_arg, attr_arg        value_arg (a barrier's count)
 *   attr_setpshared attr_arg, value_arg, shared_value
 *   sem_wait       lock_arg (the semaphore)  (holds it, as a lock, until sem_post)
 *   sem_post       lock_arg
 *   sem_init       lock_arg, value_arg (the initial value; 1 makes it a binary lock)
 *   once           lock_arg (the once object), routine_arg (called at most once per
 *                  object over all threads, in the thread that gets there first)
 *   barrier_wait   lock_arg (the barrier)
 *   memory         writes, reads, writes_from, reads_from or returns_new (below)
 * Any kind may list "callback_args": [i, ...], the arguments that are callbacks
 * an event loop calls later on the registering thread (uv_queue_work's
 * after_work_cb next to its thread-pool work_cb); "writes" / "reads": [i, ...],
 * the arguments through which it writes / reads memory, and "writes_from" /
 * "reads_from": i, every argument from i on (scanf's targets, printf's strings);
 * "returns_new": true, its result is a new object at every call (malloc).
 *
 * Optional top-level list, in any file: "async_signal_safe": ["_exit", "write", ...],
 * the functions a signal handler may call (signal-safety(7)); a name listed twice
 * across files is an error. "async_signal_safe_prefixes": ["__builtin_", ...] marks
 * every function whose name starts so (compiler builtins) as safe.
 * "async_signal_safe_types": ["sig_atomic_t"] names the typedefs whose objects
 * a handler may share with the code it interrupts (when also volatile).
 * "atomic_function_prefixes": {"__VERIFIER_atomic_": "__VERIFIER_atomic"}: a
 * function whose name starts so runs as a whole holding that program-wide lock.
 * "ticket_function_prefixes": ["__sync_fetch_and_add", ...]: a function whose
 * name starts so, called with a nonzero constant, adds it to an integer
 * atomically and returns the value before or after: each call's result is one
 * no other call gets (a ticket: `id = atomic_fetch_add(&next, 1)`).
 *
 * Files load in this order: <rules_dir>/api/ *.json sorted by name, then the
 * caller's extra files (rc_analyzer_opts_t.extra_models) in the order given.
 * A name defined twice (in one file or across files) is an error: the models
 * are one table, and a silent override would hide a mistake.
 */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct {
    const char *name;
    rc_api_kind_t kind;
} kinds[] = {
    {"lock", RC_API_LOCK},
    {"trylock", RC_API_TRYLOCK},
    {"unlock", RC_API_UNLOCK},
    {"thread_create", RC_API_THREAD_CREATE},
    {"thread_join", RC_API_THREAD_JOIN},
    {"noreturn", RC_API_NORETURN},
    {"mt_unsafe", RC_API_MT_UNSAFE},
    {"cond_wait", RC_API_COND_WAIT},
    {"signal_install", RC_API_SIGNAL_INSTALL},
    {"callback", RC_API_CALLBACK},
    {"yield", RC_API_YIELD},
    {"event_wait", RC_API_EVENT_WAIT},
    {"fork", RC_API_FORK},
    {"process_wait", RC_API_PROC_WAIT},
    {"exec", RC_API_EXEC},
    {"shared_map", RC_API_SHARED_MAP},
    {"sync_init", RC_API_SYNC_INIT},
    {"attr_setpshared", RC_API_ATTR_PSHARED},
    {"sem_wait", RC_API_SEM_WAIT},
    {"sem_post", RC_API_SEM_POST},
    {"sem_init", RC_API_SEM_INIT},
    {"once", RC_API_ONCE},
    {"barrier_wait", RC_API_BARRIER_WAIT},
    {"thread_self", RC_API_THREAD_SELF},
    {"memory", RC_API_MEMORY},
};

static int cmp_fn(const void *a, const void *b)
{
    return strcmp(((const rc_api_fn_t *)a)->name, ((const rc_api_fn_t *)b)->name);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads a boolean field (absent: false); returns 1 when present and valid, 0 when
 * absent, -1 when not true or false. */
static int bool_field(json_t *obj, const char *key, int *out)
{
    json_t *v = json_object_get(obj, key);
    *out = v && json_is_true(v);
    return !v ? 0 : json_is_boolean(v) ? 1 : -1;
}

/* The index of the first of the n prefixes that name starts with, or -1. */
static long prefix_index(char *const *prefixes, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
            return (long)i;
    return -1;
}

/* Reads an integer field; returns 1 when present and valid, 0 when absent, -1 when bad. */
static int int_field(json_t *obj, const char *key, int *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 64)
        return -1;
    *out = (int)json_integer_value(v);
    return 1;
}

/* Reads the optional list of argument indexes `key` into the bit set *out. */
static int arg_list(json_t *e, const char *key, const char *path, const char *name, uint64_t *out,
                    rc_error_t *err)
{
    json_t *v = json_object_get(e, key);
    if (!v)
        return RC_OK;
    if (!json_is_array(v) || json_array_size(v) == 0)
        return rc_error_set(err, RC_EPARSE, "%s: '%s': \"%s\" must be a non-empty array", path,
                            name, key);
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x)
    {
        if (!json_is_integer(x) || json_integer_value(x) < 0 || json_integer_value(x) > 63)
            return rc_error_set(err, RC_EPARSE, "%s: '%s': \"%s\" holds argument indexes 0..63",
                                path, name, key);
        *out |= UINT64_C(1) << json_integer_value(x);
    }
    return RC_OK;
}

static int parse_entry(json_t *e, const char *path, size_t idx, rc_api_fn_t *fn, rc_error_t *err)
{
    const char *name = json_string_value(json_object_get(e, "name"));
    const char *kind = json_string_value(json_object_get(e, "kind"));
    if (!json_is_object(e) || !name || !*name || !kind)
        return rc_error_set(err, RC_EPARSE, "%s: functions[%zu]: needs \"name\" and \"kind\"", path,
                            idx);
    memset(fn, 0, sizeof *fn);
    fn->lock_arg = fn->handle_arg = fn->routine_arg = fn->arg_arg = -1;
    fn->handler_arg = fn->action_arg = -1;
    fn->attr_arg = fn->flags_arg = fn->value_arg = -1;
    fn->writes_from = fn->reads_from = -1;
    size_t k;
    for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        if (strcmp(kinds[k].name, kind) == 0)
            break;
    if (k == sizeof kinds / sizeof kinds[0])
        return rc_error_set(err, RC_EPARSE, "%s: '%s': unknown kind '%s'", path, name, kind);
    fn->kind = kinds[k].kind;
    if (bool_field(e, "shared", &fn->shared) < 0)
        return rc_error_set(err, RC_EPARSE, "%s: '%s': \"shared\" must be true or false", path,
                            name);
    int bad = int_field(e, "lock_arg", &fn->lock_arg) < 0 ||
              int_field(e, "handle_arg", &fn->handle_arg) < 0 ||
              int_field(e, "routine_arg", &fn->routine_arg) < 0 ||
              int_field(e, "arg_arg", &fn->arg_arg) < 0 ||
              int_field(e, "handler_arg", &fn->handler_arg) < 0 ||
              int_field(e, "action_arg", &fn->action_arg) < 0 ||
              int_field(e, "attr_arg", &fn->attr_arg) < 0 ||
              int_field(e, "flags_arg", &fn->flags_arg) < 0 ||
              int_field(e, "value_arg", &fn->value_arg) < 0 ||
              int_field(e, "writes_from", &fn->writes_from) < 0 ||
              int_field(e, "reads_from", &fn->reads_from) < 0;
    if (bad)
        return rc_error_set(err, RC_EPARSE, "%s: '%s': argument indexes must be integers 0..64",
                            path, name);
    static const char *const masks[] = {"shared_mask", "anon_mask", "shared_value"};
    long *mask_out[] = {&fn->shared_mask, &fn->anon_mask, &fn->shared_value};
    for (int m = 0; m < 3; m++) {
        json_t *v = json_object_get(e, masks[m]);
        if (v && (!json_is_integer(v) || json_integer_value(v) < 0 ||
                  json_integer_value(v) > (json_int_t)0x7fffffff))
            return rc_error_set(err, RC_EPARSE, "%s: '%s': \"%s\" must be an integer 0..2^31-1",
                                path, name, masks[m]);
        *mask_out[m] = v ? (long)json_integer_value(v) : 0;
    }
    const char *missing = NULL;
    switch (fn->kind) {
    case RC_API_LOCK:
    case RC_API_UNLOCK:
        if (fn->lock_arg < 0 && !json_is_string(json_object_get(e, "lock_global")))
            missing = "lock_arg\" or \"lock_global";
        break;
    case RC_API_TRYLOCK:
        if (fn->lock_arg < 0)
            missing = "lock_arg";
        break;
    case RC_API_THREAD_CREATE:
        if (fn->routine_arg < 0)
            missing = "routine_arg";
        break;
    case RC_API_THREAD_JOIN:
        if (fn->handle_arg < 0)
            missing = "handle_arg";
        break;
    case RC_API_SIGNAL_INSTALL:
        if (fn->handler_arg < 0 && fn->action_arg < 0)
            missing = "handler_arg\" or \"action_arg";
        break;
    case RC_API_MEMORY: /* writes, reads: checked below */
    case RC_API_NORETURN:
    case RC_API_THREAD_SELF:
    case RC_API_MT_UNSAFE:
    case RC_API_COND_WAIT:
    case RC_API_CALLBACK: /* callback_args: checked below */
    case RC_API_YIELD:
    case RC_API_EVENT_WAIT:
    case RC_API_FORK:
    case RC_API_PROC_WAIT:
    case RC_API_EXEC:
        break;
    case RC_API_SHARED_MAP: /* without flags_arg: always shared */
        if (fn->flags_arg >= 0 && !json_object_get(e, "shared_mask"))
            missing = "shared_mask";
        break;
    case RC_API_SEM_WAIT:
    case RC_API_SEM_POST:
        if (fn->lock_arg < 0)
            missing = "lock_arg";
        break;
    case RC_API_SEM_INIT:
        if (fn->lock_arg < 0 || fn->value_arg < 0)
            missing = "lock_arg\" and \"value_arg";
        break;
    case RC_API_ONCE:
        if (fn->lock_arg < 0 || fn->routine_arg < 0)
            missing = "lock_arg\" and \"routine_arg";
        break;
    case RC_API_BARRIER_WAIT:
        if (fn->lock_arg < 0)
            missing = "lock_arg";
        break;
    case RC_API_SYNC_INIT:
        if (fn->lock_arg < 0 || fn->attr_arg < 0)
            missing = "lock_arg\" and \"attr_arg";
        break;
    case RC_API_ATTR_PSHARED:
        if (fn->attr_arg < 0 || fn->value_arg < 0 || !json_object_get(e, "shared_value"))
            missing = "attr_arg\", \"value_arg\" and \"shared_value";
        break;
    }
    static const char *const lists[] = {"callback_args", "writes", "reads"};
    uint64_t *list_out[] = {&fn->callback_args, &fn->writes, &fn->reads};
    for (int l = 0; l < 3; l++) {
        int rc = arg_list(e, lists[l], path, name, list_out[l], err);
        if (rc != RC_OK)
            return rc;
    }
    if (fn->kind == RC_API_CALLBACK && !fn->callback_args)
        missing = "callback_args";
    if (bool_field(e, "returns_new", &fn->returns_new) < 0)
        return rc_error_set(err, RC_EPARSE, "%s: '%s': \"returns_new\" must be true or false", path,
                            name);
    if (fn->kind == RC_API_MEMORY && !rc_api_touches_memory(fn) && !fn->returns_new)
        missing = "writes\", \"reads\", \"writes_from\", \"reads_from\" or \"returns_new";
    json_t *st = json_object_get(e, "state"), *alt = json_object_get(e, "alternative");
    if ((st && (!json_is_string(st) || !*json_string_value(st))) ||
        (alt && (!json_is_string(alt) || !*json_string_value(alt))))
        return rc_error_set(err, RC_EPARSE,
                            "%s: '%s': \"state\" and \"alternative\" must be "
                            "non-empty strings",
                            path, name);
    int read_only, ro = bool_field(e, "read_only", &read_only);
    if (ro < 0)
        return rc_error_set(err, RC_EPARSE, "%s: '%s': \"read_only\" must be true or false", path,
                            name);
    if ((st || alt || ro) && fn->kind != RC_API_MT_UNSAFE)
        return rc_error_set(err, RC_EPARSE,
                            "%s: '%s': \"state\", \"alternative\" and "
                            "\"read_only\" are for kind 'mt_unsafe'",
                            path, name);
    json_t *lg = json_object_get(e, "lock_global");
    if (lg && (!json_is_string(lg) || !*json_string_value(lg) ||
               (fn->kind != RC_API_LOCK && fn->kind != RC_API_UNLOCK)))
        return rc_error_set(err, RC_EPARSE,
                            "%s: '%s': \"lock_global\" is a non-empty string, for kinds 'lock' "
                            "and 'unlock'",
                            path, name);
    if (missing)
        return rc_error_set(err, RC_EPARSE, "%s: '%s': kind '%s' needs \"%s\"", path, name, kind,
                            missing);
    fn->lock_global = lg ? rc_xstrdup(json_string_value(lg)) : NULL;
    fn->name = rc_xstrdup(name);
    fn->file = rc_xstrdup(path);
    if (fn->kind == RC_API_MT_UNSAFE) {
        fn->state = rc_xstrdup(st ? json_string_value(st) : name);
        fn->alternative = alt ? rc_xstrdup(json_string_value(alt)) : NULL;
        fn->read_only = read_only;
    }
    return RC_OK;
}

static int load_file(const char *path, rc_models_t *m, size_t *cap, rc_error_t *err)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    if (!root)
        return rc_error_set(err, RC_EPARSE, "%s:%d: %s", path, jerr.line, jerr.text);
    uint64_t h = 0;
    if (rc_hash_file(path, &h) == 0) /* it was just read; chained with the files before */
        m->digest = rc_fnv1a(m->digest ? m->digest : RC_FNV_OFFSET, &h, sizeof h);
    int rc = RC_OK;
    json_t *fns = json_object_get(root, "functions");
    json_t *ver = json_object_get(root, "version");
    if (!json_is_integer(ver) || json_integer_value(ver) != 1 || !json_is_array(fns)) {
        rc = rc_error_set(err, RC_EPARSE, "%s: expected {\"version\": 1, \"functions\": [...]}",
                          path);
        goto out;
    }
    size_t i;
    json_t *e;
    for (int pre = 0; pre < 4; pre++) {
        static const char *const keys[] = {"async_signal_safe", "async_signal_safe_prefixes",
                                           "async_signal_safe_types", "ticket_function_prefixes"};
        const char *key = keys[pre];
        json_t *safe = json_object_get(root, key);
        if (safe && !json_is_array(safe)) {
            rc = rc_error_set(err, RC_EPARSE, "%s: \"%s\" must be an array of names", path, key);
            goto out;
        }
        json_array_foreach(safe, i, e)
        {
            if (!json_is_string(e) || !*json_string_value(e)) {
                rc = rc_error_set(err, RC_EPARSE, "%s: %s[%zu]: expected a name", path, key, i);
                goto out;
            }
            char ***v = pre == 3   ? &m->ticket_prefixes
                        : pre == 2 ? &m->safe_types
                        : pre      ? &m->safe_prefixes
                                   : &m->safe;
            size_t *n = pre == 3   ? &m->nticket_prefixes
                        : pre == 2 ? &m->nsafe_types
                        : pre      ? &m->nsafe_prefixes
                                   : &m->nsafe;
            *v = rc_xrealloc(*v, (*n + 1) * sizeof **v);
            (*v)[(*n)++] = rc_xstrdup(json_string_value(e));
        }
    }
    json_t *atomic = json_object_get(root, "atomic_function_prefixes");
    if (atomic && !json_is_object(atomic)) {
        rc = rc_error_set(err, RC_EPARSE,
                          "%s: \"atomic_function_prefixes\" must map prefixes to lock names", path);
        goto out;
    }
    const char *prefix;
    json_t *lock;
    json_object_foreach(atomic, prefix, lock)
    {
        if (!*prefix || !json_is_string(lock) || !*json_string_value(lock)) {
            rc = rc_error_set(err, RC_EPARSE,
                              "%s: atomic_function_prefixes: '%s' needs a non-empty prefix and "
                              "lock name",
                              path, prefix);
            goto out;
        }
        m->atomic_prefixes =
            rc_xrealloc(m->atomic_prefixes, (m->natomic + 1) * sizeof *m->atomic_prefixes);
        m->atomic_locks = rc_xrealloc(m->atomic_locks, (m->natomic + 1) * sizeof *m->atomic_locks);
        m->atomic_prefixes[m->natomic] = rc_xstrdup(prefix);
        m->atomic_locks[m->natomic++] = rc_xstrdup(json_string_value(lock));
    }
    json_array_foreach(fns, i, e)
    {
        if (m->n == *cap) {
            *cap = *cap ? *cap * 2 : 32;
            m->v = rc_xrealloc(m->v, *cap * sizeof *m->v);
        }
        rc = parse_entry(e, path, i, &m->v[m->n], err);
        if (rc)
            goto out;
        m->n++;
    }
out:
    json_decref(root);
    return rc;
}

int rc_models_load(const char *rules_dir, const char *const *extra, size_t nextra, rc_models_t *out,
                   rc_error_t *err)
{
    memset(out, 0, sizeof *out);
    char *inc = rc_xasprintf("%s/include", rules_dir);
    if (access(inc, R_OK | X_OK) == 0)
        out->compat_include = inc;
    else
        free(inc);
    char *dir = rc_xasprintf("%s/api", rules_dir);
    DIR *d = opendir(dir);
    if (!d) {
        int rc =
            rc_error_set(err, RC_EIO, "cannot read API models in '%s': %s", dir, strerror(errno));
        free(dir);
        return rc;
    }
    char **names = NULL;
    size_t nnames = 0, capnames = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len <= 5 || de->d_name[0] == '.' || strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        if (nnames == capnames) {
            capnames = capnames ? capnames * 2 : 8;
            names = rc_xrealloc(names, capnames * sizeof *names);
        }
        names[nnames++] = rc_xstrdup(de->d_name);
    }
    closedir(d);
    rc_sort(names, nnames, sizeof *names, cmp_str);
    int rc = RC_OK;
    size_t cap = 0;
    for (size_t i = 0; i < nnames; i++) {
        char *path = rc_xasprintf("%s/%s", dir, names[i]);
        if (!rc)
            rc = load_file(path, out, &cap, err);
        free(path);
        free(names[i]);
    }
    free(names);
    /* Extra files (a project's own wrappers) come after the stock models. */
    for (size_t i = 0; !rc && i < nextra; i++) {
        if (!extra[i] || access(extra[i], R_OK) != 0) {
            rc = rc_error_set(err, RC_EIO, "cannot read API model file '%s': %s",
                              extra[i] ? extra[i] : "(null)", strerror(extra[i] ? errno : EINVAL));
            break;
        }
        rc = load_file(extra[i], out, &cap, err);
    }
    if (!rc && out->n == 0)
        rc = rc_error_set(err, RC_EPARSE, "no API models in '%s'", dir);
    free(dir);
    if (!rc) {
        if (out->nsafe)
            rc_sort(out->safe, out->nsafe, sizeof *out->safe, cmp_str);
        for (size_t i = 1; i < out->nsafe; i++)
            if (strcmp(out->safe[i - 1], out->safe[i]) == 0) {
                rc = rc_error_set(err, RC_EPARSE, "'%s' is listed twice as async-signal-safe",
                                  out->safe[i]);
                break;
            }
    }
    if (!rc && out->nsafe_types) {
        rc_sort(out->safe_types, out->nsafe_types, sizeof *out->safe_types, cmp_str);
        for (size_t i = 1; i < out->nsafe_types; i++)
            if (strcmp(out->safe_types[i - 1], out->safe_types[i]) == 0) {
                rc = rc_error_set(err, RC_EPARSE,
                                  "'%s' is listed twice as an async-signal-safe type",
                                  out->safe_types[i]);
                break;
            }
    }
    if (!rc) {
        rc_sort(out->v, out->n, sizeof *out->v, cmp_fn);
        for (size_t i = 1; i < out->n; i++)
            if (strcmp(out->v[i - 1].name, out->v[i].name) == 0) {
                rc = rc_error_set(err, RC_EPARSE, "API model '%s' is defined twice (%s, %s)",
                                  out->v[i].name, out->v[i - 1].file, out->v[i].file);
                break;
            }
    }
    if (rc)
        rc_models_close(out);
    return rc;
}

void rc_models_close(rc_models_t *m)
{
    free(m->compat_include);
    for (size_t i = 0; i < m->n; i++) {
        free(m->v[i].name);
        free(m->v[i].lock_global);
        free(m->v[i].file);
        free(m->v[i].state);
        free(m->v[i].alternative);
    }
    free(m->v);
    for (size_t i = 0; i < m->nsafe; i++)
        free(m->safe[i]);
    free(m->safe);
    for (size_t i = 0; i < m->nsafe_prefixes; i++)
        free(m->safe_prefixes[i]);
    free(m->safe_prefixes);
    for (size_t i = 0; i < m->natomic; i++) {
        free(m->atomic_prefixes[i]);
        free(m->atomic_locks[i]);
    }
    free(m->atomic_prefixes);
    free(m->atomic_locks);
    for (size_t i = 0; i < m->nsafe_types; i++)
        free(m->safe_types[i]);
    free(m->safe_types);
    for (size_t i = 0; i < m->nticket_prefixes; i++)
        free(m->ticket_prefixes[i]);
    free(m->ticket_prefixes);
    memset(m, 0, sizeof *m);
}

const rc_api_fn_t *rc_models_find(const rc_models_t *m, const char *name)
{
    rc_api_fn_t key = {.name = (char *)name};
    return m->n ? bsearch(&key, m->v, m->n, sizeof *m->v, cmp_fn) : NULL;
}

const char *rc_models_atomic_lock(const rc_models_t *m, const char *name)
{
    long i = prefix_index(m->atomic_prefixes, m->natomic, name);
    return i < 0 ? NULL : m->atomic_locks[i];
}

int rc_models_signal_safe(const rc_models_t *m, const char *name)
{
    if (prefix_index(m->safe_prefixes, m->nsafe_prefixes, name) >= 0)
        return 1;
    return m->nsafe && bsearch(&name, m->safe, m->nsafe, sizeof *m->safe, cmp_str) != NULL;
}

int rc_models_ticket(const rc_models_t *m, const char *name)
{
    return prefix_index(m->ticket_prefixes, m->nticket_prefixes, name) >= 0;
}

int rc_models_signal_safe_type(const rc_models_t *m, const char *name)
{
    return m->nsafe_types &&
           bsearch(&name, m->safe_types, m->nsafe_types, sizeof *m->safe_types, cmp_str) != NULL;
}
