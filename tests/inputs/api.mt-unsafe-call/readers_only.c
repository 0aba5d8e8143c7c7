/* The twin of environment.c without the writer: concurrent getenv calls only
 * read the environment. */
#include <pthread.h>
#include <stdlib.h>

static const char *seen[2];

static void *reader(void *arg)
{
    int id = (int)(long)arg;
    seen[id] = getenv("LANG");
    return NULL;
}

int main(void)
{
    pthread_t r[2];
    for (long i = 0; i < 2; i++)
        pthread_create(&r[i], NULL, reader, (void *)i);
    for (int i = 0; i < 2; i++)
        pthread_join(r[i], NULL);
    return 0;
}
