/* vfork: the child runs in the parent's memory until it execs or exits, and
 * the parent is suspended meanwhile; what the child stores (here the failed
 * exec's errno) is what the parent reads. Undefined by POSIX beyond the pid,
 * but not an update the parent misses. */
#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static int exec_errno;

int main(void)
{
    pid_t pid = vfork();
    if (pid == 0) {
        execl("/nonexistent", "nonexistent", (char *)NULL);
        exec_errno = errno;
        _exit(127);
    }
    waitpid(pid, NULL, 0);
    printf("exec failed: %d\n", exec_errno);
    return 0;
}
