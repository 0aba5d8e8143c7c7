/* A mutex and a condition variable in an anonymous shared mapping, initialised
 * with default attributes, then used by forked children. */
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct channel {
    pthread_mutex_t lock;
    pthread_cond_t ready;
    int value;
};

int main(void)
{
    struct channel *ch =
        mmap(NULL, sizeof *ch, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pthread_mutex_init(&ch->lock, NULL); // expect: proc.mutex-not-pshared
    pthread_cond_init(&ch->ready, 0);    // expect: proc.mutex-not-pshared
    if (fork() == 0) {
        pthread_mutex_lock(&ch->lock);
        ch->value = 7;
        pthread_cond_signal(&ch->ready);
        pthread_mutex_unlock(&ch->lock);
        _exit(0);
    }
    pthread_mutex_lock(&ch->lock);
    while (ch->value == 0)
        pthread_cond_wait(&ch->ready, &ch->lock);
    pthread_mutex_unlock(&ch->lock);
    wait(NULL);
    printf("%d\n", ch->value);
    return 0;
}
