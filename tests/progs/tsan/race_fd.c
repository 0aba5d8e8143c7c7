/*
 * race_fd.c - one thread writes to a file descriptor while another closes it.
 *
 * Expected: one "data race" report whose location is a file descriptor
 * created by the main thread.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static int fd;

static void *closer(void *arg)
{
    (void)arg;
    usleep(100000);
    close(fd);
    return NULL;
}

int main(void)
{
    fd = open("/dev/null", O_WRONLY);
    pthread_t t;
    pthread_create(&t, NULL, closer, NULL);
    if (write(fd, "x", 1) < 0)
        perror("write");
    pthread_join(t, NULL);
    puts("done");
    return 0;
}
