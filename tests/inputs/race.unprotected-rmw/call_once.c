/* C11 call_once: the routine fills the greeting once; every thread reads it after
 * call_once returns. The hit counter, though, is updated by all threads without
 * a lock. */
#include <stdio.h>
#include <threads.h>

static once_flag greeting_once = ONCE_FLAG_INIT;
static char greeting[32];
static int hits;

static void make_greeting(void)
{
    snprintf(greeting, sizeof greeting, "hello");
}

static int worker(void *arg)
{
    (void)arg;
    call_once(&greeting_once, make_greeting);
    hits++; // expect: race.unprotected-rmw
    return greeting[0];
}

int main(void)
{
    thrd_t t[3];
    for (int i = 0; i < 3; i++)
        thrd_create(&t[i], worker, NULL);
    for (int i = 0; i < 3; i++)
        thrd_join(t[i], NULL);
    printf("%s %d\n", greeting, hits);
    return 0;
}
