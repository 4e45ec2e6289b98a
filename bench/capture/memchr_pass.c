/* memchr_pass - the cost of touching every byte of a file once: mmap it and
 * make one pass with memchr, counting a byte. The floor a capture reader
 * cannot go under; the capture benchmark compares 'sipcode stats' with it.
 *
 *   memchr_pass [--byte N] FILE
 *
 * Prints "bytes=... matches=... seconds=..." (the time of the pass, mmap
 * included). The byte defaults to 0x0a, the LF ending every SIP line, so the
 * pass stops at each line as a SIP scanner must; --byte 0xff (rare in SIP
 * captures) measures memchr running through memory almost without stopping. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    int byte = '\n', fd, a = 1;
    struct stat sb;
    const unsigned char *base, *p, *end;
    unsigned long long matches = 0;
    double t0, t1;
    if (argc == 4 && strcmp(argv[1], "--byte") == 0) {
        byte = (int)strtol(argv[2], NULL, 0) & 0xff;
        a = 3;
    }
    if (argc != a + 1) {
        fprintf(stderr, "usage: memchr_pass [--byte N] FILE\n");
        return 2;
    }
    fd = open(argv[a], O_RDONLY);
    if (fd < 0 || fstat(fd, &sb) != 0 || sb.st_size == 0) {
        perror(argv[a]);
        return 3;
    }
    t0 = now_s();
    base = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (base == MAP_FAILED) {
        perror("mmap");
        return 3;
    }
    p = base;
    end = base + sb.st_size;
    while (p < end) {
        const unsigned char *hit = memchr(p, byte, (size_t)(end - p));
        if (!hit)
            break;
        matches++;
        p = hit + 1;
    }
    t1 = now_s();
    printf("bytes=%lld matches=%llu seconds=%.6f\n", (long long)sb.st_size, matches, t1 - t0);
    munmap((void *)base, (size_t)sb.st_size);
    close(fd);
    return 0;
}
