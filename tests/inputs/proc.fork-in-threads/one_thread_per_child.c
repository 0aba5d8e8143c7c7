/* Worker processes forked in a loop, each starting one reader thread: the
 * parent has no thread when it forks (the children may call anything), and the
 * readers of different processes update different copies of the counter, so
 * the counter is never updated by two threads at once. */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static long bytes_read;

static void *reader(void *arg)
{
    int fd = *(int *)arg;
    char buf[512];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        bytes_read += n;
    return NULL;
}

static void worker_process(int fd)
{
    pthread_t t;
    if (pthread_create(&t, NULL, reader, &fd) != 0)
        _exit(1);
    pthread_join(t, NULL);
    printf("worker read its input\n");
    _exit(0);
}

int main(void)
{
    for (int i = 0; i < 3; i++) {
        pid_t pid = fork();
        if (pid == 0)
            worker_process(0);
    }
    while (wait(NULL) > 0)
        ;
    return 0;
}
