/* One child at a time (waitpid in the same iteration), and a MAP_PRIVATE
 * mapping (copy-on-write: each process has its own): no two processes update
 * shared memory at once. */
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    long *shared = mmap(NULL, 64, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    long *priv = mmap(NULL, 64, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < 4; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            shared[0]++;
            _exit(0);
        }
        waitpid(pid, NULL, 0);
    }
    for (int i = 0; i < 4; i++)
        if (fork() == 0) {
            priv[0]++;
            _exit(0);
        }
    while (wait(NULL) > 0)
        ;
    printf("%ld %ld\n", shared[0], priv[0]);
    return 0;
}
