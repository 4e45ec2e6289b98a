/* Server transactions (RFC 3261 section 17.2, RFC 6026): matching of
 * retransmissions, ACK and CANCEL, and the timers that resend or expire,
 * driven by the caller's clock (now_ms arguments: no clock in here).
 *
 * Memory: one allocation at creation - slots, their reply buffers, two hash
 * indexes and a timer heap - sized by cap; nothing after. */
#include <stdlib.h>
#include <string.h>

#include "sipcode/responder.h"
#include "../wire/scan.h"

#define KEY_MAX 160   /* a longer transaction key: answered statelessly */
#define KEYS_ROOM 192 /* both keys of a slot; a dialog key that does not fit is not indexed */

enum state {
    S_FREE = 0,
    S_TRYING,     /* nothing sent yet */
    S_PROCEEDING, /* a provisional went out */
    S_COMPLETED,  /* a non-2xx final went out (INVITE: waits for ACK) */
    S_CONFIRMED,  /* INVITE: ACK came, Timer I runs */
    S_ACCEPTED    /* INVITE: a 2xx went out, resent until ACK (RFC 6026, 13.3.1.4) */
};

struct slot {
    uint32_t next_key, next_dlg; /* hash chains, slot numbers (0 = end) */
    uint32_t heap_pos;           /* 1-based position in the heap, 0 = not there */
    uint32_t key_hash, dlg_hash;
    uint16_t key_len, dlg_len;
    uint8_t state, invite, reliable, acked;
    int last_code, pending_code;
    size_t last_len, pending_len, request_len;
    uint64_t due, retrans_due, pending_due, deadline;
    unsigned interval;
    struct sipcode_addr peer;
    uint64_t conn;
    char *big;           /* replies too long for the slot's share of the arena */
    size_t big_cap;
    char key[KEYS_ROOM]; /* the transaction key, then the dialog key */
};

struct heap_entry {
    uint64_t due;
    uint32_t id;
};

struct sipcode_txn_table {
    size_t cap, reply_cap, count, peak, heap_n;
    size_t big_bytes, big_budget; /* overflow buffers in use, and their limit */
    unsigned t1, t2, t4;
    uint32_t mask;
    uint32_t free_head;
    struct slot *slots;   /* [1..cap]; slot 0 unused */
    uint32_t *key_index;  /* buckets */
    uint32_t *dlg_index;
    struct heap_entry *heap; /* [1..heap_n] by due; the key beside the id keeps the
                                sift loops in one array, not in the slots */
    char *replies;        /* cap * reply_cap */
};

static uint32_t hash(const char *p, size_t n)
{
    uint32_t h = 2166136261u;
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 16777619u;
    }
    return h;
}

enum sipcode_err sipcode_txn_table_create(const struct sipcode_txn_config *cfg,
                                          struct sipcode_txn_table **out)
{
    struct sipcode_txn_table *t;
    size_t cap, buckets = 1, i;
    if (!out)
        return SIPCODE_EINVAL;
    cap = cfg && cfg->cap ? cfg->cap : 65536;
    if (cap > 16u * 1024 * 1024)
        return SIPCODE_EINVAL;
    while (buckets < cap * 2)
        buckets <<= 1;
    t = calloc(1, sizeof *t);
    if (!t)
        return SIPCODE_EIO;
    t->cap = cap;
    t->reply_cap = cfg && cfg->reply_cap ? cfg->reply_cap : 1024;
    t->big_budget = cfg && cfg->overflow_budget ? cfg->overflow_budget : 16u * 1024 * 1024;
    t->t1 = cfg && cfg->t1_ms ? cfg->t1_ms : 500;
    t->t2 = cfg && cfg->t2_ms ? cfg->t2_ms : 4000;
    t->t4 = cfg && cfg->t4_ms ? cfg->t4_ms : 5000;
    t->mask = (uint32_t)(buckets - 1);
    /* calloc: untouched pages cost no resident memory, so a big cap is cheap
     * until that many transactions are really alive */
    t->slots = calloc(cap + 1, sizeof *t->slots);
    t->key_index = calloc(buckets, sizeof *t->key_index);
    t->dlg_index = calloc(buckets, sizeof *t->dlg_index);
    t->heap = calloc(cap + 1, sizeof *t->heap);
    t->replies = calloc(cap, t->reply_cap);
    if (!t->slots || !t->key_index || !t->dlg_index || !t->heap || !t->replies) {
        sipcode_txn_table_destroy(t);
        return SIPCODE_EIO;
    }
    /* free list through next_key, lowest slots first (they stay warm) */
    for (i = cap; i >= 1; i--) {
        t->slots[i].next_key = t->free_head;
        t->free_head = (uint32_t)i;
    }
    *out = t;
    return SIPCODE_OK;
}

void sipcode_txn_table_destroy(struct sipcode_txn_table *t)
{
    size_t i;
    if (!t)
        return;
    if (t->slots)
        for (i = 1; i <= t->cap; i++)
            free(t->slots[i].big);
    free(t->slots);
    free(t->key_index);
    free(t->dlg_index);
    free(t->heap);
    free(t->replies);
    free(t);
}

size_t sipcode_txn_count(const struct sipcode_txn_table *t)
{
    return t ? t->count : 0;
}

size_t sipcode_txn_peak(const struct sipcode_txn_table *t)
{
    return t ? t->peak : 0;
}

/* A slot keeps its last reply at the start of its buffer and a pending
 * (delayed) final at the end; the buffer is the slot's share of the arena,
 * or an overflow buffer when the two do not fit there. */
static char *reply_buf(const struct sipcode_txn_table *t, uint32_t id)
{
    const struct slot *s = &t->slots[id];
    return s->big ? s->big : t->replies + (size_t)(id - 1) * t->reply_cap;
}

static size_t reply_room(const struct sipcode_txn_table *t, uint32_t id)
{
    return t->slots[id].big ? t->slots[id].big_cap : t->reply_cap;
}

static void drop_big(struct sipcode_txn_table *t, struct slot *s)
{
    if (!s->big)
        return;
    t->big_bytes -= s->big_cap;
    free(s->big);
    s->big = NULL;
    s->big_cap = 0;
}

/* Makes room for need bytes in slot id, keeping the last reply at the start
 * and the pending one at the end. 0 when the overflow budget (or memory)
 * does not allow it: the caller then keeps nothing. */
static int ensure_room(struct sipcode_txn_table *t, uint32_t id, size_t need)
{
    struct slot *s = &t->slots[id];
    size_t room = reply_room(t, id), want;
    char *old, *b;
    if (need <= room)
        return 1;
    want = need < 2 * t->reply_cap ? 2 * t->reply_cap : need;
    if (t->big_bytes - s->big_cap + want > t->big_budget)
        return 0;
    b = malloc(want);
    if (!b)
        return 0;
    old = reply_buf(t, id);
    memcpy(b, old, s->last_len);
    memcpy(b + want - s->pending_len, old + room - s->pending_len, s->pending_len);
    drop_big(t, s);
    s->big = b;
    s->big_cap = want;
    t->big_bytes += want;
    return 1;
}

/* ---- the timer heap ----------------------------------------------------------------- */

static void heap_set(struct sipcode_txn_table *t, size_t i, struct heap_entry e)
{
    t->heap[i] = e;
    t->slots[e.id].heap_pos = (uint32_t)i;
}

static void heap_up(struct sipcode_txn_table *t, size_t i)
{
    struct heap_entry e = t->heap[i];
    while (i > 1 && t->heap[i / 2].due > e.due) {
        heap_set(t, i, t->heap[i / 2]);
        i /= 2;
    }
    heap_set(t, i, e);
}

static void heap_down(struct sipcode_txn_table *t, size_t i)
{
    struct heap_entry e = t->heap[i];
    for (;;) {
        size_t l = 2 * i, r = l + 1, m = i;
        uint64_t best = e.due;
        if (l <= t->heap_n && t->heap[l].due < best) {
            m = l;
            best = t->heap[l].due;
        }
        if (r <= t->heap_n && t->heap[r].due < best)
            m = r;
        if (m == i)
            break;
        heap_set(t, i, t->heap[m]);
        i = m;
    }
    heap_set(t, i, e);
}

static void heap_remove(struct sipcode_txn_table *t, uint32_t id)
{
    size_t i = t->slots[id].heap_pos;
    if (!i)
        return;
    t->slots[id].heap_pos = 0;
    if (i != t->heap_n) {
        /* the last entry fills the hole and sifts whichever way it must */
        uint32_t moved = t->heap[t->heap_n].id;
        heap_set(t, i, t->heap[t->heap_n]);
        t->heap_n--;
        heap_up(t, i);
        heap_down(t, t->slots[moved].heap_pos);
    } else
        t->heap_n--;
}

/* Re-files slot id under the earliest of its timers. */
static void schedule(struct sipcode_txn_table *t, uint32_t id)
{
    struct slot *s = &t->slots[id];
    uint64_t due = s->deadline;
    if (s->retrans_due && s->retrans_due < due)
        due = s->retrans_due;
    if (s->pending_len && s->pending_due < due)
        due = s->pending_due;
    if (s->heap_pos && s->due == due)
        return;
    s->due = due;
    if (!s->heap_pos) {
        struct heap_entry e;
        e.due = due;
        e.id = id;
        heap_set(t, ++t->heap_n, e);
        heap_up(t, t->heap_n);
        return;
    }
    t->heap[s->heap_pos].due = due;
    heap_up(t, s->heap_pos);
    heap_down(t, s->heap_pos);
}

uint64_t sipcode_txn_next_due(const struct sipcode_txn_table *t)
{
    return t && t->heap_n ? t->heap[1].due : UINT64_MAX;
}

/* ---- keys and indexes --------------------------------------------------------------- */

struct keybuf {
    char b[KEY_MAX];
    size_t n;
    int overflow;
};

static void kput(struct keybuf *k, const char *p, size_t n)
{
    if (k->n + n + 1 > KEY_MAX) {
        k->overflow = 1;
        return;
    }
    memcpy(k->b + k->n, p, n);
    k->n += n;
    k->b[k->n++] = '\0'; /* separator: no field holds NUL */
}

static void kput_uint(struct keybuf *k, unsigned long long v)
{
    char d[SIPCODE__DECIMAL_MAX];
    kput(k, d, sipcode__put_decimal(d, v));
}

static int has_cookie(struct sipcode_slice branch)
{
    return branch.len > 7 && memcmp(branch.ptr, "z9hG4bK", 7) == 0;
}

/* RFC 3261 17.2.3: branch + sent-by + method (ACK as INVITE); without the
 * magic cookie, the RFC 2543 way: Call-ID, CSeq, From tag, top Via. */
static int make_key(const struct sipcode_message *m, const char *method, size_t method_len,
                    struct keybuf *k)
{
    k->n = 0;
    k->overflow = 0;
    if (has_cookie(m->via.branch)) {
        kput(k, m->via.branch.ptr, m->via.branch.len);
    } else {
        kput(k, "2543", 4);
        kput(k, m->call_id.ptr, m->call_id.len);
        kput_uint(k, (unsigned long long)m->cseq);
        kput(k, m->from_tag.ptr, m->from_tag.len);
        kput(k, m->via.branch.ptr, m->via.branch.len);
    }
    kput(k, m->via.host.ptr, m->via.host.len);
    kput_uint(k, m->via.port);
    kput(k, method, method_len);
    return !k->overflow;
}

/* RFC 3261 13.3.1.4: the ACK of a 2xx is a new transaction; it is matched to
 * the INVITE by dialog and CSeq number. */
static int make_dlg(const struct sipcode_message *m, struct keybuf *k)
{
    k->n = 0;
    k->overflow = 0;
    kput(k, m->call_id.ptr, m->call_id.len);
    kput_uint(k, (unsigned long long)m->cseq);
    kput(k, m->from_tag.ptr, m->from_tag.len);
    return !k->overflow;
}

static uint32_t find(const struct sipcode_txn_table *t, const struct keybuf *k, int dlg)
{
    uint32_t h = hash(k->b, k->n);
    uint32_t id = dlg ? t->dlg_index[h & t->mask] : t->key_index[h & t->mask];
    while (id) {
        const struct slot *s = &t->slots[id];
        if (dlg) {
            if (s->dlg_hash == h && s->dlg_len == k->n && memcmp(s->key + s->key_len, k->b, k->n) == 0)
                return id;
            id = s->next_dlg;
        } else {
            if (s->key_hash == h && s->key_len == k->n && memcmp(s->key, k->b, k->n) == 0)
                return id;
            id = s->next_key;
        }
    }
    return 0;
}

static void unlink_chain(uint32_t *head, struct sipcode_txn_table *t, uint32_t id, int dlg)
{
    uint32_t *p = head;
    while (*p) {
        if (*p == id) {
            *p = dlg ? t->slots[id].next_dlg : t->slots[id].next_key;
            return;
        }
        p = dlg ? &t->slots[*p].next_dlg : &t->slots[*p].next_key;
    }
}

static void release(struct sipcode_txn_table *t, uint32_t id)
{
    struct slot *s = &t->slots[id];
    heap_remove(t, id);
    unlink_chain(&t->key_index[s->key_hash & t->mask], t, id, 0);
    if (s->dlg_len)
        unlink_chain(&t->dlg_index[s->dlg_hash & t->mask], t, id, 1);
    drop_big(t, s);
    s->state = S_FREE;
    s->next_key = t->free_head;
    t->free_head = id;
    t->count--;
}

static int method_is(struct sipcode_slice m, const char *lit, size_t n)
{
    return m.len == n && memcmp(m.ptr, lit, n) == 0;
}

enum sipcode_err sipcode_txn_receive(struct sipcode_txn_table *t, const char *buf,
                                     const struct sipcode_message *req,
                                     const struct sipcode_addr *peer, uint64_t conn,
                                     int reliable, size_t request_len, uint64_t now_ms,
                                     struct sipcode_txn_verdict *out)
{
    struct keybuf k, d;
    struct slot *s;
    uint32_t id;
    struct sipcode_slice method;
    int is_ack, is_cancel, is_invite;
    (void)buf;
    if (!t || !req || !out || !req->is_request || !peer)
        return SIPCODE_EINVAL;
    memset(out, 0, sizeof *out);
    method = req->request.method;
    is_ack = method_is(method, "ACK", 3);
    is_cancel = method_is(method, "CANCEL", 6);
    is_invite = method_is(method, "INVITE", 6);

    if (is_ack) {
        out->kind = SIPCODE_TXN_ACK_STRAY;
        /* a non-2xx ACK shares the INVITE's branch (17.1.1.3) */
        if (make_key(req, "INVITE", 6, &k) && (id = find(t, &k, 0)) != 0) {
            s = &t->slots[id];
            if (s->state == S_COMPLETED) {
                s->state = S_CONFIRMED; /* 17.2.1: Timer G stops, Timer I starts */
                s->retrans_due = 0;
                s->deadline = now_ms + (s->reliable ? 0 : t->t4);
                schedule(t, id);
                out->kind = SIPCODE_TXN_ACK;
                out->id = id;
                return SIPCODE_OK;
            }
            if (s->state == S_CONFIRMED) {
                out->kind = SIPCODE_TXN_ACK;
                out->id = id;
                return SIPCODE_OK;
            }
        }
        if (make_dlg(req, &d) && (id = find(t, &d, 1)) != 0) {
            s = &t->slots[id];
            if (s->state == S_ACCEPTED) {
                /* the 2xx got through: the UAC retransmits its INVITE no
                 * more, so the transaction ends now rather than at Timer L
                 * (RFC 6026) - under load the slot is worth more */
                out->kind = SIPCODE_TXN_ACK;
                out->id = id;
                release(t, id);
            }
        }
        return SIPCODE_OK;
    }

    if (!make_key(req, method.ptr, method.len, &k)) {
        out->kind = SIPCODE_TXN_FULL; /* a key too long to keep: answer statelessly */
        return SIPCODE_OK;
    }
    id = find(t, &k, 0);
    if (id) {
        s = &t->slots[id];
        out->kind = SIPCODE_TXN_RETRANSMIT;
        out->id = id;
        out->bytes = s->last_len ? reply_buf(t, id) : NULL;
        out->len = s->last_len;
        return SIPCODE_OK;
    }
    if (!t->free_head) {
        out->kind = SIPCODE_TXN_FULL;
        return SIPCODE_OK;
    }
    id = t->free_head;
    s = &t->slots[id];
    t->free_head = s->next_key;
    memset(s, 0, offsetof(struct slot, key));
    s->state = S_TRYING;
    s->invite = (uint8_t)is_invite;
    s->reliable = (uint8_t)(reliable != 0);
    s->peer = *peer;
    s->conn = conn;
    s->request_len = request_len;
    memcpy(s->key, k.b, k.n);
    s->key_len = (uint16_t)k.n;
    s->key_hash = hash(k.b, k.n);
    s->next_key = t->key_index[s->key_hash & t->mask];
    t->key_index[s->key_hash & t->mask] = id;
    if (is_invite && make_dlg(req, &d) && k.n + d.n <= KEYS_ROOM) {
        memcpy(s->key + k.n, d.b, d.n);
        s->dlg_len = (uint16_t)d.n;
        s->dlg_hash = hash(d.b, d.n);
        s->next_dlg = t->dlg_index[s->dlg_hash & t->mask];
        t->dlg_index[s->dlg_hash & t->mask] = id;
    }
    /* a transaction nobody answers is not kept forever: Timer C's 3 minutes
     * for INVITE (RFC 3261 16.8), 64*T1 for the rest (Timer F's span) */
    s->deadline = now_ms + (is_invite ? 180000u : 64u * t->t1);
    schedule(t, id);
    if (++t->count > t->peak)
        t->peak = t->count;
    out->id = id;
    out->kind = SIPCODE_TXN_NEW;
    if (is_cancel) {
        struct keybuf ik;
        uint32_t inv;
        out->kind = SIPCODE_TXN_CANCEL;
        /* RFC 3261 9.2: the CANCEL matches the INVITE with the same top Via */
        if (make_key(req, "INVITE", 6, &ik) && (inv = find(t, &ik, 0)) != 0) {
            out->invite = inv;
            out->invite_final = t->slots[inv].state >= S_COMPLETED;
        }
    }
    return SIPCODE_OK;
}

/* Puts the reply in the slot as the last one sent and moves to its state. */
static void sent(struct sipcode_txn_table *t, uint32_t id, int code, uint64_t now_ms)
{
    struct slot *s = &t->slots[id];
    s->last_code = code;
    if (code < 200) {
        s->state = S_PROCEEDING;
        return;
    }
    s->retrans_due = 0;
    if (s->invite && code < 300) {
        /* 13.3.1.4: the UAS core resends the 2xx, T1 doubling to T2, until
         * ACK or 64*T1; RFC 6026 Timer L keeps the transaction as long */
        s->state = S_ACCEPTED;
        s->interval = t->t1;
        if (!s->reliable)
            s->retrans_due = now_ms + t->t1;
        s->deadline = now_ms + 64u * t->t1;
    } else if (s->invite) {
        /* 17.2.1: Timer G (unreliable) and Timer H */
        s->state = S_COMPLETED;
        s->interval = t->t1;
        if (!s->reliable)
            s->retrans_due = now_ms + t->t1;
        s->deadline = now_ms + 64u * t->t1;
    } else {
        /* 17.2.2: Timer J, 64*T1 on UDP and 0 on reliable transports */
        s->state = S_COMPLETED;
        s->deadline = now_ms + (s->reliable ? 0 : 64u * t->t1);
    }
}

enum sipcode_err sipcode_txn_reply(struct sipcode_txn_table *t, uint32_t id, int code,
                                   const char *bytes, size_t len, uint64_t now_ms,
                                   uint64_t due_ms)
{
    struct slot *s;
    char *b;
    if (!t || (!bytes && len) || code < 100 || code > 699)
        return SIPCODE_EINVAL;
    if (id == 0 || id > t->cap || t->slots[id].state == S_FREE)
        return SIPCODE_ENOTFOUND;
    s = &t->slots[id];
    if (code >= 200 && due_ms > now_ms) {
        if (!ensure_room(t, id, len + s->last_len))
            return SIPCODE_ENOSPACE;
        b = reply_buf(t, id);
        s->pending_len = len;
        s->pending_code = code;
        s->pending_due = due_ms;
        memcpy(b + reply_room(t, id) - len, bytes, len);
        schedule(t, id);
        return SIPCODE_OK;
    }
    if (!ensure_room(t, id, len + s->pending_len)) {
        s->last_len = 0; /* sent, cannot be kept: retransmissions go unanswered */
        sent(t, id, code, now_ms);
        schedule(t, id);
        return SIPCODE_ENOSPACE;
    }
    memcpy(reply_buf(t, id), bytes, len);
    s->last_len = len;
    sent(t, id, code, now_ms);
    schedule(t, id);
    return SIPCODE_OK;
}

enum sipcode_err sipcode_txn_template(const struct sipcode_txn_table *t, uint32_t id,
                                      const char **bytes, size_t *len, size_t *request_len)
{
    const struct slot *s;
    if (!t || !bytes || !len)
        return SIPCODE_EINVAL;
    if (id == 0 || id > t->cap || t->slots[id].state == S_FREE)
        return SIPCODE_ENOTFOUND;
    s = &t->slots[id];
    if (s->pending_len) {
        *bytes = reply_buf(t, id) + reply_room(t, id) - s->pending_len;
        *len = s->pending_len;
    } else if (s->last_len) {
        *bytes = reply_buf(t, id);
        *len = s->last_len;
    } else
        return SIPCODE_ENOTFOUND;
    if (request_len)
        *request_len = s->request_len;
    return SIPCODE_OK;
}

enum sipcode_err sipcode_txn_replace_pending(struct sipcode_txn_table *t, uint32_t id, int code,
                                             const char *bytes, size_t len, uint64_t now_ms)
{
    if (!t)
        return SIPCODE_EINVAL;
    if (id == 0 || id > t->cap || t->slots[id].state == S_FREE || !t->slots[id].pending_len ||
        t->slots[id].state >= S_COMPLETED)
        return SIPCODE_ENOTFOUND;
    t->slots[id].pending_len = 0;
    return sipcode_txn_reply(t, id, code, bytes, len, now_ms, now_ms);
}

size_t sipcode_txn_poll(struct sipcode_txn_table *t, uint64_t now_ms,
                        struct sipcode_txn_event *out, size_t cap)
{
    size_t n = 0;
    if (!t || (!out && cap))
        return 0;
    while (n < cap && t->heap_n && t->heap[1].due <= now_ms) {
        uint32_t id = t->heap[1].id;
        struct slot *s = &t->slots[id];
        struct sipcode_txn_event *ev = &out[n];
        ev->id = id;
        ev->peer = s->peer;
        ev->conn = s->conn;
        ev->bytes = NULL;
        ev->len = 0;
        ev->retransmission = 0;
        if (s->pending_len && s->pending_due <= now_ms && s->state < S_COMPLETED) {
            /* a delayed final is due: it becomes the last reply */
            char *b = reply_buf(t, id);
            memmove(b, b + reply_room(t, id) - s->pending_len, s->pending_len);
            s->last_len = s->pending_len;
            s->pending_len = 0;
            sent(t, id, s->pending_code, now_ms);
            schedule(t, id);
            ev->kind = SIPCODE_TXN_EV_SEND;
            ev->code = s->last_code;
            ev->bytes = b;
            ev->len = s->last_len;
            n++;
            continue;
        }
        if (s->deadline <= now_ms) {
            /* Timer H, or a 2xx never acknowledged: the peer is gone */
            int timeout = (s->state == S_COMPLETED && s->invite) ||
                          (s->state == S_ACCEPTED && !s->acked);
            ev->kind = SIPCODE_TXN_EV_TIMEOUT;
            ev->code = s->last_code;
            release(t, id);
            if (timeout)
                n++;
            continue;
        }
        if (s->retrans_due && s->retrans_due <= now_ms) {
            /* Timer G / 2xx resend: T1, doubling, at most T2 */
            s->interval = s->interval * 2 < t->t2 ? s->interval * 2 : t->t2;
            s->retrans_due = now_ms + s->interval;
            schedule(t, id);
            if (!s->last_len)
                continue;
            ev->kind = SIPCODE_TXN_EV_SEND;
            ev->code = s->last_code;
            ev->retransmission = 1;
            ev->bytes = reply_buf(t, id);
            ev->len = s->last_len;
            n++;
            continue;
        }
        schedule(t, id); /* nothing due after all: re-file */
        if (s->due <= now_ms)
            break; /* cannot happen; never spin */
    }
    return n;
}
