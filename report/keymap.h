/*
 * keymap.h - a small open-addressing hash map from a key of up to three
 * 64-bit words to a size_t value. Private to the report module; used by
 * ingestion to aggregate millions of events without quadratic lookups.
 */
#ifndef RC_KEYMAP_H
#define RC_KEYMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct rc_keymap_slot {
    uint64_t k[3];
    size_t value;
    int used;
} rc_keymap_slot_t;

typedef struct rc_keymap {
    rc_keymap_slot_t *slots;
    size_t cap, n;
} rc_keymap_t;

/* Zero-initialise a map before use; rc_keymap_close frees it. */
/* Returns the value for the key, or inserts VALUE and returns it. *inserted
 * (may be NULL) says which. */
size_t rc_keymap_get_or_put(rc_keymap_t *m, uint64_t a, uint64_t b, uint64_t c, size_t value,
                            int *inserted);
/* Looks the key up without inserting it: 1 and *value when present, else 0. */
int rc_keymap_find(const rc_keymap_t *m, uint64_t a, uint64_t b, uint64_t c, size_t *value);
void rc_keymap_close(rc_keymap_t *m);

#endif /* RC_KEYMAP_H */
