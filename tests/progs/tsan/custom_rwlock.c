/*
 * custom_rwlock.c - a spinning reader-writer lock built on atomics that tells
 * ThreadSanitizer about itself through the dynamic annotation interface (as
 * custom lock implementations do), and two misuses of it, chosen by argument:
 *
 *   read-unlock  the writer releases it with the reader's unlock
 *   read-lock    the writer, still holding it, takes it again as a reader
 *                (the spin is bounded, so the program does not hang)
 *
 * Expected: one "read unlock of a write locked mutex" or "read lock of a write
 * locked mutex" report, whose mutex is the global 'table_lock'.
 */
#include <stdio.h>
#include <string.h>

/* ThreadSanitizer's annotation entry points (dynamic_annotations.h). */
void AnnotateRWLockCreate(const char *file, int line, const volatile void *lock);
void AnnotateRWLockAcquired(const char *file, int line, const volatile void *lock, long is_w);
void AnnotateRWLockReleased(const char *file, int line, const volatile void *lock, long is_w);

/* -1: held by a writer; n > 0: held by n readers. */
typedef struct rwlock {
    int state;
} rwlock_t;

static rwlock_t table_lock;

static void rw_init(rwlock_t *l)
{
    l->state = 0;
    AnnotateRWLockCreate(__FILE__, __LINE__, l);
}

static void rw_wrlock(rwlock_t *l)
{
    int expected = 0;
    while (!__atomic_compare_exchange_n(&l->state, &expected, -1, 0, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED))
        expected = 0;
    AnnotateRWLockAcquired(__FILE__, __LINE__, l, 1);
}

static int rw_tryrdlock(rwlock_t *l, int spins)
{
    for (int i = 0; i < spins; i++) {
        int s = __atomic_load_n(&l->state, __ATOMIC_RELAXED);
        if (s >= 0 && __atomic_compare_exchange_n(&l->state, &s, s + 1, 0, __ATOMIC_ACQUIRE,
                                                  __ATOMIC_RELAXED))
            break;
    }
    /* The bug under test: the annotation claims the read lock even when the spin failed. */
    AnnotateRWLockAcquired(__FILE__, __LINE__, l, 0);
    return 0;
}

static void rw_rdunlock(rwlock_t *l)
{
    AnnotateRWLockReleased(__FILE__, __LINE__, l, 0);
    __atomic_fetch_sub(&l->state, 1, __ATOMIC_RELEASE);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    rw_init(&table_lock);
    if (strcmp(mode, "read-unlock") == 0) {
        rw_wrlock(&table_lock);
        rw_rdunlock(&table_lock);
    } else if (strcmp(mode, "read-lock") == 0) {
        rw_wrlock(&table_lock);
        rw_tryrdlock(&table_lock, 1000);
    } else {
        fprintf(stderr, "usage: %s read-unlock|read-lock\n", argv[0]);
        return 2;
    }
    puts(mode);
    return 0;
}
