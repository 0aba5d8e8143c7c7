/* C11 threads: thrd_create and mtx_lock are modelled like their pthread cousins. */
#include <stdio.h>
#include <threads.h>

static mtx_t lock;
static long guarded, unguarded;

static int worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++) {
        mtx_lock(&lock);
        guarded++;
        mtx_unlock(&lock);
        unguarded++; // expect: race.unprotected-rmw
    }
    return 0;
}

int main(void)
{
    thrd_t t[4];
    mtx_init(&lock, mtx_plain);
    for (int i = 0; i < 4; i++)
        thrd_create(&t[i], worker, NULL);
    for (int i = 0; i < 4; i++)
        thrd_join(t[i], NULL);
    printf("%ld %ld\n", guarded, unguarded);
    mtx_destroy(&lock);
    return 0;
}
