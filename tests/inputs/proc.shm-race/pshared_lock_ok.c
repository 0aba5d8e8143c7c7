/* The same kind of counters under a process-shared mutex that lives in the
 * mapping: every update holds it. */
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct shared {
    pthread_mutex_t lock;
    long count;
};

static void bump(struct shared *s)
{
    pthread_mutex_lock(&s->lock);
    s->count++;
    pthread_mutex_unlock(&s->lock);
}

int main(void)
{
    struct shared *s =
        mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(&s->lock, &a);
    for (int i = 0; i < 4; i++)
        if (fork() == 0) {
            for (int k = 0; k < 100; k++)
                bump(s);
            _exit(0);
        }
    pthread_mutex_lock(&s->lock);
    s->count += 1000;
    pthread_mutex_unlock(&s->lock);
    while (wait(NULL) > 0)
        ;
    printf("%ld\n", s->count);
    return 0;
}
