/* The creator writes the next number without waiting for the worker to have
 * taken the last one. */
#include <pthread.h>
#include <stdio.h>

struct start {
    int id;
    pthread_mutex_t mu;
};

static void *worker(void *p)
{
    struct start *s = p;
    pthread_mutex_lock(&s->mu);
    int id = s->id; // expect: race.read-write
    pthread_mutex_unlock(&s->mu);
    printf("worker %d\n", id);
    return NULL;
}

int main(void)
{
    pthread_t t[4];
    struct start s = {.mu = PTHREAD_MUTEX_INITIALIZER};
    for (int i = 0; i < 4; i++) {
        s.id = i;
        pthread_create(&t[i], NULL, worker, &s);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    return 0;
}
