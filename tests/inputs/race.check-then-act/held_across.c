/* The twin of lock_dropped.c, fixed: the lock is held from the test to the
 * insertion. A test of a value no other thread writes (the thread's own
 * argument slot) needs no lock at all. */
#include <pthread.h>
#include <stdio.h>

#define CAP 16

static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static int items[CAP];
static int count;
static int seen[3];

static void *producer(void *arg)
{
    int id = (int)(long)arg;
    if (seen[id] == 0)
        seen[id] = 1;
    pthread_mutex_lock(&q_lock);
    if (count < CAP) {
        items[count % CAP] = id * 2;
        count = count + 1;
    }
    pthread_mutex_unlock(&q_lock);
    return NULL;
}

int main(void)
{
    pthread_t t[3];
    for (long i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, producer, (void *)i);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    printf("%d %d %d\n", count, items[0], seen[0]);
    return 0;
}
