/*
 * shim_spawn.c - fork + exec, and fork + _exit. The first child execs this
 * program again ("exec'd": it locks once and exits with status 5); the second
 * child exits at once without a recorded call. Only the exec'd image should
 * leave a log, under the plain rc-<pid>.log name.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* as the build defines it: standalone compiles need it too */
#endif
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

int main(int argc, char **argv)
{
    pthread_mutex_lock(&m);
    pthread_mutex_unlock(&m);
    if (argc > 1 && strcmp(argv[1], "exec'd") == 0)
        return 5;
    pid_t execd = fork();
    if (execd == 0) {
        execl("/proc/self/exe", argv[0], "exec'd", (char *)NULL);
        _exit(127);
    }
    int status = 0;
    if (execd < 0 || waitpid(execd, &status, 0) != execd || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 5)
        return 1;
    pid_t quiet = fork();
    if (quiet == 0)
        _exit(0);
    if (quiet < 0 || waitpid(quiet, &status, 0) != quiet)
        return 1;
    printf("execd=%d quiet=%d\n", (int)execd, (int)quiet);
    return 0;
}
