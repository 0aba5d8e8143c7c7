/* A static local is one object shared by every thread that runs the function. */
#include <pthread.h>
#include <stdio.h>

static int next_id(void)
{
    static int last_id;
    return ++last_id; // expect: race.unprotected-rmw
}

static void *worker(void *arg)
{
    (void)arg;
    printf("worker %d\n", next_id());
    return NULL;
}

int main(void)
{
    pthread_t tids[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&tids[i], NULL, worker, NULL);
    for (int i = 0; i < 3; i++)
        pthread_join(tids[i], NULL);
    return 0;
}
