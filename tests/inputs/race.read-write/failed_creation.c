/* On the branch where pthread_create failed there is no thread: freeing or
 * resetting the argument there (directly or in a helper) races with nothing.
 * After a creation that succeeded, the same writes race with the thread. */
#include <pthread.h>
#include <stdlib.h>

struct job {
    int n;
    int done;
};

static void *work(void *p)
{
    struct job *j = p;
    j->done = j->n; // expect: race.read-write
    return NULL;
}

static void discard(struct job *j)
{
    j->n = 0;
}

static int start(void)
{
    pthread_t t;
    struct job *j = malloc(sizeof *j);
    if (!j)
        return -1;
    j->n = 3;
    int rc = pthread_create(&t, NULL, work, j);
    if (rc != 0) {
        discard(j);
        free(j);
        return -1;
    }
    j->n = 4;
    pthread_join(t, NULL);
    free(j);
    return 0;
}

int main(void)
{
    return start() ? 1 : 0;
}
