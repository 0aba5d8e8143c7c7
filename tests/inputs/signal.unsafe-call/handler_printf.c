/* A handler that prints: printf takes stdio's lock and may allocate. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static void on_int(int sig)
{
    printf("caught %d\n", sig); // expect: signal.unsafe-call
}

int main(void)
{
    signal(SIGINT, on_int);
    pause();
    return 0;
}
