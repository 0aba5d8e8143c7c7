/*
 * shim_sync.c - the synchronisation calls beyond locks, by argv[1]:
 *
 *   (none)   a semaphore signalled by a worker (init 0), a failed trywait, a
 *            timed wait that times out, a barrier of 2, pthread_once from 3
 *            threads, a thread cancelled while blocked in sem_wait, and
 *            mutexes initialised as normal, recursive, error-checking and
 *            process-shared; exits 0
 *   signal   a helper thread interrupts the main thread 200 times with
 *            SIGUSR1 while it locks and unlocks in a loop; the handler calls
 *            sem_post and the main thread takes each unit with sem_trywait
 *
 * Prints the objects' addresses as name=<addr>.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* as the build defines it: standalone compiles need it too */
#endif
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static sem_t ready, never;
static pthread_barrier_t meet;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t plain, recursive, checking, shared, m = PTHREAD_MUTEX_INITIALIZER;
static int once_runs;

static void init_once(void)
{
    pthread_mutex_lock(&m); /* SITE:once_lock */
    once_runs++;
    pthread_mutex_unlock(&m);
}

static void *poster(void *arg)
{
    (void)arg;
    pthread_once(&once, init_once);
    pthread_barrier_wait(&meet);
    sem_post(&ready); /* SITE:post */
    return NULL;
}

static void *onlooker(void *arg)
{
    (void)arg;
    pthread_once(&once, init_once);
    return NULL;
}

static void *sleeper(void *arg)
{
    (void)arg;
    sem_wait(&never); /* cancelled here */
    return NULL;
}

static void init_mutex(pthread_mutex_t *mu, int type, int pshared)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, type);
    pthread_mutexattr_setpshared(&a, pshared);
    pthread_mutex_init(mu, &a);
    pthread_mutexattr_destroy(&a);
}

static sem_t units;
static volatile sig_atomic_t taken;
static pthread_t main_thread;

static void on_usr1(int sig)
{
    (void)sig;
    int saved = errno;
    sem_post(&units);
    errno = saved;
}

static void *interrupter(void *arg)
{
    (void)arg;
    for (int i = 0; i < 200; i++) {
        pthread_kill(main_thread, SIGUSR1);
        while (taken <= i) {
            struct timespec d = {0, 20000};
            nanosleep(&d, NULL);
        }
    }
    return NULL;
}

static int signal_mode(void)
{
    sem_init(&units, 0, 0);
    printf("units=%p\n", (void *)&units);
    fflush(stdout);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    main_thread = pthread_self();
    pthread_t t;
    pthread_create(&t, NULL, interrupter, NULL);
    while (taken < 200) {
        while (sem_trywait(&units) != 0) {
            pthread_mutex_lock(&m);
            pthread_mutex_unlock(&m);
        }
        taken++;
    }
    pthread_join(t, NULL);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "signal") == 0)
        return signal_mode();
    printf("ready=%p\nnever=%p\nmeet=%p\nonce=%p\n", (void *)&ready, (void *)&never, (void *)&meet,
           (void *)&once);
    printf("plain=%p\nrecursive=%p\nchecking=%p\nshared=%p\n", (void *)&plain, (void *)&recursive,
           (void *)&checking, (void *)&shared);
    fflush(stdout);
    init_mutex(&plain, PTHREAD_MUTEX_NORMAL, PTHREAD_PROCESS_PRIVATE);
    init_mutex(&recursive, PTHREAD_MUTEX_RECURSIVE, PTHREAD_PROCESS_PRIVATE);
    init_mutex(&checking, PTHREAD_MUTEX_ERRORCHECK, PTHREAD_PROCESS_PRIVATE);
    init_mutex(&shared, PTHREAD_MUTEX_NORMAL, PTHREAD_PROCESS_SHARED);
    pthread_mutex_lock(&recursive);
    pthread_mutex_lock(&recursive);
    pthread_mutex_unlock(&recursive);
    pthread_mutex_unlock(&recursive);

    sem_init(&ready, 0, 0);
    sem_init(&never, 0, 0);
    pthread_barrier_init(&meet, NULL, 2);
    if (sem_trywait(&ready) == 0 || errno != EAGAIN)
        return 3;
    struct timespec soon;
    clock_gettime(CLOCK_REALTIME, &soon);
    soon.tv_nsec += 1000000;
    if (soon.tv_nsec >= 1000000000) {
        soon.tv_sec++;
        soon.tv_nsec -= 1000000000;
    }
    if (sem_timedwait(&ready, &soon) == 0 || errno != ETIMEDOUT)
        return 4;

    pthread_t p, o1, o2, s;
    pthread_create(&o1, NULL, onlooker, NULL);
    pthread_create(&p, NULL, poster, NULL);
    pthread_create(&o2, NULL, onlooker, NULL);
    pthread_barrier_wait(&meet);
    sem_wait(&ready); /* SITE:wait */
    pthread_create(&s, NULL, sleeper, NULL);
    struct timespec d = {0, 20000000};
    nanosleep(&d, NULL);
    pthread_cancel(s);
    void *res;
    pthread_join(s, &res);
    pthread_join(p, NULL);
    pthread_join(o1, NULL);
    pthread_join(o2, NULL);
    pthread_mutex_destroy(&plain);
    pthread_mutex_destroy(&recursive);
    pthread_mutex_destroy(&checking);
    pthread_mutex_destroy(&shared);
    return res == PTHREAD_CANCELED && once_runs == 1 ? 0 : 5;
}
