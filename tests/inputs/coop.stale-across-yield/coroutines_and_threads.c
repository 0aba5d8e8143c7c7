/* Coroutines scheduled by main with swapcontext, and two helper threads. The
 * coroutines run on main's thread, one at a time: their updates of the queue
 * counters are no race. The preload thread is joined before the scheduler
 * starts switching: no race with it either. The reporter thread runs while the
 * coroutines do and resets a counter they update: a thread race. */
#include <pthread.h>
#include <ucontext.h>

static ucontext_t sched_ctx, task_ctx[2];
static char stacks[2][32768];
static int current;
static int queued, done;
static long jobs_done;

static void task_body(void)
{
    while (queued > 0) {
        queued = queued - 1;
        done = done + 1;
        jobs_done = jobs_done + 1; // expect: race.unprotected-rmw
        swapcontext(&task_ctx[current], &sched_ctx);
    }
}

static void *preload(void *arg)
{
    queued = queued + 10;
    return arg;
}

static void *reporter(void *arg)
{
    jobs_done = 0; /* start a new reporting period */
    return arg;
}

static void run_all(void)
{
    for (int round = 0; round < 12; round++) {
        current = round % 2;
        swapcontext(&sched_ctx, &task_ctx[current]);
    }
}

static void task_init(int i)
{
    getcontext(&task_ctx[i]);
    task_ctx[i].uc_stack.ss_sp = stacks[i];
    task_ctx[i].uc_stack.ss_size = sizeof stacks[i];
    task_ctx[i].uc_link = &sched_ctx;
    makecontext(&task_ctx[i], task_body, 0);
}

int main(void)
{
    pthread_t p, r;
    task_init(0);
    task_init(1);
    pthread_create(&p, NULL, preload, NULL);
    pthread_join(p, NULL);
    pthread_create(&r, NULL, reporter, NULL);
    run_all();
    pthread_join(r, NULL);
    return done + queued;
}
