/* GENERATED from data/warn_codes.txt by data/gen_warn.c: do not edit.
 * Change the data file and run 'make regen'. */
/* clang-format off */
#include "warn_data.h"

const struct sipcode_warn_info sipcode__warn_table[] = {
    {300, "Incompatible network protocol", "RFC 3261",
     "The offer's session description asks for a network type (the network field of its connection lines) that the sender cannot use. Offer a network type the answerer supports, in practice IN."},
    {301, "Incompatible network address formats", "RFC 3261",
     "The session description uses an address family or format that the sender cannot use, such as IPv6 towards an IPv4-only endpoint or an E.164 number where an IP address is needed. Offer addresses of a kind the answerer can reach."},
    {302, "Incompatible transport protocol", "RFC 3261",
     "A media transport named in the session description (the protocol field of a media line, such as RTP/SAVP) is not available at the sender. Offer another transport, or a plain one beside the secure one."},
    {303, "Incompatible bandwidth units", "RFC 3261",
     "The sender did not understand the unit or modifier of a bandwidth line in the session description. Use a modifier both ends know (AS, CT, or TIAS where supported) or leave the line out."},
    {304, "Media type not available", "RFC 3261",
     "A kind of media in the offer (audio, video, text, application and so on) is not supported by the sender. Offer the media kinds it has, or expect that stream to be refused."},
    {305, "Incompatible media format", "RFC 3261",
     "The sender supports none of the formats (codecs, payload types) offered for a stream: a codec mismatch. Add a format both ends share, or transcode in between."},
    {306, "Attribute not understood", "RFC 3261",
     "The sender does not support one or more media attributes (attribute lines) of the session description. Check which attribute it objects to in the warn-text, and drop or replace it."},
    {307, "Session description parameter not understood", "RFC 3261",
     "Some part of the session description other than those the codes 300 to 306 cover was not understood. The warn-text usually names the parameter."},
    {308, "Incompatible language specification", "RFC 8373",
     "None of the human languages asked for in the offer's language negotiation attributes can be provided for the media offered. The warn-text lists the languages and media the sender does support, so the caller can retry with one of them."},
    {330, "Multicast not available", "RFC 3261",
     "The session asks for multicast, but the network where the sender's user is located cannot do multicast. Offer a unicast session."},
    {331, "Unicast not available", "RFC 3261",
     "The session asks for unicast, but the sender's site cannot do it, typically because a firewall lets no unicast media through. Offer multicast or traverse the firewall another way."},
    {370, "Insufficient bandwidth", "RFC 3261",
     "The bandwidth the session description asks for, or that its media need, is more than the sender knows to be available. Offer fewer streams or a lower-rate codec."},
    {380, "SIPS Not Allowed", "RFC 5630",
     "The UAS or proxy refuses the request because it cannot accept the SIPS scheme for it, for instance because the target has no SIPS contact registered. Retry with a sip URI if policy allows."},
    {381, "SIPS Required", "RFC 5630",
     "The UAS or proxy refuses the request because only the SIPS scheme is acceptable for it. Retry with a sips URI over TLS end to end."},
    {399, "Miscellaneous warning", "RFC 3261",
     "Free-form information for a person to read or for a log. A receiver must take no automatic action because of it; show or record the warn-text."},
};

const size_t sipcode__warn_count = 15;
const char sipcode__warn_version[] = "2026-11-21";
