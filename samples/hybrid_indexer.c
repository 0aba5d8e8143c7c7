// model: processes
/*
 * hybrid_indexer.c - processes for CPU, threads for I/O: a word indexer whose
 * parent splits a corpus between worker processes. Inside each worker process,
 * reader threads load their share of the lines from the corpus file and hand
 * them to the process's main thread through a bounded queue (a mutex and two
 * condition variables); the main thread does the CPU work (tokenising, hashing)
 * and sends its totals to the parent over a pipe. The parent forks before it has
 * any thread, and each worker joins its readers before reporting. Correct.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define WORKERS 3
#define READERS 2
#define LINES 3000
#define QUEUE_CAP 16
#define LINE_MAX_LEN 128

struct queue {
    pthread_mutex_t lock;
    pthread_cond_t not_empty, not_full;
    char lines[QUEUE_CAP][LINE_MAX_LEN];
    int head, count;
    int readers_left; /* readers still loading lines */
};

struct reader {
    pthread_t tid;
    struct queue *q;
    const char *path;
    int slot, nslots; /* takes the lines whose number % nslots == slot */
};

struct totals {
    long lines, words;
    unsigned long hash;
};

static void queue_put(struct queue *q, const char *line)
{
    pthread_mutex_lock(&q->lock);
    while (q->count == QUEUE_CAP)
        pthread_cond_wait(&q->not_full, &q->lock);
    int tail = (q->head + q->count) % QUEUE_CAP;
    snprintf(q->lines[tail], LINE_MAX_LEN, "%s", line);
    q->count++;
    pthread_cond_signal(&q->not_empty);
    pthread_mutex_unlock(&q->lock);
}

/* Takes the next line into out; returns 0 when every reader is done and the
 * queue is empty. */
static int queue_take(struct queue *q, char *out)
{
    pthread_mutex_lock(&q->lock);
    while (q->count == 0 && q->readers_left > 0)
        pthread_cond_wait(&q->not_empty, &q->lock);
    int got = q->count > 0;
    if (got) {
        memcpy(out, q->lines[q->head], LINE_MAX_LEN);
        q->head = (q->head + 1) % QUEUE_CAP;
        q->count--;
        pthread_cond_signal(&q->not_full);
    }
    pthread_mutex_unlock(&q->lock);
    return got;
}

static void reader_done(struct queue *q)
{
    pthread_mutex_lock(&q->lock);
    q->readers_left--;
    pthread_cond_broadcast(&q->not_empty);
    pthread_mutex_unlock(&q->lock);
}

static void *reader_main(void *arg)
{
    struct reader *r = arg;
    FILE *f = fopen(r->path, "r");
    char line[LINE_MAX_LEN];
    for (long no = 0; f && fgets(line, sizeof line, f); no++)
        if (no % r->nslots == r->slot)
            queue_put(r->q, line);
    if (f)
        fclose(f);
    reader_done(r->q);
    return NULL;
}

static void index_line(const char *line, struct totals *t)
{
    int in_word = 0;
    t->lines++;
    for (const char *c = line; *c; c++) {
        if (isalnum((unsigned char)*c)) {
            t->hash = t->hash * 31 + (unsigned char)tolower((unsigned char)*c);
            if (!in_word)
                t->words++;
            in_word = 1;
        } else {
            in_word = 0;
        }
    }
}

/* One worker process: READERS threads load lines, this thread indexes them. */
static void worker_process(int id, const char *path, int out)
{
    struct queue q = {.head = 0, .count = 0, .readers_left = READERS};
    pthread_mutex_init(&q.lock, NULL);
    pthread_cond_init(&q.not_empty, NULL);
    pthread_cond_init(&q.not_full, NULL);
    struct reader readers[READERS];
    int started = 0;
    for (int i = 0; i < READERS; i++) {
        readers[i] = (struct reader){
            .q = &q, .path = path, .slot = id * READERS + i, .nslots = WORKERS * READERS};
        if (pthread_create(&readers[i].tid, NULL, reader_main, &readers[i]) != 0)
            reader_done(&q);
        else
            started++;
    }
    struct totals t = {0, 0, 0};
    char line[LINE_MAX_LEN];
    while (queue_take(&q, line))
        index_line(line, &t);
    for (int i = 0; i < started; i++)
        pthread_join(readers[i].tid, NULL);
    ssize_t n = write(out, &t, sizeof t);
    _exit(n == (ssize_t)sizeof t ? 0 : 1);
}

static int write_corpus(char *path)
{
    static const char *const words[] = {"alpha", "beta", "gamma", "delta",
                                        "fork",  "pipe", "mutex", "thread"};
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f)
        return -1;
    for (int i = 0; i < LINES; i++)
        fprintf(f, "%d %s %s %s\n", i, words[i % 8], words[(i / 8) % 8], words[(i * 7) % 8]);
    return fclose(f);
}

int main(void)
{
    char path[] = "/tmp/hybrid-indexer-XXXXXX";
    if (write_corpus(path) != 0) {
        perror("corpus");
        return 1;
    }
    int fds[WORKERS][2];
    pid_t pids[WORKERS];
    for (int i = 0; i < WORKERS; i++) {
        if (pipe(fds[i]) != 0) {
            perror("pipe");
            return 1;
        }
        pids[i] = fork();
        if (pids[i] < 0) {
            perror("fork");
            return 1;
        }
        if (pids[i] == 0) {
            close(fds[i][0]);
            worker_process(i, path, fds[i][1]);
        }
        close(fds[i][1]);
    }
    struct totals all = {0, 0, 0};
    for (int i = 0; i < WORKERS; i++) {
        struct totals t;
        if (read(fds[i][0], &t, sizeof t) == (ssize_t)sizeof t) {
            all.lines += t.lines;
            all.words += t.words;
            all.hash ^= t.hash;
        }
        close(fds[i][0]);
        waitpid(pids[i], NULL, 0);
    }
    unlink(path);
    printf("%ld lines, %ld words indexed by %d processes x %d readers (hash %lx)\n", all.lines,
           all.words, WORKERS, READERS, all.hash);
    return 0;
}
