/* The threads are joined before the fork: the process is single-threaded when
 * it forks, and the child may use stdio. The child's updates of a global the
 * threads used are in its own copy: no race with them. */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static long loaded;
static pthread_mutex_t loaded_lock = PTHREAD_MUTEX_INITIALIZER;

static void *loader(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&loaded_lock);
    loaded += 10;
    pthread_mutex_unlock(&loaded_lock);
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, loader, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    pid_t pid = fork();
    if (pid == 0) {
        loaded = 0;
        printf("child sees a fresh count\n");
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    return 0;
}
