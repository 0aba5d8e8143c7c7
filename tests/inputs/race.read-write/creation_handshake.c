/* The creator hands each worker its number in one start record, then waits
 * until the worker says it has taken it (a flag under the record's mutex, in a
 * wait loop) before it writes the next number: the worker's read of the number
 * comes before the creator's next write. */
#include <pthread.h>
#include <stdio.h>

struct start {
    int id;
    int taken;
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

static void *worker(void *p)
{
    struct start *s = p;
    pthread_mutex_lock(&s->mu);
    int id = s->id;
    s->taken = 1;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    printf("worker %d\n", id);
    return NULL;
}

int main(void)
{
    pthread_t t[4];
    struct start s = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
    for (int i = 0; i < 4; i++) {
        s.id = i;
        s.taken = 0;
        pthread_create(&t[i], NULL, worker, &s);
        pthread_mutex_lock(&s.mu);
        while (!s.taken)
            pthread_cond_wait(&s.cv, &s.mu);
        pthread_mutex_unlock(&s.mu);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    return 0;
}
