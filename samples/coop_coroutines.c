/*
 * coop_coroutines.c - a producer / consumer pipeline of coroutines on
 * ucontext: a round-robin scheduler switches between tasks with swapcontext,
 * and a task runs until it yields (the queue is full or empty, or it has done
 * a slice of work).
 *
 * The tasks share a bounded queue and a few counters. Between two yields a
 * task runs alone, so `queue.count = queue.count + 1` cannot lose an update,
 * and a task that waits re-reads the queue after every yield
 * (`while (queue.count == 0) task_yield();`). Correct: nothing is reported.
 */
// model: cooperative
#include <stdio.h>
#include <stdlib.h>
#include <ucontext.h>

#define STACK_SIZE (64 * 1024)
#define MAX_TASKS 4
#define QUEUE_CAP 8
#define ITEMS 200

struct task {
    ucontext_t ctx;
    void (*body)(int id);
    int id;
    int done;
    char *stack;
};

static ucontext_t scheduler_ctx;
static struct task tasks[MAX_TASKS];
static int ntasks;
static struct task *current;

static struct {
    int items[QUEUE_CAP];
    int head, count;
} queue;

static long consumed_sum;
static int produced, consumed;

/* Gives the other tasks a turn; returns when the scheduler resumes this one. */
static void task_yield(void)
{
    swapcontext(&current->ctx, &scheduler_ctx);
}

static void task_entry(void)
{
    current->body(current->id);
    current->done = 1; /* uc_link returns to the scheduler */
}

static int task_spawn(void (*body)(int id), int id)
{
    struct task *t = &tasks[ntasks];
    t->stack = malloc(STACK_SIZE);
    if (!t->stack || getcontext(&t->ctx) != 0)
        return -1;
    t->ctx.uc_stack.ss_sp = t->stack;
    t->ctx.uc_stack.ss_size = STACK_SIZE;
    t->ctx.uc_link = &scheduler_ctx;
    t->body = body;
    t->id = id;
    makecontext(&t->ctx, task_entry, 0);
    ntasks++;
    return 0;
}

/* Round robin until every task has finished. */
static void run_all(void)
{
    for (int live = ntasks; live > 0;) {
        live = 0;
        for (int i = 0; i < ntasks; i++) {
            if (tasks[i].done)
                continue;
            current = &tasks[i];
            swapcontext(&scheduler_ctx, &tasks[i].ctx);
            live += !tasks[i].done;
        }
    }
}

static void producer(int id)
{
    (void)id;
    for (int i = 1; i <= ITEMS; i++) {
        while (queue.count == QUEUE_CAP)
            task_yield();
        queue.items[(queue.head + queue.count) % QUEUE_CAP] = i;
        queue.count = queue.count + 1;
        produced = produced + 1;
        if (i % 16 == 0)
            task_yield(); /* a slice of work done: let the consumers run */
    }
}

static void consumer(int id)
{
    for (;;) {
        while (queue.count == 0 && produced < ITEMS)
            task_yield();
        if (queue.count == 0)
            return; /* everything produced has been consumed */
        int item = queue.items[queue.head];
        queue.head = (queue.head + 1) % QUEUE_CAP;
        queue.count = queue.count - 1;
        consumed_sum = consumed_sum + item;
        consumed = consumed + 1;
        if (item % (7 + id) == 0)
            task_yield();
    }
}

int main(void)
{
    if (task_spawn(producer, 0) != 0 || task_spawn(consumer, 1) != 0 ||
        task_spawn(consumer, 2) != 0) {
        perror("task_spawn");
        return 1;
    }
    run_all();
    long want = (long)ITEMS * (ITEMS + 1) / 2;
    printf("produced %d, consumed %d, sum %ld (expected %ld)\n", produced, consumed, consumed_sum,
           want);
    for (int i = 0; i < ntasks; i++)
        free(tasks[i].stack);
    return consumed_sum == want ? 0 : 1;
}
