/* Fields and elements of shared globals are shared too; distinct fields are
 * distinct locations. */
#include <pthread.h>
#include <stdio.h>

struct stats {
    pthread_mutex_t lock;
    long requests;
    long failures;
};

static struct stats st = {PTHREAD_MUTEX_INITIALIZER, 0, 0};
static int histogram[16];

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++) {
        pthread_mutex_lock(&st.lock);
        st.requests++;
        pthread_mutex_unlock(&st.lock);
        st.failures++;          // expect: race.unprotected-rmw
        histogram[i % 16] += 1; // expect: race.unprotected-rmw
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
    printf("%ld %ld %d\n", st.requests, st.failures, histogram[0]);
    return 0;
}
