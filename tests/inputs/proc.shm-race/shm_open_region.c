/* shm_open + ftruncate + mmap(MAP_SHARED) behind a helper; workers write their
 * own slot (distinct indexes) and all add to one total. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define WORKERS 3

struct region {
    long total;
    long slot[WORKERS];
};

static struct region *map_region(const char *name)
{
    int fd = shm_open(name, O_CREAT | O_RDWR, 0600);
    if (fd < 0 || ftruncate(fd, sizeof(struct region)) != 0)
        return NULL;
    struct region *r = mmap(NULL, sizeof *r, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    return r == MAP_FAILED ? NULL : r;
}

static void work(struct region *r, int id)
{
    r->slot[id] = id * 100;
    r->total += id * 100; // expect: proc.shm-race
}

int main(void)
{
    struct region *r = map_region("/rc-shm-region");
    if (!r)
        return 1;
    for (int i = 0; i < WORKERS; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            work(r, i);
            _exit(0);
        }
    }
    while (wait(NULL) > 0)
        ;
    shm_unlink("/rc-shm-region");
    printf("%ld\n", r->total);
    return 0;
}
