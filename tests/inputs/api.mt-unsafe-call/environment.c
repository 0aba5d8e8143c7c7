/* Two workers only read the environment (getenv does not conflict with getenv),
 * but a third changes it while they run. */
#include <pthread.h>
#include <stdlib.h>

static const char *seen[2];

static void *reader(void *arg)
{
    int id = (int)(long)arg;
    seen[id] = getenv("LANG"); // expect: api.mt-unsafe-call
    return NULL;
}

static void *writer(void *arg)
{
    (void)arg;
    setenv("LANG", "C", 1); // expect: api.mt-unsafe-call
    return NULL;
}

int main(void)
{
    pthread_t r[2], w;
    for (long i = 0; i < 2; i++)
        pthread_create(&r[i], NULL, reader, (void *)i);
    pthread_create(&w, NULL, writer, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(r[i], NULL);
    pthread_join(w, NULL);
    return 0;
}
