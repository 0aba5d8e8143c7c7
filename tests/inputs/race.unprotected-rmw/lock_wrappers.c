/* Locks taken and released through small wrapper functions, including ones that
 * receive the lock as a parameter, and an error path through a function that
 * never returns. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct stats {
    pthread_mutex_t lock;
    long served;
};

static pthread_mutex_t big_lock = PTHREAD_MUTEX_INITIALIZER;
static struct stats stats = {PTHREAD_MUTEX_INITIALIZER, 0};
static long a, b, c;

static void lock_all(void)
{
    pthread_mutex_lock(&big_lock);
}

static void unlock_all(void)
{
    pthread_mutex_unlock(&big_lock);
}

static void stats_lock(struct stats *s)
{
    pthread_mutex_lock(&s->lock);
}

static void stats_unlock(struct stats *s)
{
    pthread_mutex_unlock(&s->lock);
}

static void acquire(pthread_mutex_t *mu)
{
    pthread_mutex_lock(mu);
}

static void release(pthread_mutex_t *mu)
{
    pthread_mutex_unlock(mu);
}

static void die(const char *why)
{
    fprintf(stderr, "fatal: %s\n", why);
    exit(1);
}

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++) {
        lock_all();
        a++;
        unlock_all();
        a++; // expect: race.unprotected-rmw

        stats_lock(&stats);
        stats.served++;
        stats_unlock(&stats);

        acquire(&big_lock);
        b += 2;
        release(&big_lock);
        b -= 1; // expect: race.unprotected-rmw

        pthread_mutex_lock(&big_lock);
        if (c < 0) {
            pthread_mutex_unlock(&big_lock);
            die("negative");
        }
        c++;
        pthread_mutex_unlock(&big_lock);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    printf("%ld %ld %ld %ld\n", a, b, c, stats.served);
    return 0;
}
