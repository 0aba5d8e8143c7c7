/* A semaphore initialised to 1 is a lock: updates between sem_wait and sem_post
 * exclude each other. One initialised to 3 lets three threads in at once, and
 * one whose initial value is not known protects nothing either. */
#include <pthread.h>
#include <semaphore.h>

static sem_t guard;   /* binary: a lock */
static sem_t slots;   /* counting: three holders at once */
static sem_t unknown; /* initial value not a constant */
static long served, in_flight, other;
static int start_value = 1;

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++) {
        sem_wait(&guard);
        served = served + 1;
        sem_post(&guard);

        sem_wait(&slots);
        in_flight++; // expect: race.unprotected-rmw
        sem_post(&slots);

        sem_wait(&unknown);
        other += 2; // expect: race.unprotected-rmw
        sem_post(&unknown);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[4];
    sem_init(&guard, 0, 1);
    sem_init(&slots, 0, 3);
    sem_init(&unknown, 0, start_value);
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    return (int)(served + in_flight + other);
}
