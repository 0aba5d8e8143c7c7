/* The twin of strtok_workers.c with strtok_r: each thread keeps its own
 * position. */
#include <pthread.h>
#include <string.h>

static char lines[4][64];
static int words[4];

static void *worker(void *arg)
{
    int id = (int)(long)arg;
    char *save = NULL;
    for (char *t = strtok_r(lines[id], " ", &save); t; t = strtok_r(NULL, " ", &save))
        words[id]++;
    return NULL;
}

int main(void)
{
    pthread_t t[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    return 0;
}
