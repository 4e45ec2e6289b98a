/* sipcode/core.h - error codes, version and byte slices shared by every layer.
 *
 * Nothing here allocates, prints or keeps state; every function is thread-safe. */
#ifndef SIPCODE_CORE_H
#define SIPCODE_CORE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SIPCODE_VERSION_MAJOR  0
#define SIPCODE_VERSION_MINOR  1
#define SIPCODE_VERSION_PATCH  0
#define SIPCODE_VERSION_STRING "0.1.0"

/* Every error the library can return, written once: name, number, message.
 * Numbers are stable ABI; new errors are appended. */
#define SIPCODE_ERROR_LIST(X)                                                                      \
    X(SIPCODE_OK, 0, "no error")                                                                   \
    X(SIPCODE_EINCOMPLETE, 1, "input ends before the element is complete")                         \
    X(SIPCODE_EMALFORMED, 2, "input does not match the grammar")                                   \
    X(SIPCODE_ERANGE, 3, "number outside the allowed range")                                       \
    X(SIPCODE_ENOSPACE, 4, "output buffer is too small")                                           \
    X(SIPCODE_EIO, 5, "system call or capture library failed")                                     \
    X(SIPCODE_ENOTFOUND, 6, "no such entry")                                                       \
    X(SIPCODE_EINVAL, 7, "invalid argument")                                   \
    X(SIPCODE_EVERSION, 8, "protocol version is not SIP/2.0")                  \
    X(SIPCODE_ELIMIT, 9, "more items than the caller's array or a parser limit allows")         \
    X(SIPCODE_EAMPLIFY, 10, "reply would outgrow the request it answers")

enum sipcode_err {
#define SIPCODE_AS_ENUM(name, num, text) name = num,
    SIPCODE_ERROR_LIST(SIPCODE_AS_ENUM)
#undef SIPCODE_AS_ENUM
};

/* Human-readable message for an error code; never NULL, even for values that
 * are not errors ("unknown error"). The string is static. */
const char *sipcode_strerror(int err);

/* The constant's name ("SIPCODE_EMALFORMED"); never NULL ("SIPCODE_UNKNOWN"
 * for junk values). */
const char *sipcode_errname(int err);

/* Library version, "MAJOR.MINOR.PATCH", of the library actually linked (which
 * may differ from SIPCODE_VERSION_STRING of the header compiled against). */
const char *sipcode_version(void);

/* A run of bytes inside a caller's buffer. Not NUL-terminated; valid as long
 * as that buffer is. */
struct sipcode_slice {
    const char *ptr;
    size_t len;
};

#ifdef __cplusplus
}
#endif

#endif /* SIPCODE_CORE_H */
