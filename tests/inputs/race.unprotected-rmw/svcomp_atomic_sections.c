/* SV-COMP's atomic sections (__VERIFIER_atomic_begin / _end, modelled in
 * rules/api/svcomp.json as one program-wide lock): the updates of `done`
 * inside a section on both sides are not a race; `seen` is updated outside
 * one in main. */
#include <pthread.h>

extern void __VERIFIER_atomic_begin(void);
extern void __VERIFIER_atomic_end(void);

static int done, seen;

static void *worker(void *arg)
{
    (void)arg;
    __VERIFIER_atomic_begin();
    done = done + 1;
    seen = seen + 1;
    __VERIFIER_atomic_end();
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    __VERIFIER_atomic_begin();
    done = done + 1;
    __VERIFIER_atomic_end();
    seen = seen + 1; // expect: race.unprotected-rmw
    pthread_join(t, NULL);
    return done + seen;
}
