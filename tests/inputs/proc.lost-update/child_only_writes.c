/* The child changes globals for its own use (its log name, a flag its signal
 * handling reads); the parent never reads them after waiting: nothing expects
 * the child's values to come back. A read before the fork is not after a wait
 * either. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char log_name[64] = "parent";
static int in_child;

static void child_work(void)
{
    in_child = 1;
    strcpy(log_name, "child");
    if (write(1, log_name, strlen(log_name)) < 0)
        _exit(1);
}

int main(void)
{
    printf("%s starting\n", log_name);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        child_work();
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    puts("done");
    return 0;
}
