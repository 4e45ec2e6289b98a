/* The remembered-key table of the statistics engine (lib/capture/seen.c)
 * against a plain model of what it promises: a key stays in the bucket its
 * low bits pick until SEEN_WAYS other keys of that bucket were used after
 * it last was; then it, the least recently used, is forgotten. */
#include <stdint.h>
#include <stdlib.h>

#include "capture_int.h"
#include "test.h"

#define MODEL_BUCKETS 64 /* enough for the tables tested here */

struct model {
    struct {
        uint64_t key[SEEN_WAYS];
        uint64_t used[SEEN_WAYS]; /* a 64-bit clock: no wrap in the model */
        uint32_t aux[SEEN_WAYS];
        unsigned n;
    } b[MODEL_BUCKETS];
    size_t mask;
    uint64_t clock, forgotten;
};

/* way of key in its bucket, or -1 */
static int model_find(const struct model *m, uint64_t key)
{
    unsigned w;
    size_t bi = (size_t)key & m->mask;
    for (w = 0; w < m->b[bi].n; w++)
        if (m->b[bi].key[w] == key)
            return (int)w;
    return -1;
}

static void model_touch(struct model *m, uint64_t key)
{
    m->b[(size_t)key & m->mask].used[model_find(m, key)] = m->clock++;
}

static void model_add(struct model *m, uint64_t key, uint32_t aux)
{
    size_t bi = (size_t)key & m->mask;
    unsigned w, victim = 0;
    if (m->b[bi].n < SEEN_WAYS) {
        victim = m->b[bi].n++;
    } else {
        for (w = 1; w < SEEN_WAYS; w++)
            if (m->b[bi].used[w] < m->b[bi].used[victim])
                victim = w;
        m->forgotten++;
    }
    m->b[bi].key[victim] = key;
    m->b[bi].used[victim] = m->clock++;
    m->b[bi].aux[victim] = aux;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* ops random finds, touches and adds over a universe of keys small enough
 * that keys come back after being forgotten; the table's clock starts at
 * clock0 (near 2^32: its ages must survive the wrap). */
static void against_model(size_t max, size_t universe, uint32_t clock0, unsigned ops)
{
    struct seen_table t;
    struct model *m = calloc(1, sizeof *m);
    uint64_t *keys = malloc(universe * sizeof *keys), forgotten = 0;
    unsigned i, hits = 0;
    size_t k;
    if (!m || !keys || !sipcode__seen_init(&t, max, 1)) {
        TEST_FAIL_AT("%s", "out of memory");
        free(m);
        free(keys);
        return;
    }
    CHECK(t.mask + 1 <= MODEL_BUCKETS);
    CHECK_INT((t.mask + 1) * SEEN_WAYS >= 4 * max, 1);
    m->mask = t.mask;
    t.clock = clock0;
    for (k = 0; k < universe; k++)
        keys[k] = next_random() | 1; /* never 0, the empty way */
    for (i = 0; i < ops; i++) {
        uint64_t key = keys[next_random() % universe];
        size_t slot = sipcode__seen_find(&t, key);
        int w = model_find(m, key);
        if ((slot != SEEN_NONE) != (w >= 0)) {
            TEST_FAIL_AT("op %u key %llx: table %s, model %s", i, (unsigned long long)key,
                         slot != SEEN_NONE ? "has it" : "has not", w >= 0 ? "has it" : "has not");
            break;
        }
        if (slot != SEEN_NONE) {
            hits++;
            CHECK_INT(*sipcode__seen_aux(&t, slot), m->b[(size_t)key & m->mask].aux[w]);
            if (next_random() % 4 != 0) { /* most hits are uses; some only look */
                sipcode__seen_touch(&t, slot);
                model_touch(m, key);
            }
        } else {
            uint32_t aux = (uint32_t)next_random();
            slot = sipcode__seen_add(&t, key, &forgotten);
            CHECK_INT(*sipcode__seen_aux(&t, slot), 0);
            *sipcode__seen_aux(&t, slot) = aux;
            t.first_ts[slot] = i;
            model_add(m, key, aux);
            CHECK_INT(sipcode__seen_find(&t, key), slot);
        }
        CHECK_INT(forgotten, m->forgotten);
    }
    /* both hits and forgetting happened, or the test proved little */
    CHECK(hits > ops / 10);
    CHECK(forgotten > ops / 10);
    sipcode__seen_clear(&t);
    for (k = 0; k < universe; k++)
        CHECK_INT(sipcode__seen_find(&t, keys[k]), SEEN_NONE);
    sipcode__seen_free(&t);
    free(keys);
    free(m);
}

static void seen_matches_model(void)
{
    against_model(4, 40, 0, 20000);                    /* one... two buckets */
    against_model(64, 600, 0, 200000);                 /* 32 buckets */
    against_model(64, 600, UINT32_MAX - 5000, 100000); /* the clock wraps */
}

/* The promise made in plain cases: 8 keys of a bucket all stay; a ninth
 * pushes out the least recently used, not the oldest added. */
static void seen_bucket_lru(void)
{
    struct seen_table t;
    uint64_t forgotten = 0, k;
    size_t nb;
    if (!sipcode__seen_init(&t, 64, 0)) {
        TEST_FAIL_AT("%s", "out of memory");
        return;
    }
    nb = t.mask + 1;
    CHECK_INT(nb, 32); /* 4 * 64 slots, ways of 8 */
    CHECK(t.first_ts == NULL);
    /* keys 1, 1 + nb, 1 + 2nb ... share bucket 1 */
    for (k = 0; k < SEEN_WAYS; k++)
        sipcode__seen_add(&t, 1 + k * nb, &forgotten);
    CHECK_INT(forgotten, 0);
    for (k = 0; k < SEEN_WAYS; k++)
        CHECK(sipcode__seen_find(&t, 1 + k * nb) != SEEN_NONE);
    sipcode__seen_touch(&t, sipcode__seen_find(&t, 1)); /* the first added, used again */
    sipcode__seen_add(&t, 1 + SEEN_WAYS * nb, &forgotten);
    CHECK_INT(forgotten, 1);
    CHECK(sipcode__seen_find(&t, 1) != SEEN_NONE);
    CHECK_INT(sipcode__seen_find(&t, 1 + nb), SEEN_NONE); /* the least recently used */
    /* other buckets were left alone */
    sipcode__seen_add(&t, 2, &forgotten);
    CHECK_INT(forgotten, 1);
    CHECK(sipcode__seen_find(&t, 1 + 2 * nb) != SEEN_NONE);
    sipcode__seen_free(&t);
}

static const struct test_case seen_tests[] = {
    {"seen_matches_model", seen_matches_model},
    {"seen_bucket_lru", seen_bucket_lru},
    {NULL, NULL},
};
TEST_SUITE(seen_tests)
