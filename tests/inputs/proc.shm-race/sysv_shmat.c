/* A System V segment attached before the fork: shmat memory is always shared. */
#include <stdio.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

struct tally {
    int votes[4];
    int voters;
};

int main(void)
{
    int id = shmget(IPC_PRIVATE, sizeof(struct tally), IPC_CREAT | 0600);
    struct tally *t = shmat(id, NULL, 0);
    for (int i = 0; i < 5; i++) {
        switch (fork()) {
        case 0:
            t->votes[i % 4]++; // expect: proc.shm-race
            t->voters++;       // expect: proc.shm-race
            _exit(0);
        case -1:
            return 1;
        }
    }
    while (wait(NULL) > 0)
        ;
    printf("%d voters\n", t->voters);
    shmdt(t);
    shmctl(id, IPC_RMID, NULL);
    return 0;
}
