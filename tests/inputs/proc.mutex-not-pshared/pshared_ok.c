/* Every synchronisation object in the shared mapping is initialised with the
 * process-shared attribute. */
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct sync {
    pthread_mutex_t m;
    pthread_cond_t c;
    pthread_barrier_t start;
};

int main(void)
{
    struct sync *s =
        mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(&s->m, &ma);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
    pthread_cond_init(&s->c, &ca);
    pthread_barrierattr_t ba;
    pthread_barrierattr_init(&ba);
    pthread_barrierattr_setpshared(&ba, PTHREAD_PROCESS_SHARED);
    pthread_barrier_init(&s->start, &ba, 2);
    if (fork() == 0) {
        pthread_barrier_wait(&s->start);
        _exit(0);
    }
    pthread_barrier_wait(&s->start);
    wait(NULL);
    return 0;
}
