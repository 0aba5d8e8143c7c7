// model: threads
/*
 * bank_transfer.c - two tellers move money between the same two accounts in
 * opposite directions. transfer() locks the source account, then the
 * destination: teller 1 takes savings then checking, teller 2 checking then
 * savings. If both hold their first lock at the same moment, each waits
 * forever for the other's. This run is lucky (teller 2 starts a little later)
 * and finishes, but the lock order is inverted and can deadlock on another
 * day. The fix is to lock accounts in one global order (e.g. by id).
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

struct account {
    int id;
    long balance;
    pthread_mutex_t lock;
};

static struct account savings = {1, 1000, PTHREAD_MUTEX_INITIALIZER};
static struct account checking = {2, 1000, PTHREAD_MUTEX_INITIALIZER};
static pthread_barrier_t start;

static void transfer(struct account *from, struct account *to, long amount)
{
    pthread_mutex_lock(&from->lock);
    pthread_mutex_lock(&to->lock); // expect: lock.order-inversion
    if (from->balance >= amount) {
        from->balance -= amount;
        to->balance += amount;
    }
    pthread_mutex_unlock(&to->lock);
    pthread_mutex_unlock(&from->lock);
}

static void *teller_save_to_check(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&start);
    for (int i = 0; i < 100; i++)
        transfer(&savings, &checking, 10);
    return NULL;
}

static void *teller_check_to_save(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&start);
    usleep(200000); /* the lucky part: the first teller is done by now */
    for (int i = 0; i < 100; i++)
        transfer(&checking, &savings, 10);
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    pthread_barrier_init(&start, NULL, 2);
    pthread_create(&t1, NULL, teller_save_to_check, NULL);
    pthread_create(&t2, NULL, teller_check_to_save, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    pthread_barrier_destroy(&start);
    printf("savings %ld, checking %ld\n", savings.balance, checking.balance);
    return 0;
}
