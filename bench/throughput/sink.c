// SPDX-License-Identifier: BSL-1.0
// bench/throughput/sink: a minimal, fast SMTP sink for the throughput benchmark. It throws every
// message away and counts it. Loopback only by default; one connection after another, until it
// is killed.
//
//   sink [--port N] [--listen ADDR] [--no-chunking] [--log FILE]
//
// --port 0 (the default) lets the system pick the port; either way the port is printed on
// standard output, alone on a line, once the sink accepts connections. EHLO announces PIPELINING,
// SIZE, 8BITMIME and CHUNKING (RFC 3030; not with --no-chunking). Every command it has whole is
// answered, and the replies to one read go out in one write, so a pipelining client gets one
// segment per batch. DATA content is scanned with memchr for line ends (a line starting with
// ".\r\n" ends it), BDAT content is skipped by count: no per-octet loop. --log FILE gets one line
// per connection ("conn=1 messages=N octets=N chunks=N quit=1"), written before the reply to
// QUIT, so a client that has its 221 can read its counts. On SIGTERM or SIGINT the totals go to
// standard error.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

enum { IN_CAP = 1 << 20, LINE_MAX_LEN = 4096 };

// Totals over every connection, for the report at exit.
static volatile uint64_t total_connections, total_messages, total_octets, total_chunks;
static int chunking = 1;
static int log_fd = -1;

enum state { COMMAND, DATA, BDAT };

struct conn {
    int fd;
    char* in;
    size_t in_len;
    char* out;
    size_t out_len, out_cap;
    enum state state;
    int line_start;        // DATA: the next octet starts a line
    uint64_t bdat_left;    // BDAT: octets of the chunk still to come
    int bdat_last;
    int mail, rcpts;       // the transaction so far
    int bad_transaction;   // BDAT: the chunk is read and refused (no MAIL or RCPT)
    uint64_t msg_octets;   // the message being received
    uint64_t messages, octets, chunks;
    int quit;
    int overlong;          // a command line longer than LINE_MAX_LEN is being skipped
};

static void put_u64(char* buf, size_t* n, uint64_t v) {
    char digits[24];
    size_t k = 0;
    do {
        digits[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (k > 0) buf[(*n)++] = digits[--k];
}

static void put_str(char* buf, size_t* n, const char* s) {
    while (*s) buf[(*n)++] = *s++;
}

// Async-signal-safe: only write(2) and _exit(2).
static void on_signal(int sig) {
    (void)sig;
    char buf[256];
    size_t n = 0;
    put_str(buf, &n, "sink: connections=");
    put_u64(buf, &n, total_connections);
    put_str(buf, &n, " messages=");
    put_u64(buf, &n, total_messages);
    put_str(buf, &n, " octets=");
    put_u64(buf, &n, total_octets);
    put_str(buf, &n, " chunks=");
    put_u64(buf, &n, total_chunks);
    put_str(buf, &n, "\n");
    ssize_t w = write(STDERR_FILENO, buf, n);
    (void)w;
    _exit(0);
}

static void reply(struct conn* c, const char* text, size_t len) {
    if (c->out_len + len > c->out_cap) {
        size_t cap = c->out_cap * 2;
        while (cap < c->out_len + len) cap *= 2;
        char* p = realloc(c->out, cap);
        if (p == NULL) {
            perror("sink: realloc");
            exit(1);
        }
        c->out = p;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, text, len);
    c->out_len += len;
}
#define REPLY(c, literal) reply((c), literal, sizeof(literal) - 1)

static int write_all(int fd, const char* p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static void log_connection(struct conn* c, int quit) {
    if (log_fd < 0) return;
    char buf[256];
    size_t n = 0;
    put_str(buf, &n, "conn=");
    put_u64(buf, &n, total_connections);
    put_str(buf, &n, " messages=");
    put_u64(buf, &n, c->messages);
    put_str(buf, &n, " octets=");
    put_u64(buf, &n, c->octets);
    put_str(buf, &n, " chunks=");
    put_u64(buf, &n, c->chunks);
    put_str(buf, &n, quit ? " quit=1\n" : " quit=0\n");
    if (write_all(log_fd, buf, n) != 0) perror("sink: log");
}

static void message_done(struct conn* c) {
    c->messages++;
    c->octets += c->msg_octets;
    total_messages++;
    total_octets += c->msg_octets;
    c->msg_octets = 0;
    c->mail = 0;
    c->rcpts = 0;
}

static void reset_transaction(struct conn* c) {
    c->mail = 0;
    c->rcpts = 0;
    c->msg_octets = 0;
}

static int verb_is(const char* line, size_t len, const char* verb) {
    return len >= 4 && strncasecmp(line, verb, 4) == 0 && (len == 4 || line[4] == ' ');
}

static void chunk_done(struct conn* c);

// One command line, without its line end.
static void command(struct conn* c, const char* line, size_t len) {
    if (verb_is(line, len, "EHLO")) {
        reset_transaction(c);
        if (chunking)
            REPLY(c, "250-sink\r\n250-PIPELINING\r\n250-SIZE 1073741824\r\n250-8BITMIME\r\n250 CHUNKING\r\n");
        else
            REPLY(c, "250-sink\r\n250-PIPELINING\r\n250-SIZE 1073741824\r\n250 8BITMIME\r\n");
    } else if (verb_is(line, len, "HELO")) {
        reset_transaction(c);
        REPLY(c, "250 sink\r\n");
    } else if (verb_is(line, len, "MAIL")) {
        if (c->mail) {
            REPLY(c, "503 nested MAIL command\r\n");
        } else {
            c->mail = 1;
            REPLY(c, "250 sender ok\r\n");
        }
    } else if (verb_is(line, len, "RCPT")) {
        if (!c->mail) {
            REPLY(c, "503 need MAIL first\r\n");
        } else {
            c->rcpts++;
            REPLY(c, "250 recipient ok\r\n");
        }
    } else if (verb_is(line, len, "DATA")) {
        if (!c->mail || c->rcpts == 0) {
            REPLY(c, "554 no valid recipients\r\n");
        } else {
            c->state = DATA;
            c->line_start = 1;
            c->msg_octets = 0;
            REPLY(c, "354 end with <CRLF>.<CRLF>\r\n");
        }
    } else if (verb_is(line, len, "BDAT") && chunking) {
        // BDAT size [LAST]: the size is read whatever the transaction's state, so the chunk is
        // skipped even when it is refused.
        char arg[64];
        size_t n = len - 4 < sizeof(arg) - 1 ? len - 4 : sizeof(arg) - 1;
        memcpy(arg, line + 4, n);
        arg[n] = '\0';
        char* end = NULL;
        const char* p = arg;
        while (*p == ' ') ++p;
        errno = 0;
        unsigned long long size = (*p >= '0' && *p <= '9') ? strtoull(p, &end, 10) : 0;
        if (end == NULL || errno != 0 || (*end != '\0' && *end != ' ')) {
            REPLY(c, "501 syntax: BDAT size [LAST]\r\n");
            return;
        }
        while (*end == ' ') ++end;
        int last = strcasecmp(end, "LAST") == 0;
        if (!last && *end != '\0') {
            REPLY(c, "501 syntax: BDAT size [LAST]\r\n");
            return;
        }
        c->state = BDAT;
        c->bdat_left = size;
        c->bdat_last = last;
        c->bad_transaction = !c->mail || c->rcpts == 0;
        if (size == 0) chunk_done(c); // nothing to read: answered at once
    } else if (verb_is(line, len, "RSET")) {
        reset_transaction(c);
        REPLY(c, "250 ok\r\n");
    } else if (verb_is(line, len, "NOOP")) {
        REPLY(c, "250 ok\r\n");
    } else if (verb_is(line, len, "QUIT")) {
        c->quit = 1;
    } else {
        REPLY(c, "502 command not implemented\r\n");
    }
}

static void chunk_done(struct conn* c) {
    c->state = COMMAND;
    c->chunks++;
    total_chunks++;
    if (c->bad_transaction) {
        reset_transaction(c);
        REPLY(c, "503 need MAIL and RCPT first\r\n");
    } else if (c->bdat_last) {
        message_done(c);
        REPLY(c, "250 message accepted\r\n");
    } else {
        REPLY(c, "250 chunk received\r\n");
    }
}

// Consumes what it can of in[0, n) and returns how much; what is left is a partial line or the
// start of a possible end of data, a few octets at most.
static size_t process(struct conn* c, const char* in, size_t n) {
    size_t at = 0;
    while (at < n && !c->quit) {
        if (c->state == COMMAND) {
            const char* lf = memchr(in + at, '\n', n - at);
            if (lf == NULL) {
                if (n - at > LINE_MAX_LEN) { // no line end in sight: refuse the line, skip it
                    c->overlong = 1;
                    return n;
                }
                return at;
            }
            size_t end = (size_t)(lf - in);
            if (c->overlong) {
                c->overlong = 0;
                REPLY(c, "500 line too long\r\n");
            } else {
                size_t len = end - at;
                if (len > 0 && in[at + len - 1] == '\r') --len;
                command(c, in + at, len);
            }
            at = end + 1;
        } else if (c->state == BDAT) {
            size_t take = n - at < c->bdat_left ? n - at : (size_t)c->bdat_left;
            at += take;
            c->bdat_left -= take;
            c->msg_octets += take;
            if (c->bdat_left == 0) chunk_done(c);
        } else { // DATA
            if (c->line_start) {
                if (in[at] == '.') {
                    if (n - at < 3) return at; // ".", ".\r": wait for the rest
                    if (in[at + 1] == '\r' && in[at + 2] == '\n') {
                        at += 3;
                        c->state = COMMAND;
                        message_done(c);
                        REPLY(c, "250 message accepted\r\n");
                        continue;
                    }
                }
                c->line_start = 0;
            }
            const char* lf = memchr(in + at, '\n', n - at);
            size_t next = lf != NULL ? (size_t)(lf - in) + 1 : n;
            c->msg_octets += next - at;
            at = next;
            c->line_start = lf != NULL;
        }
    }
    return at;
}

static void serve(int fd, char* in) {
    struct conn c;
    memset(&c, 0, sizeof(c));
    c.fd = fd;
    c.in = in;
    c.out_cap = 4096;
    c.out = malloc(c.out_cap);
    if (c.out == NULL) {
        perror("sink: malloc");
        exit(1);
    }
    total_connections++;
    REPLY(&c, "220 sink ESMTP\r\n");
    if (write_all(fd, c.out, c.out_len) != 0) goto done;
    c.out_len = 0;
    for (;;) {
        ssize_t r = read(fd, c.in + c.in_len, IN_CAP - c.in_len);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        c.in_len += (size_t)r;
        size_t used = process(&c, c.in, c.in_len);
        if (used > 0) {
            memmove(c.in, c.in + used, c.in_len - used);
            c.in_len -= used;
        }
        if (c.quit) {
            log_connection(&c, 1); // before the 221: a client holding its 221 finds its line
            c.quit = 2;
            REPLY(&c, "221 bye\r\n");
        }
        if (c.out_len > 0 && write_all(fd, c.out, c.out_len) != 0) break;
        c.out_len = 0;
        if (c.quit) break;
    }
done:
    if (c.quit != 2) log_connection(&c, 0);
    free(c.out);
}

static void usage(void) {
    fprintf(stderr, "usage: sink [--port N] [--listen ADDR] [--no-chunking] [--log FILE]\n");
    exit(64);
}

int main(int argc, char** argv) {
    const char* listen_addr = "127.0.0.1";
    unsigned long port = 0;
    for (int i = 1; i < argc; ++i) {
        if (strcmp(argv[i], "--no-chunking") == 0) {
            chunking = 0;
        } else if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
            char* end;
            port = strtoul(argv[++i], &end, 10);
            if (*end != '\0' || port > 65535) usage();
        } else if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
            listen_addr = argv[++i];
        } else if (strcmp(argv[i], "--log") == 0 && i + 1 < argc) {
            log_fd = open(argv[++i], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
            if (log_fd < 0) {
                perror("sink: --log");
                return 1;
            }
        } else {
            usage();
        }
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    socklen_t ss_len;
    int family;
    if (strchr(listen_addr, ':') != NULL) {
        struct sockaddr_in6* a = (struct sockaddr_in6*)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, listen_addr, &a->sin6_addr) != 1) usage();
        ss_len = sizeof(*a);
        family = AF_INET6;
    } else {
        struct sockaddr_in* a = (struct sockaddr_in*)&ss;
        a->sin_family = AF_INET;
        a->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, listen_addr, &a->sin_addr) != 1) usage();
        ss_len = sizeof(*a);
        family = AF_INET;
    }
    int lfd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        bind(lfd, (struct sockaddr*)&ss, ss_len) != 0 || listen(lfd, 64) != 0) {
        perror("sink: listen");
        return 1;
    }
    if (getsockname(lfd, (struct sockaddr*)&ss, &ss_len) != 0) {
        perror("sink: getsockname");
        return 1;
    }
    unsigned bound = ntohs(family == AF_INET6 ? ((struct sockaddr_in6*)&ss)->sin6_port
                                              : ((struct sockaddr_in*)&ss)->sin_port);
    printf("%u\n", bound);
    fflush(stdout);

    char* in = malloc(IN_CAP);
    if (in == NULL) {
        perror("sink: malloc");
        return 1;
    }
    for (;;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            perror("sink: accept");
            return 1;
        }
        // The replies are batched here, one write per read: Nagle's algorithm would only delay them.
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        serve(fd, in);
        close(fd);
    }
}
