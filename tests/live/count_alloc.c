/* count_alloc.so: an LD_PRELOAD shim that counts malloc, calloc and realloc
 * calls and writes the count to $ALLOC_COUNT_FILE when the process exits.
 * The live tests use it to show that answering a scrape allocates nothing
 * (the exporter renders into the buffer it allocated at start). It calls
 * glibc's own entry points, so no dlsym (which allocates) is needed. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);

static unsigned long allocations;

void *malloc(size_t size)
{
    __atomic_add_fetch(&allocations, 1, __ATOMIC_RELAXED);
    return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
    __atomic_add_fetch(&allocations, 1, __ATOMIC_RELAXED);
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
    __atomic_add_fetch(&allocations, 1, __ATOMIC_RELAXED);
    return __libc_realloc(p, size);
}

__attribute__((destructor)) static void report(void)
{
    unsigned long n = allocations; /* before fopen allocates */
    const char *path = getenv("ALLOC_COUNT_FILE");
    FILE *f;
    if (path && (f = fopen(path, "w")) != NULL) {
        fprintf(f, "%lu\n", n);
        fclose(f);
    }
}
