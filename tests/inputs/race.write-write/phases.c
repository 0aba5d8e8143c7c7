/* Each phase's thread is joined before the next one starts, and main writes the
 * mode only between the phases: no two writes overlap. */
#include <pthread.h>
#include <stdio.h>

static int mode;
static int rows;

static void *load(void *arg)
{
    (void)arg;
    rows = 100;
    return NULL;
}

static void *trim(void *arg)
{
    (void)arg;
    rows = 50;
    return NULL;
}

int main(void)
{
    pthread_t t;
    mode = 1;
    pthread_create(&t, NULL, load, NULL);
    pthread_join(t, NULL);
    mode = 2;
    pthread_create(&t, NULL, trim, NULL);
    pthread_join(t, NULL);
    mode = 3;
    printf("%d %d\n", mode, rows);
    return 0;
}
