/* Coroutines that update shared counters between yields and re-read what they
 * need after each yield: no stale copy, and no thread race (they all run on
 * main's thread). */
#include <ucontext.h>

static ucontext_t main_ctx, co_ctx[3];
static char stacks[3][32768];
static int running;
static int tokens = 5;
static long served;

static void pause_task(void)
{
    swapcontext(&co_ctx[running], &main_ctx);
}

static void client(void)
{
    for (int i = 0; i < 4; i++) {
        while (tokens == 0)
            pause_task();
        int left = tokens - 1; /* read and written with no yield between */
        tokens = left;
        served = served + 1;
        pause_task();
        tokens = tokens + 1; /* read again after the yield */
    }
}

static void spawn(int i)
{
    getcontext(&co_ctx[i]);
    co_ctx[i].uc_stack.ss_sp = stacks[i];
    co_ctx[i].uc_stack.ss_size = sizeof stacks[i];
    co_ctx[i].uc_link = &main_ctx;
    makecontext(&co_ctx[i], client, 0); /* registers client: runs nothing yet */
}

int main(void)
{
    int budget = tokens;
    for (int i = 0; i < 3; i++)
        spawn(i);
    tokens = budget + 1; /* no yield since the read: spawn only registers */
    for (int round = 0; round < 20; round++) {
        running = round % 3;
        swapcontext(&main_ctx, &co_ctx[running]);
        served = served + 0;
    }
    return (int)served;
}
