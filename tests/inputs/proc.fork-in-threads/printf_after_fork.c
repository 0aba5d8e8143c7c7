/* A logger thread runs when main forks a helper; the child prints (stdio locks,
 * malloc) before its exec. */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static void *logger(void *arg)
{
    (void)arg;
    for (int i = 0; i < 5; i++)
        usleep(1000);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, logger, NULL);
    pid_t pid = fork();
    if (pid == 0) {
        printf("child %d starting ls\n", getpid()); // expect: proc.fork-in-threads
        execlp("ls", "ls", (char *)NULL);
        _exit(127);
    }
    waitpid(pid, NULL, 0);
    pthread_join(t, NULL);
    return 0;
}
