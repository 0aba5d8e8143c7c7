/* Data reached through the start routine's argument: shared when every thread
 * gets the same object, private when each gets its own. */
#include <pthread.h>
#include <stdio.h>

struct stats {
    pthread_mutex_t lock;
    long requests;
    long errors;
};

struct job {
    int id;
    long done;
};

struct tally {
    long n;
};

static struct stats global_stats = {PTHREAD_MUTEX_INITIALIZER, 0, 0};

static void *serve(void *arg)
{
    struct stats *s = arg;
    for (int i = 0; i < 100; i++) {
        pthread_mutex_lock(&s->lock);
        s->requests++;
        pthread_mutex_unlock(&s->lock);
        s->errors++; // expect: race.unprotected-rmw
    }
    return NULL;
}

static void *run_job(void *arg)
{
    struct job *j = arg;
    for (int i = 0; i < 100; i++)
        j->done++;
    return NULL;
}

static void *count(void *arg)
{
    struct tally *t = (struct tally *)arg;
    t->n += 1; // expect: race.unprotected-rmw
    return NULL;
}

int main(void)
{
    pthread_t a[4], b[4], c[3];
    struct job jobs[4];
    struct tally shared_tally = {0};
    for (int i = 0; i < 4; i++) {
        jobs[i].id = i;
        jobs[i].done = 0;
        pthread_create(&a[i], NULL, serve, &global_stats);
        pthread_create(&b[i], NULL, run_job, &jobs[i]);
    }
    for (int i = 0; i < 3; i++)
        pthread_create(&c[i], NULL, count, &shared_tally);
    for (int i = 0; i < 4; i++) {
        pthread_join(a[i], NULL);
        pthread_join(b[i], NULL);
    }
    for (int i = 0; i < 3; i++)
        pthread_join(c[i], NULL);
    printf("%ld %ld %ld\n", global_stats.requests, global_stats.errors, shared_tally.n);
    return 0;
}
