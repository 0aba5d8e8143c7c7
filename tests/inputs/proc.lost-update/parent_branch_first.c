/* if (pid > 0) { parent } else { child }, and `if (!fork())`: the child branch
 * is the else-branch of the first and the then-branch of the second. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static int ready;
static double *results;
static double scratch[8];

int main(void)
{
    results = scratch;
    pid_t pid = fork();
    if (pid > 0) {
        waitpid(pid, NULL, 0);
        printf("ready=%d\n", ready);
    } else if (pid == 0) {
        ready = 1; // expect: proc.lost-update
        _exit(0);
    }
    if (!fork()) {
        results[2] = 3.5; // expect: proc.lost-update
        _exit(0);
    }
    wait(NULL);
    printf("%f\n", results[2]);
    return 0;
}
