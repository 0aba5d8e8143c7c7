/*
 * coop_stale_balance.c - teller coroutines on ucontext process the
 * withdrawals and deposits of one account. Every operation is written to an
 * audit journal first, and writing the journal waits for its (simulated)
 * disk: the teller yields to the others meanwhile.
 *
 * Deposits are correct: they update the balance after the journal write, in
 * one step between two yields. Withdrawals are not: they copy the balance to
 * check the funds, write the journal (yield), and then store the copy minus
 * the amount, so every deposit or withdrawal another teller made while this
 * one waited is lost. There are no threads and no data race; the program
 * prints the balance it ends with and the one it should have.
 */
// model: cooperative
#include <stdio.h>
#include <stdlib.h>
#include <ucontext.h>

#define STACK_SIZE (64 * 1024)
#define TELLERS 3
#define OPS 40

struct teller {
    ucontext_t ctx;
    int id, done;
    char *stack;
};

static ucontext_t scheduler_ctx;
static struct teller tellers[TELLERS];
static struct teller *current;

static struct {
    long balance;
    long deposited, withdrawn;
} account = {.balance = 10000};

static struct {
    char lines[TELLERS * OPS][48];
    int n;
} journal;

static void yield_to_others(void)
{
    swapcontext(&current->ctx, &scheduler_ctx);
}

/* Appends a record; the other tellers run while the disk writes it. */
static void journal_write(int teller, const char *op, long amount)
{
    snprintf(journal.lines[journal.n], sizeof journal.lines[0], "teller %d %s %ld", teller, op,
             amount);
    journal.n = journal.n + 1;
    yield_to_others(); /* wait for the disk */
}

static void deposit(int teller, long amount)
{
    journal_write(teller, "deposit", amount);
    account.balance = account.balance + amount;
    account.deposited = account.deposited + amount;
}

static int withdraw(int teller, long amount)
{
    long seen = account.balance;
    if (seen < amount)
        return -1;
    journal_write(teller, "withdraw", amount);
    account.balance = seen - amount; // expect: coop.stale-across-yield
    account.withdrawn = account.withdrawn + amount;
    return 0;
}

static void teller_main(void)
{
    int id = current->id;
    for (int op = 0; op < OPS; op++) {
        long amount = 10 * (1 + (op * 7 + id * 3) % 9);
        if ((op + id) % 3 == 0)
            deposit(id, amount);
        else if (withdraw(id, amount) != 0)
            printf("teller %d: insufficient funds for %ld\n", id, amount);
    }
    current->done = 1;
}

static int teller_start(struct teller *t, int id)
{
    t->id = id;
    t->stack = malloc(STACK_SIZE);
    if (!t->stack || getcontext(&t->ctx) != 0)
        return -1;
    t->ctx.uc_stack.ss_sp = t->stack;
    t->ctx.uc_stack.ss_size = STACK_SIZE;
    t->ctx.uc_link = &scheduler_ctx;
    makecontext(&t->ctx, teller_main, 0);
    return 0;
}

int main(void)
{
    long opening = account.balance;
    for (int i = 0; i < TELLERS; i++)
        if (teller_start(&tellers[i], i) != 0) {
            perror("teller");
            return 1;
        }
    for (int live = TELLERS; live > 0;) {
        live = 0;
        for (int i = 0; i < TELLERS; i++) {
            if (tellers[i].done)
                continue;
            current = &tellers[i];
            swapcontext(&scheduler_ctx, &tellers[i].ctx);
            live += !tellers[i].done;
        }
    }
    long expected = opening + account.deposited - account.withdrawn;
    printf("%d journal records; balance %ld, expected %ld%s\n", journal.n, account.balance,
           expected, account.balance == expected ? "" : " (updates lost)");
    for (int i = 0; i < TELLERS; i++)
        free(tellers[i].stack);
    return 0;
}
