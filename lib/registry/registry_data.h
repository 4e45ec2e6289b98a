/* Private: the generated registry tables (lib/registry/registry_data.c). */
#ifndef SIPCODE_REGISTRY_DATA_H
#define SIPCODE_REGISTRY_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "sipcode/registry.h"

/* sipcode__registry_index covers codes SIPCODE_INDEX_BASE..SIPCODE_INDEX_LAST
 * (data/gen_registry.c uses the same bounds). */
#define SIPCODE_INDEX_BASE 100
#define SIPCODE_INDEX_LAST 799

extern const struct sipcode_info sipcode__registry[];
extern const size_t sipcode__registry_count;
extern const short sipcode__registry_index[SIPCODE_INDEX_LAST - SIPCODE_INDEX_BASE + 1];
extern const char sipcode__registry_version[];
extern const int sipcode__registry_iana_count;

/* Search index (see data/gen_registry.c): sorted lower-case words; for word
 * i, sipcode__word_bits holds sipcode__bitset_words words of the bitset of
 * entries having it in code, phrase, name or aliases ("strong"), then as many
 * for entries having it in their meaning ("weak"). */
#define SIPCODE_MAX_BITSET_WORDS 8
extern const size_t sipcode__word_count;
extern const size_t sipcode__bitset_words;
extern const char *const sipcode__words[];
extern const uint64_t sipcode__word_bits[];

#endif
