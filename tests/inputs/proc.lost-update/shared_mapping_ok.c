/* The result travels through memory mapped MAP_SHARED before the fork: the
 * parent sees the child's write. One child at a time (waitpid in the loop). */
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct board {
    long score;
    int rounds;
};

static struct board *board;

int main(void)
{
    board = mmap(NULL, sizeof *board, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (board == MAP_FAILED)
        return 1;
    for (int i = 0; i < 3; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            board->score += i * 10;
            board->rounds++;
            _exit(0);
        }
        waitpid(pid, NULL, 0);
    }
    printf("%ld after %d rounds\n", board->score, board->rounds);
    return 0;
}
