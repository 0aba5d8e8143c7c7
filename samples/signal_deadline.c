/*
 * signal_deadline.c - a batch job with a time budget that stops cleanly on a
 * signal: the handlers only set `volatile sig_atomic_t` flags, and the main
 * loop checks them between blocks of work and does everything else itself
 * (printing, cleaning up). The shape signal-safety(7) recommends: correct.
 *
 * The job checksums blocks of generated data until its budget (an interval
 * timer delivering SIGALRM) runs out or SIGINT / SIGTERM asks it to stop, then
 * reports how far it got. The budget is 20 ms, so it finishes on its own.
 */
// model: signals
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#define BLOCK 4096
#define MAX_BLOCKS 2000000 /* never reached in practice: the budget ends the job */

static volatile sig_atomic_t budget_spent;
static volatile sig_atomic_t stop_signal; /* the signal that asked us to stop, 0 if none */

static void on_alarm(int sig)
{
    (void)sig;
    budget_spent = 1;
}

static void on_stop(int sig)
{
    stop_signal = sig;
}

/* Fletcher-style checksum of one block. */
static uint32_t checksum(const unsigned char *p, size_t n)
{
    uint32_t a = 1, b = 0;
    for (size_t i = 0; i < n; i++) {
        a = (a + p[i]) % 65521;
        b = (b + a) % 65521;
    }
    return b << 16 | a;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_alarm;
    int failed = sigaction(SIGALRM, &sa, NULL);
    sa.sa_handler = on_stop;
    failed |= sigaction(SIGINT, &sa, NULL) | sigaction(SIGTERM, &sa, NULL);
    if (failed) {
        perror("sigaction");
        return 1;
    }
    struct itimerval budget = {.it_value = {.tv_sec = 0, .tv_usec = 20000}};
    if (setitimer(ITIMER_REAL, &budget, NULL) != 0) {
        perror("setitimer");
        return 1;
    }
    static unsigned char block[BLOCK];
    uint32_t sum = 0;
    long blocks = 0;
    while (!budget_spent && !stop_signal && blocks < MAX_BLOCKS) {
        memset(block, (int)(blocks & 0xff), sizeof block);
        sum ^= checksum(block, sizeof block);
        blocks++;
    }
    if (stop_signal)
        printf("stopped by signal %d after %ld blocks\n", (int)stop_signal, blocks);
    else
        printf("budget spent after %ld blocks (checksum %08x)\n", blocks, sum);
    return 0;
}
