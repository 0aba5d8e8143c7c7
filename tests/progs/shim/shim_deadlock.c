/*
 * shim_deadlock.c - wait-for cycles for the deadlock watchdog, by argv[1]:
 *
 *   ringN    N threads (2..8) each take lock i, meet at a barrier, then ask for
 *            lock (i + 1) % N: a real deadlock, the program never ends alone
 *   self     the main thread locks a default mutex twice (a cycle of one)
 *   fork     the main thread takes lock 0 and forks; the child runs ring2
 *            (its own watchdog must stop it) and the parent exits with the
 *            child's exit status
 *   stall    a thread holds a lock for 1.5 s while another waits for it, and a
 *            third waits on a condition variable meanwhile: long waits, no
 *            cycle; the program ends normally with status 0
 *
 * Prints the locks' addresses as lock<i>=<addr>.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RING 8

static pthread_mutex_t locks[MAX_RING];
static pthread_barrier_t all_hold_one;
static int ring;

static void *member(void *arg)
{
    int i = (int)(long)arg;
    pthread_mutex_lock(&locks[i]);
    pthread_barrier_wait(&all_hold_one);
    pthread_mutex_lock(&locks[(i + 1) % ring]); /* SITE:ring_wait */
    pthread_mutex_unlock(&locks[(i + 1) % ring]);
    pthread_mutex_unlock(&locks[i]);
    return NULL;
}

static pthread_mutex_t cm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int done;

static void *holder(void *arg)
{
    (void)arg;
    struct timespec d = {1, 500000000};
    pthread_mutex_lock(&locks[0]);
    pthread_barrier_wait(&all_hold_one);
    nanosleep(&d, NULL);
    pthread_mutex_unlock(&locks[0]);
    return NULL;
}

static void *waiter(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&all_hold_one);
    pthread_mutex_lock(&locks[0]);
    pthread_mutex_unlock(&locks[0]);
    pthread_mutex_lock(&cm);
    done = 1;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&cm);
    return NULL;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "ring2";
    for (int i = 0; i < MAX_RING; i++) {
        pthread_mutex_init(&locks[i], NULL);
        printf("lock%d=%p\n", i, (void *)&locks[i]);
    }
    fflush(stdout);
    if (strcmp(mode, "self") == 0) {
        pthread_mutex_lock(&locks[0]);
        pthread_mutex_lock(&locks[0]); /* SITE:self_wait */
        return 1;
    }
    if (strcmp(mode, "fork") == 0) {
        pthread_mutex_lock(&locks[7]);
        pid_t p = fork();
        if (p == 0) {
            pthread_mutex_unlock(&locks[7]);
            mode = "ring2";
        } else {
            int status = 0;
            pthread_mutex_unlock(&locks[7]);
            if (p < 0 || waitpid(p, &status, 0) != p)
                return 2;
            return WIFEXITED(status) ? WEXITSTATUS(status) : 3;
        }
    }
    if (strcmp(mode, "stall") == 0) {
        pthread_t a, b;
        pthread_barrier_init(&all_hold_one, NULL, 2);
        pthread_create(&a, NULL, holder, NULL);
        pthread_create(&b, NULL, waiter, NULL);
        pthread_mutex_lock(&cm);
        while (!done)
            pthread_cond_wait(&cv, &cm);
        pthread_mutex_unlock(&cm);
        pthread_join(a, NULL);
        pthread_join(b, NULL);
        return 0;
    }
    ring = strncmp(mode, "ring", 4) == 0 ? atoi(mode + 4) : 0;
    if (ring < 2 || ring > MAX_RING)
        return 2;
    pthread_t t[MAX_RING];
    pthread_barrier_init(&all_hold_one, NULL, (unsigned)ring);
    for (int i = 0; i < ring; i++)
        pthread_create(&t[i], NULL, member, (void *)(long)i);
    for (int i = 0; i < ring; i++)
        pthread_join(t[i], NULL);
    return 0;
}
