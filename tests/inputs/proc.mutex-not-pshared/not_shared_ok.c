/* Default mutexes that no other process can reach: one in a MAP_PRIVATE
 * mapping, one in ordinary memory, one in an anonymous shared mapping of a
 * program that never forks. */
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>

struct box {
    pthread_mutex_t lock;
    int n;
};

static struct box global_box;

int main(void)
{
    struct box *priv =
        mmap(NULL, sizeof *priv, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    struct box *anon =
        mmap(NULL, sizeof *anon, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    struct box *heap = malloc(sizeof *heap);
    pthread_mutex_init(&priv->lock, NULL);
    pthread_mutex_init(&anon->lock, NULL);
    pthread_mutex_init(&heap->lock, NULL);
    pthread_mutex_init(&global_box.lock, NULL);
    free(heap);
    return 0;
}
