/* The metrics exporter of 'sipcode stats --listen': a small HTTP/1.x server
 * for Prometheus scrapes, run from the capture's poll() loop on one thread.
 *
 * Bounded on purpose: at most EXP_MAX_CONN connections, a request of at most
 * EXP_REQ_MAX bytes (headers included), one response buffer allocated at
 * start and shared (a scrape waits while another one is being sent), idle
 * connections closed after EXP_IDLE_MS. Every response closes the
 * connection, which Prometheus handles fine and which keeps no state. */
#define _GNU_SOURCE /* memmem, SOCK_NONBLOCK, fmemopen */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define EXP_MAX_CONN (CLI_EXPORTER_FDS - 1)
#define EXP_REQ_MAX  8192
#define EXP_BODY_MAX (8u << 20) /* far above what the counters can fill */
#define EXP_IDLE_MS  10000

enum conn_state { CONN_FREE, CONN_READING, CONN_WAITING, CONN_WRITING };

struct conn {
    int fd;
    enum conn_state state;
    size_t got;
    size_t head_len;
    const char *body; /* the shared buffer or a static text */
    size_t body_len, sent;
    int owns_buffer;
    int openmetrics, head_only; /* what the request asked for */
    uint64_t since_ms;
    char head[256];
    char req[EXP_REQ_MAX];
};

struct cli_exporter {
    int listen_fd;
    cli_render_fn render;
    void *render_arg;
    char *buffer;     /* EXP_BODY_MAX bytes, allocated once */
    FILE *buffer_out; /* fmemopen over buffer, rewound for every scrape */
    int buffer_busy;
    struct conn conns[EXP_MAX_CONN];
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* "127.0.0.1:9100" or "[::1]:9100"; the port may be 0. */
static int parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *sslen)
{
    char host[64];
    const char *colon, *port_text;
    char *end;
    long port;
    size_t hlen;

    memset(ss, 0, sizeof *ss);
    if (spec[0] == '[') {
        const char *close = strchr(spec, ']');
        if (!close || close[1] != ':')
            return -1;
        hlen = (size_t)(close - spec - 1);
        if (hlen >= sizeof host)
            return -1;
        memcpy(host, spec + 1, hlen);
        port_text = close + 2;
    } else {
        colon = strrchr(spec, ':');
        if (!colon)
            return -1;
        hlen = (size_t)(colon - spec);
        if (hlen >= sizeof host)
            return -1;
        memcpy(host, spec, hlen);
        port_text = colon + 1;
    }
    host[hlen] = '\0';
    if (!*port_text)
        return -1;
    errno = 0;
    port = strtol(port_text, &end, 10);
    if (errno || *end || port < 0 || port > 65535)
        return -1;
    if (spec[0] == '[') {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)(void *)ss;
        if (inet_pton(AF_INET6, host, &s6->sin6_addr) != 1)
            return -1;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        *sslen = sizeof *s6;
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)(void *)ss;
        if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
            return -1;
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)port);
        *sslen = sizeof *s4;
    }
    return 0;
}

static void print_bound(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    char host[INET6_ADDRSTRLEN];
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return;
    if (ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)&ss;
        inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof host);
        fprintf(stderr, "sipcode: listening on http://[%s]:%u/metrics\n", host,
                (unsigned)ntohs(s6->sin6_port));
    } else {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)&ss;
        inet_ntop(AF_INET, &s4->sin_addr, host, sizeof host);
        fprintf(stderr, "sipcode: listening on http://%s:%u/metrics\n", host,
                (unsigned)ntohs(s4->sin_port));
    }
    fflush(stderr);
}

int cli_exporter_open(const char *spec, cli_render_fn render, void *arg, struct cli_exporter **out)
{
    struct sockaddr_storage ss;
    socklen_t sslen = 0;
    struct cli_exporter *ex;
    int one = 1, i;

    if (parse_listen(spec, &ss, &sslen) != 0)
        return cli_usage_error("--listen", "'%s' is not ADDRESS:PORT (127.0.0.1:9100, [::1]:9100)",
                               spec);
    ex = calloc(1, sizeof *ex);
    if (!ex || !(ex->buffer = malloc(EXP_BODY_MAX))) {
        free(ex);
        cli_error("--listen", "%s", strerror(ENOMEM));
        return CLI_EXIT_IO;
    }
    ex->render = render;
    ex->render_arg = arg;
    for (i = 0; i < EXP_MAX_CONN; i++)
        ex->conns[i].fd = -1;
    ex->buffer_out = fmemopen(ex->buffer, EXP_BODY_MAX, "w");
    ex->listen_fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (!ex->buffer_out || ex->listen_fd < 0 ||
        setsockopt(ex->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(ex->listen_fd, (struct sockaddr *)&ss, sslen) != 0 || listen(ex->listen_fd, 16) != 0) {
        cli_error(spec, "%s", strerror(errno));
        cli_exporter_close(ex);
        return CLI_EXIT_IO;
    }
    /* No stdio buffer of its own: the writes go straight into ours. */
    setvbuf(ex->buffer_out, NULL, _IONBF, 0);
    print_bound(ex->listen_fd);
    *out = ex;
    return CLI_EXIT_OK;
}

void cli_exporter_close(struct cli_exporter *ex)
{
    int i;
    if (!ex)
        return;
    for (i = 0; i < EXP_MAX_CONN; i++)
        if (ex->conns[i].fd >= 0)
            close(ex->conns[i].fd);
    if (ex->listen_fd >= 0)
        close(ex->listen_fd);
    if (ex->buffer_out)
        fclose(ex->buffer_out);
    free(ex->buffer);
    free(ex);
}

size_t cli_exporter_pollfds(const struct cli_exporter *ex, struct pollfd *pfd, size_t cap)
{
    size_t n = 0;
    int i;
    if (!ex || cap < 1 + EXP_MAX_CONN)
        return 0;
    pfd[n].fd = ex->listen_fd;
    pfd[n].events = POLLIN;
    pfd[n++].revents = 0;
    for (i = 0; i < EXP_MAX_CONN; i++) {
        const struct conn *c = &ex->conns[i];
        /* A waiting request needs nothing from the socket until the buffer frees. */
        pfd[n].fd = c->state == CONN_READING || c->state == CONN_WRITING ? c->fd : -1;
        pfd[n].events = c->state == CONN_WRITING ? POLLOUT : POLLIN;
        pfd[n++].revents = 0;
    }
    return n;
}

static void conn_close(struct cli_exporter *ex, struct conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    if (c->owns_buffer)
        ex->buffer_busy = 0;
    memset(c, 0, offsetof(struct conn, head));
    c->fd = -1;
    c->state = CONN_FREE;
}

static void respond_static(struct conn *c, const char *status, const char *text)
{
    /* RFC 9110 15.5.6: a 405 names the methods that are allowed. */
    int is_405 = strncmp(status, "405", 3) == 0;
    c->head_len = (size_t)snprintf(c->head, sizeof c->head,
                                   "HTTP/1.1 %s\r\n%sContent-Type: text/plain; charset=utf-8\r\n"
                                   "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                                   status, is_405 ? "Allow: GET, HEAD\r\n" : "", strlen(text));
    c->body = text;
    c->body_len = strlen(text);
    c->sent = 0;
    c->state = CONN_WRITING;
}

/* Is the media range at p..stop refused with q=0 (q=0, q=0.0, q=0.000)? */
static int refused(const char *p, const char *stop)
{
    for (; p + 2 < stop; p++) {
        if ((p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
            for (p += 2; p < stop && *p != ',' && *p != ';' && *p != ' '; p++)
                if (*p != '0' && *p != '.')
                    return 0;
            return 1;
        }
    }
    return 0;
}

/* Does the Accept header ask for OpenMetrics (with a q above 0)? */
static int wants_openmetrics(const char *req, size_t len)
{
    static const char om[] = "application/openmetrics-text";
    const char *p = req, *end = req + len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *stop = eol ? eol : end;
        if (stop - p > 7 && strncasecmp(p, "accept:", 7) == 0) {
            const char *range = p + 7;
            while (range < stop) {
                const char *comma = memchr(range, ',', (size_t)(stop - range));
                const char *rend = comma ? comma : stop;
                while (range < rend && (*range == ' ' || *range == '\t'))
                    range++;
                if ((size_t)(rend - range) >= sizeof om - 1 &&
                    strncasecmp(range, om, sizeof om - 1) == 0 && !refused(range, rend))
                    return 1;
                range = rend + 1;
            }
        }
        if (!eol)
            break;
        p = eol + 1;
    }
    return 0;
}

int cli_http_route(const char *req, size_t len, int *openmetrics, int *head_only)
{
    const char *sp1, *sp2, *end = req + len;
    size_t mlen, plen;
    *openmetrics = 0;
    *head_only = 0;
    sp1 = memchr(req, ' ', len);
    sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1)) : NULL;
    if (!sp1 || !sp2)
        return 400;
    mlen = (size_t)(sp1 - req);
    plen = (size_t)(sp2 - sp1 - 1);
    if (!(mlen == 3 && memcmp(req, "GET", 3) == 0) && !(mlen == 4 && memcmp(req, "HEAD", 4) == 0))
        return 405;
    if (!((plen == 8 && memcmp(sp1 + 1, "/metrics", 8) == 0) ||
          (plen > 8 && memcmp(sp1 + 1, "/metrics?", 9) == 0)))
        return 404;
    *head_only = mlen == 4;
    *openmetrics = wants_openmetrics(req, len);
    return 200;
}

static void respond_metrics(struct cli_exporter *ex, struct conn *c)
{
    long len;
    rewind(ex->buffer_out);
    clearerr(ex->buffer_out);
    ex->render(ex->render_arg, ex->buffer_out, c->openmetrics);
    fflush(ex->buffer_out);
    len = ftell(ex->buffer_out);
    if (ferror(ex->buffer_out) || len < 0 || (size_t)len >= EXP_BODY_MAX) {
        respond_static(c, "500 Internal Server Error", "metrics do not fit the buffer\n");
        return;
    }
    ex->buffer_busy = 1;
    c->owns_buffer = 1;
    c->head_len = (size_t)snprintf(
        c->head, sizeof c->head,
        "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %ld\r\nConnection: close\r\n\r\n",
        c->openmetrics ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                       : "text/plain; version=0.0.4; charset=utf-8",
        len);
    c->body = ex->buffer;
    c->body_len = c->head_only ? 0 : (size_t)len;
    c->sent = 0;
    c->state = CONN_WRITING;
}

/* A whole request head is in c->req: decide the answer. */
static void serve(struct cli_exporter *ex, struct conn *c)
{
    switch (cli_http_route(c->req, c->got, &c->openmetrics, &c->head_only)) {
    case 200:
        if (ex->buffer_busy)
            c->state = CONN_WAITING; /* served when the buffer is free again */
        else
            respond_metrics(ex, c);
        break;
    case 404:
        respond_static(c, "404 Not Found", "not found: the metrics are at /metrics\n");
        break;
    case 405:
        respond_static(c, "405 Method Not Allowed", "only GET and HEAD\n");
        break;
    default:
        respond_static(c, "400 Bad Request", "bad request\n");
        break;
    }
}

static void on_readable(struct cli_exporter *ex, struct conn *c)
{
    ssize_t n = recv(c->fd, c->req + c->got, sizeof c->req - c->got, 0);
    if (n <= 0) {
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
            conn_close(ex, c);
        return;
    }
    c->got += (size_t)n;
    c->since_ms = now_ms();
    /* The head ends at an empty line; bare LF is accepted as clients send it. */
    if ((c->got >= 4 && memmem(c->req, c->got, "\r\n\r\n", 4)) ||
        (c->got >= 2 && memmem(c->req, c->got, "\n\n", 2))) {
        serve(ex, c);
    } else if (c->got == sizeof c->req) {
        respond_static(c, "431 Request Header Fields Too Large", "request too large\n");
    }
}

static void on_writable(struct cli_exporter *ex, struct conn *c)
{
    while (c->sent < c->head_len + c->body_len) {
        const char *from;
        size_t left;
        ssize_t n;
        if (c->sent < c->head_len) {
            from = c->head + c->sent;
            left = c->head_len - c->sent;
        } else {
            from = c->body + (c->sent - c->head_len);
            left = c->body_len - (c->sent - c->head_len);
        }
        n = send(c->fd, from, left, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                return;
            break;
        }
        c->sent += (size_t)n;
        c->since_ms = now_ms();
    }
    conn_close(ex, c);
}

void cli_exporter_handle(struct cli_exporter *ex, const struct pollfd *pfd, size_t n)
{
    uint64_t now = now_ms();
    int i;
    if (!ex || n < 1 + EXP_MAX_CONN)
        return;
    if (pfd[0].revents & POLLIN) {
        for (;;) {
            struct conn *c = NULL;
            int fd = accept(ex->listen_fd, NULL, NULL);
            if (fd < 0)
                break;
            for (i = 0; i < EXP_MAX_CONN && !c; i++)
                if (ex->conns[i].state == CONN_FREE)
                    c = &ex->conns[i];
            if (!c) { /* full: the client retries on its next scrape */
                close(fd);
                continue;
            }
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
            c->fd = fd;
            c->state = CONN_READING;
            c->got = 0;
            c->since_ms = now;
        }
    }
    for (i = 0; i < EXP_MAX_CONN; i++) {
        struct conn *c = &ex->conns[i];
        short rev = pfd[1 + i].revents;
        if (c->state == CONN_READING && (rev & (POLLIN | POLLHUP | POLLERR)))
            on_readable(ex, c);
        else if (c->state == CONN_WRITING && (rev & (POLLOUT | POLLHUP | POLLERR)))
            on_writable(ex, c);
    }
    /* Read again: since_ms may have moved past the first reading above. */
    now = now_ms();
    for (i = 0; i < EXP_MAX_CONN; i++) {
        struct conn *c = &ex->conns[i];
        if (c->state == CONN_WAITING && !ex->buffer_busy)
            respond_metrics(ex, c);
        if (c->state != CONN_FREE && now > c->since_ms && now - c->since_ms > EXP_IDLE_MS)
            conn_close(ex, c);
    }
}
