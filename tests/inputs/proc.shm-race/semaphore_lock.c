/* A process-shared semaphore of value 1 used as a lock around the shared
 * ledger: every update holds it (in the worker, and through a helper the
 * parent calls with it held). One update forgets it. */
#include <semaphore.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct ledger {
    sem_t mutex;
    long entries;
    long amount;
};

static void add_entry(struct ledger *l, long amount)
{
    l->entries++;
    l->amount += amount;
}

int main(void)
{
    struct ledger *l =
        mmap(NULL, sizeof *l, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (l == MAP_FAILED || sem_init(&l->mutex, 1, 1) != 0)
        return 1;
    for (int i = 0; i < 3; i++) {
        if (fork() == 0) {
            for (int k = 0; k < 100; k++) {
                sem_wait(&l->mutex);
                l->amount -= k;
                sem_post(&l->mutex);
            }
            l->entries += 100; // expect: proc.shm-race
            _exit(0);
        }
    }
    sem_wait(&l->mutex);
    add_entry(l, 5000);
    sem_post(&l->mutex);
    while (wait(NULL) > 0)
        ;
    printf("%ld entries, %ld\n", l->entries, l->amount);
    sem_destroy(&l->mutex);
    return 0;
}
