/* Two threads meet at a barrier of count 2, then run rounds separated by waits
 * in a loop. The seed written before the first wait is read only after it, in
 * the loop: ordered. Inside the loop both threads write the turn in the same
 * phase: a race, whatever the number of rounds. */
#include <pthread.h>
#include <stdio.h>

static pthread_barrier_t step;
static int seed;
static int turn;

static void *leader(void *arg)
{
    (void)arg;
    seed = 7;
    pthread_barrier_wait(&step);
    for (int i = 0; i < 3; i++) {
        turn = i; // expect: race.write-write
        pthread_barrier_wait(&step);
    }
    return NULL;
}

static void *follower(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&step);
    for (int i = 0; i < 3; i++) {
        turn = seed + i; // expect: race.write-write
        pthread_barrier_wait(&step);
    }
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_barrier_init(&step, NULL, 2);
    pthread_create(&a, NULL, leader, NULL);
    pthread_create(&b, NULL, follower, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("%d\n", turn);
    return 0;
}
