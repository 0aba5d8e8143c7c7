/* Shared counters updated atomically: an _Atomic field with ++, and a GCC
 * builtin on a plain field. */
#include <stdatomic.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct counters {
    _Atomic long requests;
    long errors;
};

int main(void)
{
    struct counters *c =
        mmap(NULL, sizeof *c, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < 4; i++)
        if (fork() == 0) {
            c->requests++;
            __atomic_fetch_add(&c->errors, 1, __ATOMIC_RELAXED);
            _exit(0);
        }
    while (wait(NULL) > 0)
        ;
    printf("%ld %ld\n", (long)c->requests, c->errors);
    return 0;
}
