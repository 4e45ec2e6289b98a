/* Private: the generated warn-code table (lib/wire/warn_data.c, written by
 * data/gen_warn.c from data/warn_codes.txt). */
#ifndef SIPCODE_WARN_DATA_H
#define SIPCODE_WARN_DATA_H

#include <stddef.h>

#include "sipcode/wire.h"

/* Sorted by code, strictly increasing. */
extern const struct sipcode_warn_info sipcode__warn_table[];
extern const size_t sipcode__warn_count;
extern const char sipcode__warn_version[]; /* the data file's registry-version */

#endif
