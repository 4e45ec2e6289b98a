/* Private: the generated Q.850 tables (lib/semantics/q850_data.c, written by
 * data/gen_q850.c from data/q850.txt and data/q850_map.txt). */
#ifndef SIPCODE_Q850_DATA_H
#define SIPCODE_Q850_DATA_H

#include <stddef.h>

#include "sipcode/semantics.h"

/* One row of a profile's table: cause -> SIP code (to-sip) or SIP code ->
 * cause (from-sip). value 0: the source gives none. */
struct sipcode__q850_row {
    int key;
    int value;
    const char *why; /* "<source>: KEY -> VALUE (notes)" */
};

/* What a profile answers for a key without a row. */
struct sipcode__q850_default {
    int value; /* 0: none */
    const char *why;
};

/* The opaque profile of sipcode/semantics.h. Rows are sorted by key,
 * strictly increasing. */
struct sipcode_q850_profile {
    const char *name, *title, *source;
    const struct sipcode__q850_row *to_sip; /* NULL when the source has no such table */
    size_t to_sip_count;
    struct sipcode__q850_default to_sip_default;
    const struct sipcode__q850_row *from_sip;
    size_t from_sip_count;
    struct sipcode__q850_default from_sip_default[6]; /* by class, 1xx..6xx */
};

/* Sorted by cause, strictly increasing. */
extern const struct sipcode_q850_info sipcode__q850_table[];
extern const size_t sipcode__q850_count;
extern const char sipcode__q850_version[]; /* q850.txt's q850-table-version */

/* In data file order; the first is rfc3398, the default. */
extern const struct sipcode_q850_profile sipcode__q850_profiles[];
extern const size_t sipcode__q850_profile_count;
extern const char sipcode__q850_map_version[]; /* q850_map.txt's map-version */

#endif
