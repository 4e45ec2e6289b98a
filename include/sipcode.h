/* sipcode.h - the SIP response code toolkit: include this one header.
 *
 * Layers (lowest first): core (errors, slices, version), registry (every
 * response code and what it means). */
#ifndef SIPCODE_H
#define SIPCODE_H

#include "sipcode/core.h"
#include "sipcode/codes.h"
#include "sipcode/registry.h"

#endif /* SIPCODE_H */
