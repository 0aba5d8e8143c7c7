/*
 * rawsys.h - the shim's own system calls, made without libc's wrappers.
 *
 * The shim runs inside the program it records and must cost it as little
 * memory as possible. A small program's RSS is mostly libc's text, which the
 * kernel maps in 64 KiB windows around each page fault: a libc wrapper that
 * the program itself never calls (getppid, renameat, gettid, ...) faults in a
 * window of its own, up to 64 KiB of RSS for a two-instruction function. On
 * the lock-heavy workload of bench/shim-overhead the shim's start-up and
 * thread-start calls cost about 100 KiB of libc text that way. So the shim
 * issues the system calls it makes for itself (its log, the maps copy, thread
 * ids) directly; calls it forwards for the program still go to libc.
 *
 * Each sys_* function behaves like the libc function of the same name: -1 and
 * errno on failure. Only x86-64 issues the instruction inline; elsewhere they
 * fall back to syscall(2).
 */
#ifndef RC_RAWSYS_H
#define RC_RAWSYS_H

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)
static inline long rc_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
    long ret;
    register long r10 __asm__("r10") = a4;
    register long r8 __asm__("r8") = a5;
    register long r9 __asm__("r9") = a6;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}
#else
static inline long rc_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
    long r = syscall(nr, a1, a2, a3, a4, a5, a6);
    return r == -1 ? -errno : r;
}
#endif

/* The kernel's -errno convention turned into libc's. */
static inline long rc_sys_result(long r)
{
    if (r < 0 && r > -4096) {
        errno = (int)-r;
        return -1;
    }
    return r;
}

#define RC_SYS(nr, a1, a2, a3, a4, a5, a6)                                                         \
    rc_sys_result(                                                                                 \
        rc_syscall6((nr), (long)(a1), (long)(a2), (long)(a3), (long)(a4), (long)(a5), (long)(a6)))

static inline int sys_openat(int dir, const char *path, int flags, mode_t mode)
{
    return (int)RC_SYS(SYS_openat, dir, path, flags, mode, 0, 0);
}

static inline int sys_open(const char *path, int flags, mode_t mode)
{
    return sys_openat(AT_FDCWD, path, flags, mode);
}

static inline int sys_close(int fd)
{
    return (int)RC_SYS(SYS_close, fd, 0, 0, 0, 0, 0);
}

static inline ssize_t sys_read(int fd, void *buf, size_t n)
{
    return RC_SYS(SYS_read, fd, buf, n, 0, 0, 0);
}

static inline ssize_t sys_write(int fd, const void *buf, size_t n)
{
    return RC_SYS(SYS_write, fd, buf, n, 0, 0, 0);
}

static inline ssize_t sys_pread(int fd, void *buf, size_t n, off_t off)
{
    return RC_SYS(SYS_pread64, fd, buf, n, off, 0, 0);
}

static inline ssize_t sys_pwrite(int fd, const void *buf, size_t n, off_t off)
{
    return RC_SYS(SYS_pwrite64, fd, buf, n, off, 0, 0);
}

static inline int sys_ftruncate(int fd, off_t len)
{
    return (int)RC_SYS(SYS_ftruncate, fd, len, 0, 0, 0, 0);
}

static inline void *sys_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    long r = RC_SYS(SYS_mmap, addr, len, prot, flags, fd, off);
    return r == -1 ? (void *)-1 : (void *)r;
}

static inline int sys_munmap(void *addr, size_t len)
{
    return (int)RC_SYS(SYS_munmap, addr, len, 0, 0, 0, 0);
}

static inline int sys_madvise(void *addr, size_t len, int advice)
{
    return (int)RC_SYS(SYS_madvise, addr, len, advice, 0, 0, 0);
}

static inline ssize_t sys_readlink(const char *path, char *buf, size_t n)
{
    return RC_SYS(SYS_readlinkat, AT_FDCWD, path, buf, n, 0, 0);
}

static inline int sys_renameat(int from_dir, const char *from, int to_dir, const char *to)
{
    return (int)RC_SYS(SYS_renameat, from_dir, from, to_dir, to, 0, 0);
}

static inline int sys_unlinkat(int dir, const char *path, int flags)
{
    return (int)RC_SYS(SYS_unlinkat, dir, path, flags, 0, 0, 0);
}

static inline int sys_nanosleep(const struct timespec *req, struct timespec *rem)
{
    return (int)RC_SYS(SYS_nanosleep, req, rem, 0, 0, 0, 0);
}

/* getpid, getppid and gettid cannot fail. */
static inline pid_t sys_getpid(void)
{
    return (pid_t)rc_syscall6(SYS_getpid, 0, 0, 0, 0, 0, 0);
}

static inline pid_t sys_getppid(void)
{
    return (pid_t)rc_syscall6(SYS_getppid, 0, 0, 0, 0, 0, 0);
}

static inline pid_t sys_gettid(void)
{
    return (pid_t)rc_syscall6(SYS_gettid, 0, 0, 0, 0, 0, 0);
}

#endif /* RC_RAWSYS_H */
