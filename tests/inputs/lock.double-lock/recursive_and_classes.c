/* Not reported: a mutex initialised with attributes (here recursive, so
 * re-entry is intended), and struct-field locks of two different accounts
 * (one lock class to the analysis). A lock taken on one path only is not held
 * on every path to the second acquisition. */
#include <pthread.h>

struct account {
    pthread_mutex_t lock;
    long balance;
};

static pthread_mutex_t tree_lock;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static struct account acct[2] = {{PTHREAD_MUTEX_INITIALIZER, 10}, {PTHREAD_MUTEX_INITIALIZER, 0}};
static int nodes, stats;

static void visit(int depth)
{
    pthread_mutex_lock(&tree_lock);
    nodes++;
    if (depth > 0)
        visit(depth - 1);
    pthread_mutex_unlock(&tree_lock);
}

static void move(struct account *from, struct account *to)
{
    pthread_mutex_lock(&from->lock);
    pthread_mutex_lock(&to->lock);
    from->balance--;
    to->balance++;
    pthread_mutex_unlock(&to->lock);
    pthread_mutex_unlock(&from->lock);
}

static void *worker(void *arg)
{
    int quick = arg != NULL;
    visit(3);
    move(&acct[0], &acct[1]);
    if (!quick)
        pthread_mutex_lock(&stats_lock);
    if (quick)
        pthread_mutex_lock(&stats_lock);
    stats++;
    pthread_mutex_unlock(&stats_lock);
    return NULL;
}

int main(void)
{
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&tree_lock, &attr);
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    return nodes;
}
