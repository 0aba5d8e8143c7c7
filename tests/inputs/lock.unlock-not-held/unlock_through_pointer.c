/* Not reported: the program locks a mutex through a pointer the analysis
 * cannot resolve (it may be either lock), so the plain unlock of `primary`
 * in the worker may well release what the pointer locked. */
#include <pthread.h>

static pthread_mutex_t primary = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t backup = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t *pick(void *arg)
{
    return arg ? &primary : &backup;
}
static int served;

static void *worker(void *arg)
{
    pthread_mutex_t *m = pick(arg);
    pthread_mutex_lock(m);
    served++;
    pthread_mutex_unlock(&primary);
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, i ? &t[i] : NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    return served;
}
