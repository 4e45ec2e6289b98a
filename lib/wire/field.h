/* Private helpers for the pieces header field values are made of (RFC 3261
 * 25.1): linear white space, tokens, quoted-strings, hosts. Used by the
 * Reason and Warning parsers and formatters. Nothing here allocates, and
 * nothing reads at or past the scan's end.
 *
 * Scanning helpers that fail leave s->at on the offending byte (or at the
 * end of input) and set *why to a static description, so the caller can
 * report scan_offset() in its diag. */
#ifndef SIPCODE_WIRE_FIELD_H
#define SIPCODE_WIRE_FIELD_H

#include <stddef.h>

#include "scan.h"

/* SWS = [LWS], LWS = [*WSP CRLF] 1*WSP: moves past white space including one
 * folded line end. A CRLF not followed by SP/HTAB is left alone (it is not
 * white space, and the caller rejects it). */
void sipcode__skip_sws(struct scan *s);

/* Number of token bytes starting at s->at (RFC 3261 25.1 token). */
size_t sipcode__token_len(const struct scan *s);

/* A quoted-string whose opening DQUOTE is at s->at: qdtext (with folded
 * LWS), quoted-pairs of any ASCII byte but CR and LF, and valid UTF-8. On
 * SIPCODE_OK, *inner is the content between the quotes, escapes kept, and
 * s->at is past the closing quote. The input is a complete header value, so
 * running out of bytes before the closing quote is SIPCODE_EMALFORMED. */
enum sipcode_err sipcode__take_quoted(struct scan *s, struct sipcode_slice *inner,
                                      const char **why);

/* Length of the IPv6reference "[" IPv6address "]" at p[0..avail), or 0 when
 * the bytes there are not one. IPv6address follows RFC 4291 section 2.2 (the
 * corrected grammar RFC 5118 section 4.10 asks for): eight groups, or fewer
 * with one "::", optionally ending in a dotted IPv4 address. */
size_t sipcode__ipv6_reference_len(const unsigned char *p, size_t avail);

/* Whether p[0..n) is, in full, an RFC 3261 hostname (labels of alphanumerics
 * and inner hyphens, the last one starting with a letter, an optional final
 * dot) or an IPv4address (four groups of 1..3 digits, each at most 255). */
int sipcode__is_hostname(const unsigned char *p, size_t n);
int sipcode__is_ipv4(const unsigned char *p, size_t n);

/* Checks text[0..len) for a formatter that writes it as a quoted-string's
 * content: SIPCODE_EMALFORMED for CR, LF, other controls than HTAB and
 * invalid UTF-8. On SIPCODE_OK *size is the length once '"' and '\' are
 * escaped. */
enum sipcode_err sipcode__quote_size(const char *text, size_t len, size_t *size);

/* Writes text[0..len) with '"' and '\' escaped to dst (the size that
 * sipcode__quote_size() reported); returns the bytes written. */
size_t sipcode__quote_put(char *dst, const char *text, size_t len);

/* Parses a header value that is a comma-separated list (COMMA = SWS ","
 * SWS) of items, each read by take_item into a struct of item_size bytes.
 * The whole list is validated before anything is written, so out[0..cap)
 * is filled only when every item parses; *count gets the number of items,
 * which may exceed cap (then SIPCODE_ELIMIT). what names the item in
 * messages ("Reason"). Serves sipcode_parse_reason and _warning. */
typedef enum sipcode_err (*sipcode__take_item_fn)(struct scan *s, void *item,
                                                  struct sipcode_diag *diag);
enum sipcode_err sipcode__parse_list(const char *buf, size_t len, sipcode__take_item_fn take_item,
                                     void *scratch, void *out, size_t item_size, size_t cap,
                                     size_t *count, struct sipcode_diag *diag,
                                     const char *after_item, const char *too_many);

#endif
