/* Children forked in a loop bump a counter in an anonymous shared mapping. */
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    long *hits =
        mmap(NULL, sizeof *hits, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (hits == MAP_FAILED)
        return 1;
    for (int i = 0; i < 4; i++) {
        if (fork() == 0) {
            for (int k = 0; k < 1000; k++)
                *hits += 1; // expect: proc.shm-race
            _exit(0);
        }
    }
    while (wait(NULL) > 0)
        ;
    printf("%ld\n", *hits);
    return 0;
}
