/*
 * proc_mutex_not_pshared.c - rule proc.mutex-not-pshared (static side): a mutex,
 * condition variable, read-write lock or barrier placed in memory shared between
 * processes and initialised without the process-shared attribute.
 *
 * Inputs: sync_init calls (pthread_mutex_init, pthread_cond_init, ...) with the
 * effective key of the object they initialise (rc_program_t.pkeys) and their
 * attribute argument; attr_setpshared calls (pthread_mutexattr_setpshared, ...)
 * with the attribute variable and the value; the shared pointers of the process
 * model (proc_model.h).
 *
 * A call is reported when the object's key is rooted at a pointer holding a
 * shared mapping, and
 *   - the attribute is a null pointer, or a variable on which no setpshared call
 *     anywhere in the program sets PTHREAD_PROCESS_SHARED (a value that is not a
 *     constant counts as setting it); an attribute that is not a plain variable
 *     (a parameter's pointee, a field) is given the benefit of the doubt;
 *   - and another process can see the memory: the mapping is backed by a file, a
 *     shm_open object or a System V segment (not MAP_ANONYMOUS), or the program
 *     forks.
 * The finding sits on the init call, where the shim reports its run-time
 * observation of the same defect, so the two merge.
 *
 * Message format:
 *   '<api>(<obj>, <attr | NULL>)' initialises a <what> in shared memory (mapped at
 *   f.c:N) without PTHREAD_PROCESS_SHARED: it only works between the threads of one
 *   process, so using it from the other processes is undefined
 * subject: the object as written, without its `&` ("shm->lock"). related: the
 * mapping.
 */
#include "proc_model.h"

#include <stdlib.h>
#include <string.h>

#define RULE_ID "proc.mutex-not-pshared"

/* What the initialiser's name says it sets up. */
static const char *what_of(const char *api)
{
    if (strstr(api, "cond"))
        return "condition variable";
    if (strstr(api, "rwlock"))
        return "read-write lock";
    if (strstr(api, "barrier"))
        return "barrier";
    return "mutex";
}

/* 1 when some setpshared call may make attribute variable usr process-shared. */
static int attr_pshared(const rc_program_t *p, const char *usr)
{
    for (uint32_t f = 0; f < p->nfns; f++) {
        const rc_fn_facts_t *fn = p->fns[f].f;
        for (size_t i = 0; i < fn->npcalls; i++) {
            const rc_pcall_t *pc = &fn->pcalls[i];
            if (pc->kind == RC_API_ATTR_PSHARED && pc->shared != 0 && pc->attr &&
                strcmp(pc->attr, usr) == 0)
                return 1;
        }
    }
    return 0;
}

int rc_rule_proc_mutex_not_pshared(const rc_program_t *p, rc_findings_t *out, rc_error_t *err)
{
    (void)err;
    int maps = 0;
    for (uint32_t f = 0; f < p->nfns && !maps; f++)
        for (size_t i = 0; i < p->fns[f].f->npcalls && !maps; i++)
            maps = p->fns[f].f->pcalls[i].kind == RC_API_SHARED_MAP;
    if (!maps)
        return RC_OK; /* no shared memory: nothing to initialise in it */
    proc_model_t m;
    proc_model_init(&m, p);
    for (uint32_t f = 0; f < p->nfns && m.shm_usrs.n; f++) {
        const rc_fn_facts_t *fn = p->fns[f].f;
        for (size_t i = 0; i < fn->npcalls; i++) {
            const rc_pcall_t *pc = &fn->pcalls[i];
            if (pc->kind != RC_API_SYNC_INIT)
                continue;
            uint32_t sh = proc_shm_of(&m, p->pkeys[f][i]);
            if (sh == UINT32_MAX || (m.shm[sh].anon && !p->nforks))
                continue;
            if (pc->attr && (!*pc->attr || attr_pshared(p, pc->attr)))
                continue;
            const rc_fn_facts_t *mf = p->fns[m.shm[sh].fn].f;
            const rc_pcall_t *mc = &mf->pcalls[m.shm[sh].pcall];
            const char *obj = pc->text ? pc->text + (pc->text[0] == '&') : "the object";
            rc_finding_t *fd = rc_rule_finding(out, RULE_ID, RC_SEV_ERROR);
            fd->message = rc_xasprintf(
                "'%s' initialises the %s '%s' in shared memory (mapped at %s:%u) %s: it only "
                "works between the threads of one process, so using it from the other "
                "processes is undefined (lost wake-ups, hangs)",
                pc->api, what_of(pc->api), obj, rc_base_name(mf->file), mc->pos.line,
                pc->attr ? "with attributes that are never made PTHREAD_PROCESS_SHARED"
                         : "without attributes, so not PTHREAD_PROCESS_SHARED");
            fd->subject = rc_xstrdup(obj);
            rc_loc_set(&fd->loc, fn->file, pc->pos.line, pc->pos.col, fn->name, NULL);
            char *note = rc_xasprintf("the shared memory is mapped here with '%s'%s", mc->api,
                                      m.shm[sh].anon ? " and a child is forked with it" : "");
            rc_finding_add_related(fd, mf->file, mc->pos.line, mc->pos.col, mf->name, note);
            free(note);
        }
    }
    proc_model_close(&m);
    return RC_OK;
}
