/* write, strlen and _exit are async-signal-safe; saving errno calls glibc's
 * errno accessor, which is too. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static const char msg[] = "interrupted\n";

static void on_int(int sig)
{
    int saved = errno;
    ssize_t n = write(STDERR_FILENO, msg, strlen(msg));
    (void)n;
    errno = saved;
    if (sig == SIGQUIT)
        _exit(1);
}

int main(void)
{
    signal(SIGINT, &on_int);
    signal(SIGQUIT, on_int);
    pause();
    return 0;
}

/* Compiler builtins are not library calls. */
static volatile sig_atomic_t hits;

static void on_usr2(int sig)
{
    if (__builtin_expect(sig == SIGUSR2, 1))
        hits = hits + 1;
}

void install_usr2(void)
{
    signal(SIGUSR2, on_usr2);
}
