/*
 * tu.c - translation-unit jobs and saved facts: the plain records the
 * analyzer, the store and the CLI pass between them (common.h).
 */
#include "common.h"

#include <stdlib.h>
#include <string.h>

void rc_tu_job_close(rc_tu_job_t *job)
{
    free(job->file);
    free(job->directory);
    for (int a = 0; a < job->argc; a++)
        free(job->argv[a]);
    free(job->argv);
    memset(job, 0, sizeof *job);
}

void rc_tu_job_copy(const rc_tu_job_t *from, rc_tu_job_t *to)
{
    to->file = rc_xstrdup(from->file);
    to->directory = rc_xstrdup(from->directory);
    to->argc = from->argc;
    to->argv = rc_xcalloc((size_t)from->argc + 1, sizeof *to->argv);
    for (int i = 0; i < from->argc; i++)
        to->argv[i] = rc_xstrdup(from->argv[i]);
}

void rc_tu_saved_close(rc_tu_saved_t *s)
{
    rc_tu_job_close(&s->job);
    free(s->key);
    free(s->deps);
    free(s->facts);
    memset(s, 0, sizeof *s);
}
