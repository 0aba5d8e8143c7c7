/* Threads run when main forks, but the child only calls async-signal-safe
 * functions (dup2, close, execve) before exec, and _exit if it fails; what a
 * helper does after its own exec only runs when that exec failed. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void *spinner(void *arg)
{
    (void)arg;
    usleep(1000);
    return NULL;
}

static void run(char *const argv[], int out)
{
    dup2(out, 1);
    close(out);
    execve(argv[0], argv, environ);
    perror("execve");
    _exit(127);
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, spinner, NULL);
    int fd = open("/dev/null", O_WRONLY);
    char *argv[] = {"/bin/true", NULL};
    pid_t pid = fork();
    if (pid == 0)
        run(argv, fd);
    pid_t pid2 = fork();
    if (pid2 == 0) {
        execv(argv[0], argv);
        _exit(127);
    }
    waitpid(pid, NULL, 0);
    waitpid(pid2, NULL, 0);
    pthread_join(t, NULL);
    return 0;
}
