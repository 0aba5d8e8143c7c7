/* Library calls that read or write what their arguments point to (the models
 * of kind "memory" in rules/api/memory.json) are accesses to those objects:
 * snprintf into a shared buffer, printf of it, memcpy out of a shared struct,
 * free of an object a thread still uses. Locked on both sides, private
 * buffers, or before the creation and after the join they are fine. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct config {
    int level;
    char name[16];
};

static char status[32];
static char last_user[16];
static struct config config = {1, "default"};
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

struct job {
    int id;
    int done;
};

static void *worker(void *arg)
{
    struct job *j = arg;
    char local[32];
    struct config copy;
    snprintf(status, sizeof status, "job %d", j->id); // expect: race.read-write
    memcpy(&copy, &config, sizeof copy);              // expect: race.read-write
    strcpy(local, copy.name);
    pthread_mutex_lock(&lock);
    strcpy(last_user, local);
    pthread_mutex_unlock(&lock);
    j->done = 1; // expect: race.write-write
    return NULL;
}

int main(void)
{
    pthread_t t;
    struct job *j = malloc(sizeof *j);
    memset(j, 0, sizeof *j); /* before the creation */
    strcpy(status, "idle");
    pthread_create(&t, NULL, worker, j);
    config.level = 2;
    printf("%s\n", status); // expect: race.read-write
    pthread_mutex_lock(&lock);
    puts(last_user);
    pthread_mutex_unlock(&lock);
    free(j); // expect: race.write-write
    pthread_join(t, NULL);
    printf("%s %d\n", status, config.level); /* after the join */
    return 0;
}
