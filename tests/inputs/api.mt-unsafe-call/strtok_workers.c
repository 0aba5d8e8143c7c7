/* Several workers split lines with strtok: its saved position is one for the
 * whole process, so each thread continues another thread's string. */
#include <pthread.h>
#include <string.h>

static char lines[4][64];
static int words[4];

static void *worker(void *arg)
{
    int id = (int)(long)arg;
    for (char *t = strtok(lines[id], " "); t; t = strtok(NULL, " ")) // expect: api.mt-unsafe-call
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
