/* A worker thread of a pool forks to run a job; the child allocates, locks the
 * pool's mutex (in a helper) and calls exit(). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t jobs_lock = PTHREAD_MUTEX_INITIALIZER;
static int jobs_done;

static void note_done(void)
{
    pthread_mutex_lock(&jobs_lock); // expect: proc.fork-in-threads
    jobs_done++;
    pthread_mutex_unlock(&jobs_lock);
}

static void *worker(void *arg)
{
    const char *cmd = arg;
    pid_t pid = fork();
    if (pid == 0) {
        note_done();
        char *copy = strdup(cmd);
        execl("/bin/sh", "sh", "-c", copy, (char *)NULL);
        exit(127);
    }
    waitpid(pid, NULL, 0);
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, "true");
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    return 0;
}
