/* A logger thread formats times with localtime while main formats with gmtime:
 * both return the same static struct tm. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static void *logger(void *arg)
{
    (void)arg;
    time_t now = time(NULL);
    struct tm *tm = localtime(&now); // expect: api.mt-unsafe-call
    printf("%d:%d\n", tm->tm_hour, tm->tm_min);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, logger, NULL);
    time_t now = time(NULL);
    struct tm *utc = gmtime(&now); // expect: api.mt-unsafe-call
    printf("%d\n", utc->tm_hour);
    pthread_join(t, NULL);
    return 0;
}
