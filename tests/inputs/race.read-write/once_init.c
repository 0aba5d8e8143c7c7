/* Lazy initialisation: every worker (and main) calls pthread_once before using
 * the table. The routine runs once, in whichever thread comes first, and has
 * finished when pthread_once returns in any of them: no race. */
#include <pthread.h>
#include <stdio.h>

static pthread_once_t table_once = PTHREAD_ONCE_INIT;
static int table[16];
static int table_size;

static void init_table(void)
{
    for (int i = 0; i < 16; i++)
        table[i] = i * i;
    table_size = 16;
}

static void *worker(void *arg)
{
    long k = (long)arg;
    pthread_once(&table_once, init_table);
    return (void *)(long)(k < table_size ? table[k] : -1);
}

int main(void)
{
    pthread_t t[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    pthread_once(&table_once, init_table);
    printf("%d\n", table[table_size - 1]);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    return 0;
}
