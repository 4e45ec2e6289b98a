/* The remembered-key tables behind retransmission detection and timing: a
 * set-associative cache of 64-bit key hashes. A key lives in one bucket of
 * SEEN_WAYS ways chosen by its low bits; the bucket's keys fill one cache
 * line and its recency stamps and payloads the next, so a lookup costs one
 * line (two, adjacent, when it hits or adds) and can be prefetched as soon
 * as the key is known. A full bucket forgets its least recently used key;
 * nothing is ever rebuilt (the old open-addressing tables were rebuilt when
 * full, a scan of the whole table each time, and cost a cache miss for the
 * key and another for its entry). */
#define _DEFAULT_SOURCE /* madvise */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "capture_int.h"

#define HUGE_PAGE ((size_t)2 << 20)

/* Zeroed memory for a table, *size bytes (rounded up), straight from the
 * kernel: its pages are zeroed as they are first used, so a small capture
 * never pays for a large table (touching all of it first cost 30 ms on a
 * virtual machine). Lookups land anywhere in it, so one large enough goes
 * on 2 MiB pages where the system offers them: with 4 KiB pages nearly
 * every lookup also missed the TLB. */
static void *table_alloc(size_t *size)
{
    size_t len = *size, align = 0;
    uint8_t *p;
    if (len >= HUGE_PAGE) {
        align = HUGE_PAGE;
        len = (len + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    }
    p = mmap(NULL, len + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    if (align) { /* keep the aligned part of the larger mapping */
        size_t head = (align - (uintptr_t)p % align) % align;
        if (head)
            munmap(p, head);
        if (align - head)
            munmap(p + head + len, align - head);
        p += head;
#ifdef MADV_HUGEPAGE
        madvise(p, len, MADV_HUGEPAGE); /* a hint: failing is harmless */
#endif
    }
    *size = len;
    return p;
}

static void table_free(void *p, size_t size)
{
    if (p)
        munmap(p, size);
}

int sipcode__seen_init(struct seen_table *t, size_t max, int with_times)
{
    size_t slots = SEEN_WAYS;
    /* four times the limit: a key is forgotten once 8 later keys fell in
     * its bucket, which with 4 * max slots is rarely before max later keys
     * (the old tables kept the newer half of max, at least) */
    while (slots < max * 4 && slots < ((size_t)1 << 40))
        slots *= 2;
    memset(t, 0, sizeof *t);
    t->bucket_bytes = slots / SEEN_WAYS * sizeof *t->buckets;
    t->buckets = table_alloc(&t->bucket_bytes);
    if (with_times) {
        t->ts_bytes = slots * sizeof *t->first_ts;
        t->first_ts = table_alloc(&t->ts_bytes);
    }
    t->mask = slots / SEEN_WAYS - 1;
    if (!t->buckets || (with_times && !t->first_ts)) {
        sipcode__seen_free(t);
        return 0;
    }
    return 1;
}

void sipcode__seen_free(struct seen_table *t)
{
    table_free(t->buckets, t->bucket_bytes);
    table_free(t->first_ts, t->ts_bytes);
    t->buckets = NULL;
    t->first_ts = NULL;
}

void sipcode__seen_clear(struct seen_table *t)
{
    /* the kernel's zero pages come back on the next use: no need to write
     * pages that may never be read again */
    if (madvise(t->buckets, t->bucket_bytes, MADV_DONTNEED) != 0)
        memset(t->buckets, 0, (t->mask + 1) * sizeof *t->buckets);
    t->clock = 0;
}

size_t sipcode__seen_find(const struct seen_table *t, uint64_t key)
{
    const struct seen_bucket *b = &t->buckets[(size_t)key & t->mask];
    unsigned w;
    for (w = 0; w < SEEN_WAYS; w++)
        if (b->keys[w] == key)
            return ((size_t)key & t->mask) * SEEN_WAYS + w;
    return SEEN_NONE;
}

size_t sipcode__seen_add(struct seen_table *t, uint64_t key, uint64_t *forgotten)
{
    size_t bi = (size_t)key & t->mask;
    struct seen_bucket *b = &t->buckets[bi];
    unsigned w, victim = 0;
    uint32_t oldest = 0;
    for (w = 0; w < SEEN_WAYS; w++) {
        uint32_t age;
        if (b->keys[w] == 0) {
            victim = w;
            break;
        }
        /* ages by a 32-bit clock: differences stay right across its wrap */
        age = (uint32_t)(t->clock - b->stamp[w]);
        if (age >= oldest) {
            oldest = age;
            victim = w;
        }
    }
    if (w == SEEN_WAYS)
        ++*forgotten;
    b->keys[victim] = key;
    b->stamp[victim] = t->clock++;
    b->aux[victim] = 0;
    return bi * SEEN_WAYS + victim;
}
