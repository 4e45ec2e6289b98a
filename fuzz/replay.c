/* A plain main for the fuzz targets: replays files (or every file of the
 * directories) given as arguments, so gcc builds without libFuzzer run the
 * corpus in 'make check'. Prints "replay: N inputs" and fails on a trap. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long size;
    if (!f) {
        perror(path);
        return -1;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return -1;
    }
    /* An exact-size heap copy: ASan flags any read past the input. */
    buf = malloc(size ? (size_t)size : 1);
    if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        free(buf);
        return -1;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(buf, (size_t)size);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    int i, count = 0;
    for (i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            perror(argv[i]);
            return 1;
        }
        if (S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[i]);
            struct dirent *ent;
            if (!d)
                return 1;
            while ((ent = readdir(d)) != NULL) {
                char path[4096];
                if (ent->d_name[0] == '.')
                    continue;
                snprintf(path, sizeof path, "%s/%s", argv[i], ent->d_name);
                if (replay_file(path) != 0)
                    return 1;
                count++;
            }
            closedir(d);
        } else {
            if (replay_file(argv[i]) != 0)
                return 1;
            count++;
        }
    }
    printf("replay: %d inputs\n", count);
    return 0;
}
