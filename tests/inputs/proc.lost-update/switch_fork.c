/* switch (fork()): the child's case sets a status the parent inspects after
 * waitpid. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

struct result {
    int code;
    char msg[64];
};

static struct result last;

int main(void)
{
    pid_t pid;
    switch (pid = fork()) {
    case -1:
        perror("fork");
        return 1;
    case 0:
        last.code = 42; // expect: proc.lost-update
        _exit(0);
    default:
        break;
    }
    waitpid(pid, NULL, 0);
    printf("child said %d\n", last.code);
    return 0;
}
