// SPDX-License-Identifier: BSL-1.0
// bench/throughput: the test message every sender of the benchmark sends, built in memory. A valid
// RFC 5322 message of exactly `size` octets: a short header, then body lines of at most 78 octets
// plus CRLF, printable ASCII, none starting with "." (nothing to dot-stuff). smtplib_batch.py
// builds the same octets (make_message), so every client sends the same message. C and C++.
#ifndef BENCH_THROUGHPUT_MESSAGE_H
#define BENCH_THROUGHPUT_MESSAGE_H

#include <stdlib.h>
#include <string.h>

#define BENCH_HEADER                                                                                       \
    "From: Bench Sender <sender@example.org>\r\n"                                                          \
    "To: <rcpt@example.org>\r\n"                                                                           \
    "Subject: mailwire throughput benchmark\r\n"                                                           \
    "Date: Mon, 07 Dec 2026 00:00:00 +0000\r\n"                                                            \
    "Message-ID: <throughput@example.org>\r\n"                                                             \
    "MIME-Version: 1.0\r\n"                                                                                \
    "Content-Type: text/plain; charset=us-ascii\r\n"                                                       \
    "\r\n"

/// The smallest message: the header and one body line of one character.
static inline size_t bench_message_min(void) { return sizeof(BENCH_HEADER) - 1 + 3; }

/// A message of max(size, bench_message_min()) octets in a new malloc'd buffer (NULL when out of
/// memory); its length in *len.
static inline char* bench_message(size_t size, size_t* len) {
    static const char text[] = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 ";
    const size_t text_len = sizeof(text) - 1;
    const size_t header = sizeof(BENCH_HEADER) - 1;
    if (size < bench_message_min()) size = bench_message_min();
    char* m = (char*)malloc(size);
    if (m == NULL) return NULL;
    memcpy(m, BENCH_HEADER, header);
    size_t at = header, left = size - header, line_no = 0;
    while (left > 0) {
        size_t line = left < 80 ? left : 80; // text plus CRLF
        if (left - line == 1 || left - line == 2) line = left - 3; // leave room for a last line
        for (size_t i = 0; i + 2 < line; ++i) m[at + i] = text[(line_no + i) % text_len];
        m[at + line - 2] = '\r';
        m[at + line - 1] = '\n';
        at += line;
        left -= line;
        ++line_no;
    }
    *len = size;
    return m;
}

#endif
