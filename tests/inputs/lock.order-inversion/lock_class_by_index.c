/* Workers move values between two accounts chosen from their argument: which
 * lock is outer depends on data, so the nesting of the class 'acct::lock' may
 * be inverted between two workers. */
#include <pthread.h>

struct acct {
    pthread_mutex_t lock;
    long balance;
};

static struct acct accts[4];

static void move(struct acct *from, struct acct *to)
{
    pthread_mutex_lock(&from->lock);
    pthread_mutex_lock(&to->lock); // expect: lock.order-inversion
    from->balance--;
    to->balance++;
    pthread_mutex_unlock(&to->lock);
    pthread_mutex_unlock(&from->lock);
}

static void *worker(void *arg)
{
    int id = (int)(long)arg;
    move(&accts[id], &accts[(id + 1) % 4]);
    return NULL;
}

int main(void)
{
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_mutex_init(&accts[i].lock, NULL);
    for (long i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    return 0;
}
