/* Each child forked by the loop counts into its own slot, chosen by the loop
 * counter (directly, or through a helper's parameter): no two children share a
 * slot. Pairs of children sharing a slot (`i / 2`) do race. */
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define N 8

struct board {
    long hits[N];
    long pairs[N / 2];
    long total;
};

static void work(struct board *b, int id)
{
    for (int k = 0; k < 10; k++)
        b->hits[id]++;
}

int main(void)
{
    struct board *b =
        mmap(NULL, sizeof *b, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < N; i++) {
        if (fork() == 0) {
            b->hits[i] += 1;
            work(b, i);
            b->pairs[i / 2]++; // expect: proc.shm-race
            _exit(0);
        }
    }
    while (wait(NULL) > 0)
        ;
    for (int i = 0; i < N; i++)
        b->total += b->hits[i];
    printf("%ld\n", b->total);
    return 0;
}
