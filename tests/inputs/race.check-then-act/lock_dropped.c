/* The free-slot test runs under the lock, which is dropped while the item is
 * prepared and taken again for the insertion: another producer can fill the
 * last slot in between. */
#include <pthread.h>
#include <stdio.h>

#define CAP 16

static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static int items[CAP];
static int count;

static int prepare(int x)
{
    return x * 2;
}

static void *producer(void *arg)
{
    int x = (int)(long)arg;
    pthread_mutex_lock(&q_lock);
    if (count < CAP) {
        pthread_mutex_unlock(&q_lock);
        int v = prepare(x);
        pthread_mutex_lock(&q_lock);
        items[count % CAP] = v;
        count = count + 1; // expect: race.check-then-act
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
    printf("%d %d\n", count, items[0]);
    return 0;
}
