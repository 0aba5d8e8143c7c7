/* A spawn helper whose parent side returns at once: what follows the early
 * return is the child's. The parent reads the status after waitpid. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static int last_status;

static int run_job(int job)
{
    return job * 2 % 7;
}

static pid_t spawn(int job)
{
    pid_t pid = fork();
    if (pid != 0) /* the parent, or -1 */
        return pid;
    last_status = run_job(job); // expect: proc.lost-update
    _exit(last_status);
}

int main(void)
{
    pid_t pids[3];
    for (int i = 0; i < 3; i++)
        pids[i] = spawn(i);
    for (int i = 0; i < 3; i++) {
        int st;
        if (pids[i] > 0 && waitpid(pids[i], &st, 0) == pids[i])
            printf("job %d: %d (last %d)\n", i, WEXITSTATUS(st), last_status);
    }
    return 0;
}
