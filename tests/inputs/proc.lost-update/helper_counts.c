/* Workers forked in a loop count into a global through a helper; the parent
 * prints the global after reaping them: it still holds the parent's 0. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static long processed;

static void handle(int job)
{
    if (job % 3 != 0)
        processed++; // expect: proc.lost-update
}

static void child_main(int id)
{
    for (int job = id; job < 100; job += 4)
        handle(job);
}

int main(void)
{
    for (int i = 0; i < 4; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            child_main(i);
            _exit(0);
        }
    }
    for (int i = 0; i < 4; i++)
        wait(NULL);
    printf("%ld jobs\n", processed);
    return 0;
}
