/* A pointer read out of shared data points to another object than the one
 * holding it: writing what it points to conflicts neither with writing the
 * pointer itself nor with the other fields of its holder. Reading the pointer
 * while another thread changes it does. */
#include <pthread.h>

struct conf {
    int *level;
    int **slot;
    int mode;
};

static int level_a, level_b, *cell = &level_a;
static struct conf conf = {&level_a, &cell, 0};

struct node {
    unsigned char bits[4];
};

struct hub {
    struct node *self;
    unsigned char pending[4];
    int epoch;
};

static struct node node_a;
static struct hub hub = {&node_a, {0}, 0};

/* Called on a part of hub and on the node hub.self points to: no one object
 * holds both, so the bits it clears are not hub's other fields. */
static void clear_bit(unsigned char *bits, int i)
{
    bits[i / 8] &= (unsigned char)~(1u << (i % 8));
}

static void *watcher(void *arg)
{
    return (void *)(long)(hub.epoch + (arg != 0));
}

static void *worker(void *arg)
{
    struct conf *c = arg;
    int *lv = c->level; // expect: race.read-write
    *lv = 3;
    int **sp = c->slot;
    int *target = *sp;
    *target = 4;
    return NULL;
}

int main(void)
{
    pthread_t t, w;
    pthread_create(&t, NULL, worker, &conf);
    pthread_create(&w, NULL, watcher, NULL);
    clear_bit(hub.pending, 1);
    clear_bit(hub.self->bits, 2);
    conf.level = &level_b;
    conf.mode = 1;
    pthread_join(t, NULL);
    pthread_join(w, NULL);
    return level_a + level_b + conf.mode;
}
