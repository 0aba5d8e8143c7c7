/* Coroutines on ucontext sharing an inventory: copies held across a yield and
 * written back are stale; re-reading after the yield, or updating between two
 * yields, is fine. */
#include <ucontext.h>

static ucontext_t sched_ctx, worker_ctx;
static char stack[65536];
static int stock = 100;
static int reserved;
static int sold;
static struct {
    int pending;
} orders;

static void yield(void)
{
    swapcontext(&worker_ctx, &sched_ctx);
}

static void wait_for_payment(void)
{
    yield();
}

static void sell(int n)
{
    int before = stock;
    wait_for_payment();
    stock = before - n; // expect: coop.stale-across-yield
    sold = sold + n;
}

static void sell_fixed(int n)
{
    int before = stock;
    if (before < n)
        return;
    wait_for_payment();
    before = stock; /* read again after the yield */
    stock = before - n;
}

static void reserve(int n)
{
    int r = reserved;
    r += n; /* computed from the copy: still the copy */
    swapcontext(&worker_ctx, &sched_ctx);
    reserved = r; // expect: coop.stale-across-yield
}

static void restock(int n)
{
    yield();
    int s = stock; /* no yield between this read and the write */
    stock = s + n;
    orders.pending = orders.pending + 1;
    int p = orders.pending;
    yield();
    orders.pending = p - 1; // expect: coop.stale-across-yield
}

static void refund(int n)
{
    int s = stock;
    yield();
    s = 0;     /* assigned something else after the yield */
    stock = s; /* not a copy of stock any more */
    stock = stock + n;
}

static void worker(void)
{
    sell(3);
    sell_fixed(2);
    reserve(1);
    restock(5);
    refund(1);
}

int main(void)
{
    getcontext(&worker_ctx);
    worker_ctx.uc_stack.ss_sp = stack;
    worker_ctx.uc_stack.ss_size = sizeof stack;
    worker_ctx.uc_link = &sched_ctx;
    makecontext(&worker_ctx, worker, 0);
    for (int i = 0; i < 8; i++) {
        swapcontext(&sched_ctx, &worker_ctx);
        stock = stock + 1;
    }
    return 0;
}

/* Saved, changed for the duration of a yield, and restored: intended. */
static int mode;

void with_mode(int m)
{
    int saved = mode;
    mode = m;
    yield();
    mode = saved;
}
