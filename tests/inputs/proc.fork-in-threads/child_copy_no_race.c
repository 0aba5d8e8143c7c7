/* Threads update a global under a lock while the main thread forks a child that
 * resets its own copy without the lock and exits with only async-signal-safe
 * calls: the child shares no memory with the threads, so this is no race (and
 * the parent never reads the counter after waiting for the child). */
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

static long hits;
static pthread_mutex_t hits_lock = PTHREAD_MUTEX_INITIALIZER;

static void *counter(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&hits_lock);
        hits++;
        pthread_mutex_unlock(&hits_lock);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, counter, NULL);
    pid_t pid = fork();
    if (pid == 0) {
        hits = hits + 1;
        _exit((int)(hits & 0x7f));
    }
    waitpid(pid, NULL, 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    return 0;
}
