/* The child and the parent both store a status word in the shared page before
 * the parent waits: which store survives depends on timing. The parent's later
 * store, after waitpid, is alone. */
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct control {
    int phase;
    char note[32];
};

int main(void)
{
    struct control *c =
        mmap(NULL, sizeof *c, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pid_t pid = fork();
    if (pid == 0) {
        c->phase = 1; // expect: proc.shm-race
        _exit(0);
    }
    c->phase = 2; // expect: proc.shm-race
    waitpid(pid, NULL, 0);
    c->phase = 3;
    printf("%d\n", c->phase);
    return 0;
}
