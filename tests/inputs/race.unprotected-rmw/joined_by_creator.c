/* work() starts a helper thread and joins it before returning; main calls it in
 * a loop. One helper runs at a time, and work()'s own accesses before the
 * creation and after the join do not overlap it. */
#include <pthread.h>
#include <stdio.h>

static long total;

static void *helper(void *arg)
{
    (void)arg;
    total = total + 1;
    return NULL;
}

static void work(int round)
{
    pthread_t t;
    total = round;
    pthread_create(&t, NULL, helper, NULL);
    pthread_join(t, NULL);
    printf("%ld\n", total);
    total += 10;
}

int main(void)
{
    for (int i = 0; i < 3; i++)
        work(i);
    return 0;
}
