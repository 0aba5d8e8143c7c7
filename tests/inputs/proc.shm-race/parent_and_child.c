/* One child and the parent update the same shared counters before the parent
 * waits; after the wait the parent's update is alone. */
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct meter {
    long bytes;
    long packets;
};

static struct meter *m;

static void account(long n)
{
    m->bytes = m->bytes + n; // expect: proc.shm-race
}

int main(void)
{
    m = mmap(NULL, sizeof *m, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 0; i < 100; i++)
            account(1500);
        _exit(0);
    }
    for (int i = 0; i < 100; i++)
        m->bytes += 64; // expect: proc.shm-race
    waitpid(pid, NULL, 0);
    m->packets++;
    printf("%ld %ld\n", m->bytes, m->packets);
    return 0;
}
