/* sipcode.h - the SIP response code toolkit: include this one header.
 *
 * Layers (lowest first): core (errors, slices, version), registry (every
 * response code and what it means), wire (parsers and formatters for status
 * lines, Reason, Warning and message framing), semantics (best response,
 * Q.850 mapping, what a response must carry and what it does), capture
 * (per-code statistics over captured frames; this layer allocates), responder
 * (build replies, server transactions, the UDP/TCP loop). */
#ifndef SIPCODE_H
#define SIPCODE_H

#include "sipcode/core.h"
#include "sipcode/codes.h"
#include "sipcode/registry.h"
#include "sipcode/wire.h"
#include "sipcode/semantics.h"
#include "sipcode/capture.h"
#include "sipcode/responder.h"

#endif /* SIPCODE_H */
