/* sipcode.h - the SIP response code toolkit: include this one header.
 *
 * Layers (lowest first): core (errors, slices, version), registry (every
 * response code and what it means), wire (parsers and formatters for status
 * lines, Reason, Warning and message framing). */
#ifndef SIPCODE_H
#define SIPCODE_H

#include "sipcode/core.h"
#include "sipcode/codes.h"
#include "sipcode/registry.h"
#include "sipcode/wire.h"

#endif /* SIPCODE_H */
