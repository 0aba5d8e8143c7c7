/* main holds a start gate while it starts the workers and fills the tables
 * (one with the help of a thread it joins before opening the gate); each
 * worker passes the gate (locks and unlocks it) before reading: its reads come
 * after main let the gate go, so after main's writes and the helper's. What
 * main writes after opening the gate, and what a thread reads without passing
 * it, race. A dispatcher that passes the gate and then starts a reader starts
 * it after main's writes; one that starts its reader first does not. A worker
 * whose lock of the gate failed has not passed it. */
#include <pthread.h>

#define NWORKERS 4
#define NSLOTS 16

static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
static int table[NSLOTS], squares[NSLOTS];
static long generation;

static void *worker(void *arg)
{
    pthread_mutex_lock(&gate);
    pthread_mutex_unlock(&gate);
    long sum = 0;
    for (int i = 0; i < NSLOTS; i++)
        sum += table[i] + squares[i];
    return (void *)(sum + generation); // expect: race.read-write
}

static void *filler(void *arg)
{
    for (int i = 0; i < NSLOTS; i++)
        squares[i] = i * i;
    return arg;
}

static void *reader(void *arg)
{
    return (void *)(long)table[NSLOTS - 1] + (long)arg;
}

static void *early_reader(void *arg)
{
    return (void *)(long)squares[1] + (long)arg; // expect: race.read-write
}

static void *dispatcher(void *arg)
{
    pthread_t r, e;
    pthread_create(&e, NULL, early_reader, arg);
    pthread_mutex_lock(&gate);
    pthread_mutex_unlock(&gate);
    pthread_create(&r, NULL, reader, arg);
    pthread_join(r, NULL);
    pthread_join(e, NULL);
    return arg;
}

static void *careful_worker(void *arg)
{
    if (pthread_mutex_lock(&gate) != 0)
        return (void *)(long)squares[2]; // expect: race.read-write
    pthread_mutex_unlock(&gate);
    return (void *)(long)squares[3];
}

static void *peeker(void *arg)
{
    return (void *)(long)table[0] + (long)arg; // expect: race.read-write
}

int main(void)
{
    pthread_t t[NWORKERS], p, h, d, c;
    pthread_mutex_lock(&gate);
    for (int i = 0; i < NWORKERS; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    pthread_create(&p, NULL, peeker, NULL);
    pthread_create(&d, NULL, dispatcher, NULL);
    pthread_create(&c, NULL, careful_worker, NULL);
    for (int i = 0; i < NSLOTS; i++)
        table[i] = i;
    pthread_create(&h, NULL, filler, NULL);
    pthread_join(h, NULL);
    pthread_mutex_unlock(&gate);
    generation = 1;
    for (int i = 0; i < NWORKERS; i++)
        pthread_join(t[i], NULL);
    pthread_join(p, NULL);
    pthread_join(d, NULL);
    pthread_join(c, NULL);
    return 0;
}
