/* The fork hides in a helper that retries on EAGAIN and returns its result; the
 * caller tests the result. The child's tally stays in the child. */
#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static int tally;

static pid_t fork_retry(void)
{
    pid_t pid;
    for (int tries = 0; tries < 3; tries++) {
        pid = fork();
        if (pid >= 0 || errno != EAGAIN)
            break;
        usleep(1000);
    }
    return pid;
}

int main(void)
{
    pid_t pid = fork_retry();
    if (pid == 0) {
        tally += 3; // expect: proc.lost-update
        _exit(0);
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
    printf("tally %d\n", tally);
    return 0;
}
