/* The launcher starts the logger and never joins it, so nothing bounds the
 * logger's end; but it cannot start before the launcher does. main's write of
 * the level before it starts the launcher comes first; the write after may
 * overlap the logger's. */
#include <pthread.h>
#include <stdio.h>

static int level;

static void *logger(void *arg)
{
    (void)arg;
    level = 2; // expect: race.write-write
    return NULL;
}

static void *launcher(void *arg)
{
    (void)arg;
    pthread_t l;
    pthread_create(&l, NULL, logger, NULL);
    pthread_detach(l);
    return NULL;
}

int main(void)
{
    pthread_t t;
    level = 1;
    pthread_create(&t, NULL, launcher, NULL);
    pthread_join(t, NULL);
    level = 3;             // expect: race.write-write
    printf("%d\n", level); // expect: race.read-write
    return 0;
}
