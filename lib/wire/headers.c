/* Header field names: the ids of wire.h by full and compact name, their
 * canonical spelling, and lookups in a parsed message. */
#include "message.h"

/* Canonical names, indexed by id. Compact forms from RFC 3261 7.3.3 (v f t i
 * m l c k s e), RFC 3515 (r), RFC 3841 (a j d), RFC 3892 (b), RFC 4028 (x),
 * RFC 6665 (o u) and RFC 8224 (y). */
static const struct {
    const char *name;
    char compact; /* lower case, 0 when none */
} header_names[SIPCODE_H__COUNT] = {
    [SIPCODE_H_OTHER] = {NULL, 0},
    [SIPCODE_H_VIA] = {"Via", 'v'},
    [SIPCODE_H_FROM] = {"From", 'f'},
    [SIPCODE_H_TO] = {"To", 't'},
    [SIPCODE_H_CALL_ID] = {"Call-ID", 'i'},
    [SIPCODE_H_CSEQ] = {"CSeq", 0},
    [SIPCODE_H_CONTACT] = {"Contact", 'm'},
    [SIPCODE_H_CONTENT_LENGTH] = {"Content-Length", 'l'},
    [SIPCODE_H_CONTENT_TYPE] = {"Content-Type", 'c'},
    [SIPCODE_H_MAX_FORWARDS] = {"Max-Forwards", 0},
    [SIPCODE_H_REASON] = {"Reason", 0},
    [SIPCODE_H_WARNING] = {"Warning", 0},
    [SIPCODE_H_RETRY_AFTER] = {"Retry-After", 0},
    [SIPCODE_H_EXPIRES] = {"Expires", 0},
    [SIPCODE_H_REQUIRE] = {"Require", 0},
    [SIPCODE_H_SUPPORTED] = {"Supported", 'k'},
    [SIPCODE_H_UNSUPPORTED] = {"Unsupported", 0},
    [SIPCODE_H_SUBJECT] = {"Subject", 's'},
    [SIPCODE_H_CONTENT_ENCODING] = {"Content-Encoding", 'e'},
    [SIPCODE_H_EVENT] = {"Event", 'o'},
    [SIPCODE_H_ALLOW_EVENTS] = {"Allow-Events", 'u'},
    [SIPCODE_H_REFER_TO] = {"Refer-To", 'r'},
    [SIPCODE_H_REFERRED_BY] = {"Referred-By", 'b'},
    [SIPCODE_H_SESSION_EXPIRES] = {"Session-Expires", 'x'},
    [SIPCODE_H_IDENTITY] = {"Identity", 'y'},
    [SIPCODE_H_ACCEPT_CONTACT] = {"Accept-Contact", 'a'},
    [SIPCODE_H_REJECT_CONTACT] = {"Reject-Contact", 'j'},
    [SIPCODE_H_REQUEST_DISPOSITION] = {"Request-Disposition", 'd'},
    [SIPCODE_H_ALLOW] = {"Allow", 0},
    [SIPCODE_H_WWW_AUTHENTICATE] = {"WWW-Authenticate", 0},
    [SIPCODE_H_PROXY_AUTHENTICATE] = {"Proxy-Authenticate", 0},
    [SIPCODE_H_MIN_EXPIRES] = {"Min-Expires", 0},
    [SIPCODE_H_MIN_SE] = {"Min-SE", 0},
    [SIPCODE_H_RECV_INFO] = {"Recv-Info", 0},
    [SIPCODE_H_PERMISSION_MISSING] = {"Permission-Missing", 0},
    [SIPCODE_H_SECURITY_SERVER] = {"Security-Server", 0},
    [SIPCODE_H_RECORD_ROUTE] = {"Record-Route", 0},
    [SIPCODE_H_ROUTE] = {"Route", 0},
};

/* Compact forms, 'a'..'z' -> id (0 = none), built from the table above by
 * hand so the lookup is one index. The test checks both agree. */
static const unsigned char compact_ids[26] = {
    ['a' - 'a'] = SIPCODE_H_ACCEPT_CONTACT,
    ['b' - 'a'] = SIPCODE_H_REFERRED_BY,
    ['c' - 'a'] = SIPCODE_H_CONTENT_TYPE,
    ['d' - 'a'] = SIPCODE_H_REQUEST_DISPOSITION,
    ['e' - 'a'] = SIPCODE_H_CONTENT_ENCODING,
    ['f' - 'a'] = SIPCODE_H_FROM,
    ['i' - 'a'] = SIPCODE_H_CALL_ID,
    ['j' - 'a'] = SIPCODE_H_REJECT_CONTACT,
    ['k' - 'a'] = SIPCODE_H_SUPPORTED,
    ['l' - 'a'] = SIPCODE_H_CONTENT_LENGTH,
    ['m' - 'a'] = SIPCODE_H_CONTACT,
    ['o' - 'a'] = SIPCODE_H_EVENT,
    ['r' - 'a'] = SIPCODE_H_REFER_TO,
    ['s' - 'a'] = SIPCODE_H_SUBJECT,
    ['t' - 'a'] = SIPCODE_H_TO,
    ['u' - 'a'] = SIPCODE_H_ALLOW_EVENTS,
    ['v' - 'a'] = SIPCODE_H_VIA,
    ['x' - 'a'] = SIPCODE_H_SESSION_EXPIRES,
    ['y' - 'a'] = SIPCODE_H_IDENTITY,
};

_Static_assert(SIPCODE_H__COUNT <= 255, "compact_ids holds ids in unsigned char");

enum sipcode_header_id sipcode_header_id(const char *name, size_t len)
{
    size_t i;
    if (!name || len == 0)
        return SIPCODE_H_OTHER;
    if (len == 1) {
        unsigned c = (unsigned char)name[0];
        if (c >= 'A' && c <= 'Z')
            c += 'a' - 'A';
        if (c < 'a' || c > 'z')
            return SIPCODE_H_OTHER;
        return (enum sipcode_header_id)compact_ids[c - 'a'];
    }
    /* A few dozen names: a linear scan with a cheap first-byte filter is as
     * fast as anything fancier for header names this short. */
    for (i = 1; i < SIPCODE_H__COUNT; i++) {
        const char *n = header_names[i].name;
        if (((unsigned char)n[0] | 0x20) == ((unsigned char)name[0] | 0x20) &&
            sipcode__equal_nocase(name, len, n))
            return (enum sipcode_header_id)i;
    }
    return SIPCODE_H_OTHER;
}

const char *sipcode_header_name(enum sipcode_header_id id)
{
    if ((unsigned)id >= SIPCODE_H__COUNT)
        return NULL;
    return header_names[id].name;
}

char sipcode__header_compact(enum sipcode_header_id id)
{
    if ((unsigned)id >= SIPCODE_H__COUNT)
        return 0;
    return header_names[id].compact;
}

const struct sipcode_header *sipcode_message_find(const struct sipcode_message *msg,
                                                  const char *name, size_t name_len,
                                                  const struct sipcode_header *after)
{
    enum sipcode_header_id id;
    size_t i = 0;
    if (!msg || !name || name_len == 0 || !msg->headers)
        return NULL;
    if (after) {
        /* Equality, not ordering, so a pointer from elsewhere is harmless. */
        for (i = 0; i < msg->header_count && &msg->headers[i] != after; i++)
            ;
        if (i == msg->header_count)
            return NULL;
        i++;
    }
    id = sipcode_header_id(name, name_len);
    for (; i < msg->header_count; i++) {
        const struct sipcode_header *h = &msg->headers[i];
        if (id != SIPCODE_H_OTHER ? h->id == id
                                  : (h->id == SIPCODE_H_OTHER && h->name.len == name_len &&
                                     sipcode__equal_nocase_n(h->name.ptr, name, name_len)))
            return h;
    }
    return NULL;
}
