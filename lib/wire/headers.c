/* Header field names: the ids of wire.h by full and compact name, their
 * canonical spelling, and lookups in a parsed message. */
#include "message.h"

/* Canonical names, indexed by id. Compact forms from RFC 3261 7.3.3 (v f t i
 * m l c k s e), RFC 3515 (r), RFC 3841 (a j d), RFC 3892 (b), RFC 4028 (x),
 * RFC 6665 (o u) and RFC 8224 (y). */
#define NAME(s) {s}, sizeof(s) - 1

const struct sipcode__header_name sipcode__header_names[SIPCODE_H__COUNT] = {
    [SIPCODE_H_OTHER] = {{0}, 0, 0},
    [SIPCODE_H_VIA] = {NAME("Via"), 'v'},
    [SIPCODE_H_FROM] = {NAME("From"), 'f'},
    [SIPCODE_H_TO] = {NAME("To"), 't'},
    [SIPCODE_H_CALL_ID] = {NAME("Call-ID"), 'i'},
    [SIPCODE_H_CSEQ] = {NAME("CSeq"), 0},
    [SIPCODE_H_CONTACT] = {NAME("Contact"), 'm'},
    [SIPCODE_H_CONTENT_LENGTH] = {NAME("Content-Length"), 'l'},
    [SIPCODE_H_CONTENT_TYPE] = {NAME("Content-Type"), 'c'},
    [SIPCODE_H_MAX_FORWARDS] = {NAME("Max-Forwards"), 0},
    [SIPCODE_H_REASON] = {NAME("Reason"), 0},
    [SIPCODE_H_WARNING] = {NAME("Warning"), 0},
    [SIPCODE_H_RETRY_AFTER] = {NAME("Retry-After"), 0},
    [SIPCODE_H_EXPIRES] = {NAME("Expires"), 0},
    [SIPCODE_H_REQUIRE] = {NAME("Require"), 0},
    [SIPCODE_H_SUPPORTED] = {NAME("Supported"), 'k'},
    [SIPCODE_H_UNSUPPORTED] = {NAME("Unsupported"), 0},
    [SIPCODE_H_SUBJECT] = {NAME("Subject"), 's'},
    [SIPCODE_H_CONTENT_ENCODING] = {NAME("Content-Encoding"), 'e'},
    [SIPCODE_H_EVENT] = {NAME("Event"), 'o'},
    [SIPCODE_H_ALLOW_EVENTS] = {NAME("Allow-Events"), 'u'},
    [SIPCODE_H_REFER_TO] = {NAME("Refer-To"), 'r'},
    [SIPCODE_H_REFERRED_BY] = {NAME("Referred-By"), 'b'},
    [SIPCODE_H_SESSION_EXPIRES] = {NAME("Session-Expires"), 'x'},
    [SIPCODE_H_IDENTITY] = {NAME("Identity"), 'y'},
    [SIPCODE_H_ACCEPT_CONTACT] = {NAME("Accept-Contact"), 'a'},
    [SIPCODE_H_REJECT_CONTACT] = {NAME("Reject-Contact"), 'j'},
    [SIPCODE_H_REQUEST_DISPOSITION] = {NAME("Request-Disposition"), 'd'},
    [SIPCODE_H_ALLOW] = {NAME("Allow"), 0},
    [SIPCODE_H_WWW_AUTHENTICATE] = {NAME("WWW-Authenticate"), 0},
    [SIPCODE_H_PROXY_AUTHENTICATE] = {NAME("Proxy-Authenticate"), 0},
    [SIPCODE_H_MIN_EXPIRES] = {NAME("Min-Expires"), 0},
    [SIPCODE_H_MIN_SE] = {NAME("Min-SE"), 0},
    [SIPCODE_H_RECV_INFO] = {NAME("Recv-Info"), 0},
    [SIPCODE_H_PERMISSION_MISSING] = {NAME("Permission-Missing"), 0},
    [SIPCODE_H_SECURITY_SERVER] = {NAME("Security-Server"), 0},
    [SIPCODE_H_RECORD_ROUTE] = {NAME("Record-Route"), 0},
    [SIPCODE_H_ROUTE] = {NAME("Route"), 0},
};

#undef NAME

/* Compact forms, 'a'..'z' -> id (0 = none), built from the table above by
 * hand so the lookup is one index. The test checks both agree. */
const unsigned char sipcode__header_compact_ids[26] = {
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

_Static_assert(SIPCODE_H__COUNT <= 255, "the id tables hold ids in unsigned char");

/* Full names by SIPCODE__HEADER_SLOT (message.h). The multiplier there was
 * picked so that no two names share a slot; a new name that collides makes
 * gcc's -Woverride-init (in -Wextra) warn, and the unit test, which looks
 * every name up, fail. */
#define SLOT SIPCODE__HEADER_SLOT

const unsigned char sipcode__header_slot[128] = {
    [SLOT(3, 'v', 'a')] = SIPCODE_H_VIA,
    [SLOT(4, 'f', 'm')] = SIPCODE_H_FROM,
    [SLOT(2, 't', 'o')] = SIPCODE_H_TO,
    [SLOT(7, 'c', 'd')] = SIPCODE_H_CALL_ID,
    [SLOT(4, 'c', 'q')] = SIPCODE_H_CSEQ,
    [SLOT(7, 'c', 't')] = SIPCODE_H_CONTACT,
    [SLOT(14, 'c', 'h')] = SIPCODE_H_CONTENT_LENGTH,
    [SLOT(12, 'c', 'e')] = SIPCODE_H_CONTENT_TYPE,
    [SLOT(12, 'm', 's')] = SIPCODE_H_MAX_FORWARDS,
    [SLOT(6, 'r', 'n')] = SIPCODE_H_REASON,
    [SLOT(7, 'w', 'g')] = SIPCODE_H_WARNING,
    [SLOT(11, 'r', 'r')] = SIPCODE_H_RETRY_AFTER,
    [SLOT(7, 'e', 's')] = SIPCODE_H_EXPIRES,
    [SLOT(7, 'r', 'e')] = SIPCODE_H_REQUIRE,
    [SLOT(9, 's', 'd')] = SIPCODE_H_SUPPORTED,
    [SLOT(11, 'u', 'd')] = SIPCODE_H_UNSUPPORTED,
    [SLOT(7, 's', 't')] = SIPCODE_H_SUBJECT,
    [SLOT(16, 'c', 'g')] = SIPCODE_H_CONTENT_ENCODING,
    [SLOT(5, 'e', 't')] = SIPCODE_H_EVENT,
    [SLOT(12, 'a', 's')] = SIPCODE_H_ALLOW_EVENTS,
    [SLOT(8, 'r', 'o')] = SIPCODE_H_REFER_TO,
    [SLOT(11, 'r', 'y')] = SIPCODE_H_REFERRED_BY,
    [SLOT(15, 's', 's')] = SIPCODE_H_SESSION_EXPIRES,
    [SLOT(8, 'i', 'y')] = SIPCODE_H_IDENTITY,
    [SLOT(14, 'a', 't')] = SIPCODE_H_ACCEPT_CONTACT,
    [SLOT(14, 'r', 't')] = SIPCODE_H_REJECT_CONTACT,
    [SLOT(19, 'r', 'n')] = SIPCODE_H_REQUEST_DISPOSITION,
    [SLOT(5, 'a', 'w')] = SIPCODE_H_ALLOW,
    [SLOT(16, 'w', 'e')] = SIPCODE_H_WWW_AUTHENTICATE,
    [SLOT(18, 'p', 'e')] = SIPCODE_H_PROXY_AUTHENTICATE,
    [SLOT(11, 'm', 's')] = SIPCODE_H_MIN_EXPIRES,
    [SLOT(6, 'm', 'e')] = SIPCODE_H_MIN_SE,
    [SLOT(9, 'r', 'o')] = SIPCODE_H_RECV_INFO,
    [SLOT(18, 'p', 'g')] = SIPCODE_H_PERMISSION_MISSING,
    [SLOT(15, 's', 'r')] = SIPCODE_H_SECURITY_SERVER,
    [SLOT(12, 'r', 'e')] = SIPCODE_H_RECORD_ROUTE,
    [SLOT(5, 'r', 'e')] = SIPCODE_H_ROUTE,
};

#undef SLOT

enum sipcode_header_id sipcode_header_id(const char *name, size_t len)
{
    if (!name || len == 0)
        return SIPCODE_H_OTHER;
    return sipcode__header_id((const unsigned char *)name, len);
}

const char *sipcode_header_name(enum sipcode_header_id id)
{
    if ((unsigned)id >= SIPCODE_H__COUNT || id == SIPCODE_H_OTHER)
        return NULL;
    return sipcode__header_names[id].name;
}

char sipcode__header_compact(enum sipcode_header_id id)
{
    if ((unsigned)id >= SIPCODE_H__COUNT)
        return 0;
    return sipcode__header_names[id].compact;
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
