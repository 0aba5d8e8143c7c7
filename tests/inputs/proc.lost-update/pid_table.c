/* The fork results kept in a table (`pids[i] = fork()`, `w->pid = fork()`), the
 * test on the element; the parent sums the "results" after reaping everyone. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#define N 4

struct worker {
    pid_t pid;
    int id;
};

static long results[N];
static int crashed;

static void run(struct worker *w)
{
    w->pid = fork();
    if (w->pid == 0) {
        crashed = 0; // expect: proc.lost-update
        _exit(0);
    }
}

int main(void)
{
    pid_t pids[N];
    struct worker ws[N];
    for (int i = 0; i < N; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            results[i] = (long)i * i; // expect: proc.lost-update
            _exit(0);
        }
        ws[i].id = i;
        run(&ws[i]);
    }
    for (int i = 0; i < N; i++) {
        waitpid(pids[i], NULL, 0);
        waitpid(ws[i].pid, NULL, 0);
    }
    long sum = 0;
    for (int i = 0; i < N; i++)
        sum += results[i];
    printf("%ld %d\n", sum, crashed);
    return 0;
}
