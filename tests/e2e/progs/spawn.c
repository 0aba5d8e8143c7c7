/*
 * spawn.c - children made by vfork, _Fork and fork, that exec or not, for
 * the shim's process tests (test_shim_e2e.c).
 *
 * The parent takes `parent_lock` 3 times, then:
 *   1. vfork(); the child takes `parent_lock` 5 times (in its parent's
 *      memory: none of these may be recorded, least of all in the parent's
 *      log) and execs this program with "exec'd", which takes `exec_lock` 4
 *      times (recorded, in a log of its own linked to the parent);
 *   2. vfork(); the child takes `parent_lock` once more and _exits(3);
 *   3. _Fork(); the child, which no atfork handler prepared, takes
 *      `forked_lock` twice and _exits(0) (recorded in its own log);
 *   4. fork(); the child execs this program with "exec'd";
 *   5. posix_spawn() of this program with "exec'd".
 * It waits for every child and prints "children: <statuses>".
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* _Fork */
#endif
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t parent_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t exec_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t forked_lock = PTHREAD_MUTEX_INITIALIZER;
static char *self;

static void take(pthread_mutex_t *m, int times)
{
    for (int i = 0; i < times; i++) {
        pthread_mutex_lock(m);
        pthread_mutex_unlock(m);
    }
}

static int reap(pid_t p)
{
    int st = 0;
    if (p < 0 || waitpid(p, &st, 0) != p)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "exec'd") == 0) {
        take(&exec_lock, 4);
        return 0;
    }
    self = argv[0];
    take(&parent_lock, 3);
    int st[5];

    pid_t p = vfork();
    if (p == 0) {
        take(&parent_lock, 5);
        execl(self, self, "exec'd", (char *)NULL);
        _exit(127);
    }
    st[0] = reap(p);

    p = vfork();
    if (p == 0) {
        take(&parent_lock, 1);
        _exit(3);
    }
    st[1] = reap(p);

    p = _Fork();
    if (p == 0) {
        take(&forked_lock, 2);
        _exit(0);
    }
    st[2] = reap(p);

    p = fork();
    if (p == 0) {
        execl(self, self, "exec'd", (char *)NULL);
        _exit(127);
    }
    st[3] = reap(p);

    extern char **environ;
    char *args[] = {self, "exec'd", NULL};
    st[4] = posix_spawn(&p, self, NULL, NULL, args, environ) == 0 ? reap(p) : -1;
    printf("children: %d %d %d %d %d\n", st[0], st[1], st[2], st[3], st[4]);
    return 0;
}
