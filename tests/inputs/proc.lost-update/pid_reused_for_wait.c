/* The variable that held the fork's result is reused for waitpid's: after that,
 * `pid == 0` means "no child has exited yet", and the branch is the parent's. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static int polls;
static int exited;

int main(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        usleep(1000);
        _exit(0);
    }
    for (;;) {
        int status;
        pid = waitpid(-1, &status, WNOHANG);
        if (pid == 0) {
            polls++;
            usleep(100);
            continue;
        }
        exited = pid > 0;
        break;
    }
    wait(NULL);
    printf("%d polls, exited %d\n", polls, exited);
    return 0;
}
