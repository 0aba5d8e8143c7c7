/* An unsafe call reached through the program's own helpers is reported at the
 * library call, inside the helper (the frame a runtime report names too); the
 * message gives the path from the handler. A helper that is safe, and a call
 * through a function pointer, are not. (strcpy writes the string main frees.) */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *saved;

static void remember(const char *what)
{
    saved = malloc(strlen(what) + 1); // expect: signal.unsafe-call, signal.shared-state
    if (saved)
        strcpy(saved, what); // expect: signal.shared-state
}

static void note(const char *what)
{
    remember(what);
}

static void say(const char *what)
{
    ssize_t n = write(2, what, strlen(what));
    (void)n;
}

static void (*hook)(const char *) = say;

static void on_usr1(int sig)
{
    (void)sig;
    say("usr1\n");
    note("usr1");
    hook("usr1\n");
}

int main(void)
{
    signal(SIGUSR1, on_usr1);
    remember("start"); /* outside any handler: fine */
    pause();
    free(saved);
    return 0;
}
