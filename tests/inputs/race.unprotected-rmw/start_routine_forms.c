/* Start routines given as &f, through a cast, and through a local function pointer. */
#include <pthread.h>
#include <stdio.h>

static int a_count, b_count, c_count;

static void *count_a(void *arg)
{
    a_count++; // expect: race.unprotected-rmw
    return arg;
}

static void *count_b(void *arg)
{
    b_count++; // expect: race.unprotected-rmw
    return arg;
}

static void *count_c(void *arg)
{
    c_count += 1; // expect: race.unprotected-rmw
    return arg;
}

int main(void)
{
    pthread_t t[6];
    void *(*routine)(void *) = count_c;
    for (int i = 0; i < 2; i++) {
        pthread_create(&t[i], NULL, &count_a, NULL);
        pthread_create(&t[2 + i], NULL, (void *(*)(void *))count_b, NULL);
        pthread_create(&t[4 + i], NULL, routine, NULL);
    }
    for (int i = 0; i < 6; i++)
        pthread_join(t[i], NULL);
    printf("%d %d %d\n", a_count, b_count, c_count);
    return 0;
}
