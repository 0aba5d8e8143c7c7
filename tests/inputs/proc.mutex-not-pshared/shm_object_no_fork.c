/* A named shared memory object: any process may map it, fork or not. */
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

struct registry {
    pthread_mutex_t lock;
    int entries;
};

int main(void)
{
    int fd = shm_open("/rc-registry", O_CREAT | O_RDWR, 0600);
    if (fd < 0 || ftruncate(fd, sizeof(struct registry)) != 0)
        return 1;
    struct registry *reg = mmap(NULL, sizeof *reg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (reg == MAP_FAILED)
        return 1;
    pthread_mutex_init(&reg->lock, NULL); // expect: proc.mutex-not-pshared
    pthread_mutex_lock(&reg->lock);
    reg->entries++;
    pthread_mutex_unlock(&reg->lock);
    return 0;
}
