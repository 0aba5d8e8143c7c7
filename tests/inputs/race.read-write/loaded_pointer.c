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
    pthread_t t;
    pthread_create(&t, NULL, worker, &conf);
    conf.level = &level_b;
    conf.mode = 1;
    pthread_join(t, NULL);
    return level_a + level_b + conf.mode;
}
