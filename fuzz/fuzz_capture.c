/* Fuzz target for the statistics engine (sipcode_stats_add_packet()). The
 * first two bytes pick the link type; the rest is a run of frames, each a
 * two-byte big-endian length (bit 15 set: the frame was cut by snaplen, so
 * wire_len is larger) and that many bytes. Small caps make the engine hit
 * every limit. Properties, not only survival:
 *  - no read past a frame (each is copied to an exact-size buffer);
 *  - no counter ever decreases, before or after sipcode_stats_finish();
 *  - requests + responses == sip_messages, so responses <= sip_messages;
 *  - retransmissions add up, and the per-code and per-class counts sum to
 *    responses;
 *  - merged into an empty engine, the counts come out the same;
 *  - everything is freed (LeakSanitizer). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sipcode.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int linktypes[] = {
    SIPCODE_LINKTYPE_EN10MB,     SIPCODE_LINKTYPE_NULL,   SIPCODE_LINKTYPE_LOOP,
    SIPCODE_LINKTYPE_RAW,        SIPCODE_LINKTYPE_RAW_12, SIPCODE_LINKTYPE_RAW_14,
    SIPCODE_LINKTYPE_IPV4,       SIPCODE_LINKTYPE_IPV6,   SIPCODE_LINKTYPE_LINUX_SLL,
    SIPCODE_LINKTYPE_LINUX_SLL2, 147 /* unsupported */,
};

#define N_COUNTERS (sizeof(struct sipcode_stats_counters) / sizeof(uint64_t))

static void snapshot(const struct sipcode_stats *st, uint64_t *out)
{
    struct sipcode_stats_counters c;
    sipcode_stats_get_counters(st, &c);
    memcpy(out, &c, sizeof c);
}

static void check(const struct sipcode_stats *st, uint64_t *prev)
{
    struct sipcode_stats_counters c;
    uint64_t now[N_COUNTERS], by_code = 0, by_class = 0, retrans = 0;
    size_t i;
    int code;
    snapshot(st, now);
    for (i = 0; i < N_COUNTERS; i++)
        if (now[i] < prev[i])
            __builtin_trap();
    memcpy(prev, now, sizeof now);
    sipcode_stats_get_counters(st, &c);
    if (c.requests + c.responses != c.sip_messages || c.responses > c.sip_messages)
        __builtin_trap();
    if (c.retransmissions != c.request_retransmissions + c.response_retransmissions)
        __builtin_trap();
    for (code = 100; code <= 699; code++) {
        by_code += sipcode_stats_responses(st, code);
        retrans += sipcode_stats_response_retransmissions(st, code);
        if (sipcode_stats_response_retransmissions(st, code) > sipcode_stats_responses(st, code))
            __builtin_trap();
    }
    for (code = 1; code <= 6; code++)
        by_class += sipcode_stats_class(st, code);
    if (by_code != c.responses || by_class != c.responses || retrans != c.response_retransmissions)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sipcode_stats_config cfg = {0};
    struct sipcode_stats *st;
    uint64_t prev[N_COUNTERS] = {0}, ts = 1;
    int linktype;
    size_t pos = 2;
    if (size < 2)
        return 0;
    linktype =
        linktypes[((unsigned)data[0] << 8 | data[1]) % (sizeof linktypes / sizeof *linktypes)];
    cfg.max_flows = 8;
    cfg.max_flow_bytes = 4096;
    cfg.max_total_bytes = 16384;
    cfg.max_fragment_bytes = 16384;
    cfg.max_fragments = 4;
    cfg.max_transactions = 16;
    cfg.idle_timeout_ns = 1000000000ull;
    st = sipcode_stats_new(&cfg);
    if (!st)
        return 0;
    while (pos + 2 <= size) {
        unsigned field = (unsigned)data[pos] << 8 | data[pos + 1];
        size_t len = field & 0x7fffu, wire;
        uint8_t *frame;
        pos += 2;
        if (len > size - pos)
            len = size - pos;
        wire = field & 0x8000u ? len + 100 : len;
        frame = malloc(len ? len : 1);
        if (!frame)
            break;
        if (len)
            memcpy(frame, data + pos, len);
        pos += len;
        ts += (uint64_t)(field & 0xffu) * 10000000ull; /* up to 2.5 s between frames */
        if (sipcode_stats_add_packet(st, frame, len, wire, linktype, ts) != SIPCODE_OK)
            __builtin_trap();
        free(frame);
        check(st, prev);
    }
    sipcode_stats_finish(st);
    check(st, prev);
    {
        struct sipcode_stats *total = sipcode_stats_new(&cfg);
        uint64_t merged[N_COUNTERS];
        if (total) {
            if (sipcode_stats_merge(total, st) != SIPCODE_OK)
                __builtin_trap();
            snapshot(total, merged);
            if (memcmp(merged, prev, sizeof merged) != 0 ||
                sipcode_stats_responses(total, 200) != sipcode_stats_responses(st, 200))
                __builtin_trap();
            sipcode_stats_free(total);
        }
    }
    sipcode_stats_free(st);
    return 0;
}
