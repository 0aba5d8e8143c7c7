/*
 * shim_shared.c - shared and private mappings, for the shim's MAP_SHARED and
 * UNMAP records: an anonymous MAP_SHARED region, a private one (no record),
 * a shm_open object mapped MAP_SHARED and a System V segment, each unmapped
 * at the end; and a condition variable (process-shared), a read-write lock
 * and a barrier (both private) initialised in the shared region. Prints each
 * address as key=0x... and the lengths.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* as the build defines it: standalone compiles need it too */
#endif
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <unistd.h>

#define LEN 8192

int main(void)
{
    char name[64];
    snprintf(name, sizeof name, "/rc-shim-shared-%d", (int)getpid());
    void *anon = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    void *priv = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (anon == MAP_FAILED || priv == MAP_FAILED || fd < 0 || ftruncate(fd, LEN) != 0)
        return 2;
    void *obj = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    shm_unlink(name);
    int id = shmget(IPC_PRIVATE, LEN, IPC_CREAT | 0600);
    void *seg = id >= 0 ? shmat(id, NULL, 0) : (void *)-1;
    if (id >= 0)
        shmctl(id, IPC_RMID, NULL);
    if (obj == MAP_FAILED || seg == (void *)-1)
        return 2;
    /* In the shared region: a process-shared condition variable, a private
     * read-write lock and a private barrier (SYNC_INIT records). */
    pthread_cond_t *cv = anon;
    pthread_rwlock_t *rw = (pthread_rwlock_t *)((char *)anon + 1024);
    pthread_barrier_t *bar = (pthread_barrier_t *)((char *)anon + 2048);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
    if (pthread_cond_init(cv, &ca) != 0 || pthread_rwlock_init(rw, NULL) != 0 ||
        pthread_barrier_init(bar, NULL, 1) != 0)
        return 2;
    pthread_condattr_destroy(&ca);
    printf("anon=%p\npriv=%p\nobj=%p\nseg=%p\nlen=%d\n", anon, priv, obj, seg, LEN);
    printf("cv=%p\nrw=%p\nbar=%p\n", (void *)cv, (void *)rw, (void *)bar);
    pthread_cond_destroy(cv);
    pthread_rwlock_destroy(rw);
    pthread_barrier_destroy(bar);
    munmap(anon, LEN);
    munmap(priv, LEN);
    munmap(obj, LEN);
    shmdt(seg);
    return 0;
}
