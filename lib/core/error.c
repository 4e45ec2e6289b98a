/* Error names and messages, expanded from SIPCODE_ERROR_LIST so the enum, the
 * names and the messages can never drift apart. */
#include "sipcode/core.h"

const char *sipcode_strerror(int err)
{
    /* A switch rather than an array index: junk values (negative, huge) must
     * get a message too, never an out-of-bounds read. */
    switch (err) {
#define SIPCODE_AS_CASE(name, num, text)                                                           \
    case num:                                                                                      \
        return text;
        SIPCODE_ERROR_LIST(SIPCODE_AS_CASE)
#undef SIPCODE_AS_CASE
    default:
        return "unknown error";
    }
}

const char *sipcode_errname(int err)
{
    switch (err) {
#define SIPCODE_AS_CASE(name, num, text)                                                           \
    case num:                                                                                      \
        return #name;
        SIPCODE_ERROR_LIST(SIPCODE_AS_CASE)
#undef SIPCODE_AS_CASE
    default:
        return "SIPCODE_UNKNOWN";
    }
}

const char *sipcode_version(void)
{
    return SIPCODE_VERSION_STRING;
}
