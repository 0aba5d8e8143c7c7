/* The classic: the loop variable's address as every thread's argument. Each
 * worker reads *arg while main's i++ moves on to the next iteration. The
 * fixed version gives each thread its own slot (ids[i], own_slot); a config struct
 * written before the creation and read after the join is not shared while the
 * thread runs. */
#include <pthread.h>
#include <stdio.h>

struct config {
    int verbose;
    long done;
};

static void *worker(void *arg)
{
    int id = *(int *)arg;
    printf("worker %d\n", id);
    return NULL;
}

static void *own_slot(void *arg)
{
    int id = *(int *)arg;
    printf("slot %d\n", id);
    return NULL;
}

static void *configured(void *arg)
{
    struct config *c = arg;
    if (c->verbose)
        printf("configured\n");
    c->done = 1;
    return NULL;
}

int main(void)
{
    pthread_t t[4];
    int ids[4];
    for (int i = 0; i < 4; i++) // expect: race.unprotected-rmw
        pthread_create(&t[i], NULL, worker, &i);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < 4; i++) {
        ids[i] = i;
        pthread_create(&t[i], NULL, own_slot, &ids[i]);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    struct config cfg;
    cfg.verbose = 1;
    cfg.done = 0;
    pthread_t c;
    pthread_create(&c, NULL, configured, &cfg);
    pthread_join(c, NULL);
    return (int)cfg.done;
}
