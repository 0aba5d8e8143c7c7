// model: processes
/*
 * proc_job_stats.c - a job runner that isolates each job in a forked child, so
 * that a job that crashes cannot take the runner down. Children record what they
 * did in a statistics block kept in an anonymous shared mapping, under a mutex
 * that lives next to the counters. The mutex is initialised with default
 * attributes, i.e. process-private: it only works while the runner starts one
 * job at a time (this run), and the day jobs run in parallel a waiter in one
 * child is never woken by an unlock in another. racecheck reports it both
 * statically and from the run.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define JOBS 6

struct stats {
    pthread_mutex_t lock;
    long items;
    long checksum;
    int succeeded;
};

static long run_job(int job)
{
    long sum = 0;
    for (long i = 1; i <= 20000L * (job + 1); i++)
        sum = (sum * 31 + i) % 1000003;
    return sum;
}

static void job_main(struct stats *st, int job)
{
    long sum = run_job(job);
    pthread_mutex_lock(&st->lock);
    st->items += 20000L * (job + 1);
    st->checksum ^= sum;
    st->succeeded++;
    pthread_mutex_unlock(&st->lock);
}

int main(void)
{
    struct stats *st =
        mmap(NULL, sizeof *st, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (st == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    pthread_mutex_init(&st->lock, NULL); // expect: proc.mutex-not-pshared
    int failed = 0;
    for (int job = 0; job < JOBS; job++) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 1;
        }
        if (pid == 0) {
            job_main(st, job);
            _exit(0);
        }
        int status;
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failed++;
    }
    printf("%d jobs ok, %d failed, %ld items, checksum %ld\n", st->succeeded, failed, st->items,
           st->checksum);
    pthread_mutex_destroy(&st->lock);
    munmap(st, sizeof *st);
    return 0;
}
