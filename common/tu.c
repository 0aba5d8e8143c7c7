/*
 * tu.c - translation-unit jobs, saved facts and program models: the plain
 * records the analyzer, the store and the CLI pass between them (common.h).
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

static const char *const model_names[] = {"threads", "processes", "cooperative", "signals"};

char *rc_models_str(unsigned models)
{
    rc_strbuf_t b;
    rc_strbuf_init(&b);
    for (unsigned i = 0; i < sizeof model_names / sizeof model_names[0]; i++)
        if (models & (1u << i))
            rc_strbuf_appendf(&b, "%s%s", b.len ? "," : "", model_names[i]);
    return rc_strbuf_take(&b);
}

unsigned rc_models_parse(const char *s)
{
    unsigned m = 0;
    while (s && *s) {
        size_t n = strcspn(s, ",");
        for (unsigned i = 0; i < sizeof model_names / sizeof model_names[0]; i++)
            if (strlen(model_names[i]) == n && strncmp(s, model_names[i], n) == 0)
                m |= 1u << i;
        s += n + (s[n] == ',');
    }
    return m;
}
