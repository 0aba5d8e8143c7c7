/*
 * handoff.c - owner changes of locks (an acquisition by another thread than
 * the one before): 'baton' passes between two threads in strict alternation
 * (semaphores give the turn), ROUNDS times each: 2 * ROUNDS - 1 changes;
 * 'phase' is taken ROUNDS times by one thread, then ROUNDS times by another
 * created after the first was joined: 1 change; 'solo' only by the main
 * thread: none. The second runner takes 'baton' while holding 'outer', so
 * that in summary mode some of its acquisitions are records and others are
 * left out. No acquisition ever waits.
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>

#define ROUNDS 1000

static pthread_mutex_t baton = PTHREAD_MUTEX_INITIALIZER, phase = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t solo = PTHREAD_MUTEX_INITIALIZER, outer = PTHREAD_MUTEX_INITIALIZER;
static sem_t turn[2];
static long passes, phases, alone;

static void *runner(void *arg)
{
    int me = (int)(intptr_t)arg;
    for (int i = 0; i < ROUNDS; i++) {
        sem_wait(&turn[me]);
        if (me)
            pthread_mutex_lock(&outer);
        pthread_mutex_lock(&baton);
        passes++;
        pthread_mutex_unlock(&baton);
        if (me)
            pthread_mutex_unlock(&outer);
        sem_post(&turn[!me]);
    }
    return NULL;
}

static void *phaser(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&phase);
        phases++;
        pthread_mutex_unlock(&phase);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    sem_init(&turn[0], 0, 1);
    sem_init(&turn[1], 0, 0);
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, runner, (void *)(intptr_t)i);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < 2; i++) {
        pthread_create(&t[i], NULL, phaser, NULL);
        pthread_join(t[i], NULL);
    }
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&solo);
        alone++;
        pthread_mutex_unlock(&solo);
    }
    printf("baton=%p phase=%p solo=%p outer=%p passes=%ld phases=%ld alone=%ld\n", (void *)&baton,
           (void *)&phase, (void *)&solo, (void *)&outer, passes, phases, alone);
    return 0;
}
