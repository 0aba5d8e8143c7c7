/* A page mapped just for a mutex shared by the workers, and a counter mapped
 * next to it. The mutex gets default attributes; the counter's updates all hold
 * it (so the only defect is the attribute). */
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    pthread_mutex_t *m =
        mmap(NULL, sizeof *m, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    long *count =
        mmap(NULL, sizeof *count, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pthread_mutex_init(m, NULL); // expect: proc.mutex-not-pshared
    for (int i = 0; i < 3; i++)
        if (fork() == 0) {
            pthread_mutex_lock(m);
            (*count)++;
            pthread_mutex_unlock(m);
            _exit(0);
        }
    pthread_mutex_lock(m);
    *count += 100;
    pthread_mutex_unlock(m);
    while (wait(NULL) > 0)
        ;
    printf("%ld\n", *count);
    return 0;
}
