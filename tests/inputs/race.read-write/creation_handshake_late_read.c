/* As creation_handshake.c, but the worker reads its number again after it has
 * said it has taken it: that read may overlap the creator writing the next
 * number. */
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
    printf("worker %d (%d)\n", id, s->id); // expect: race.read-write
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
