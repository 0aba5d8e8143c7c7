/* main reads the environment and formats the time before it starts the worker
 * and after it joined it; the worker alone calls localtime. Nothing else uses
 * that state while it runs. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static const char *home;

static void *worker(void *arg)
{
    (void)arg;
    time_t now = time(NULL);
    struct tm *tm = localtime(&now);
    printf("%s %d\n", home, tm->tm_hour);
    return NULL;
}

int main(void)
{
    home = getenv("HOME");
    setenv("TZ", "UTC", 1);
    time_t now = time(NULL);
    printf("%d\n", gmtime(&now)->tm_hour);
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    printf("%s\n", getenv("TZ"));
    return 0;
}
