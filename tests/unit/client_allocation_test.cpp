// SPDX-License-Identifier: BSL-1.0
// No heap on the send path (issue item 6): the global allocation functions are replaced here by
// counting ones, and a whole session — open, AUTH PLAIN, a pipelined message to three recipients,
// a second message streamed from a callback source, QUIT — runs through a transport that itself
// never allocates (fixed tables and counters, below). The count inside that window must be 0.
//
// The replacements are global for the whole test binary, so they behave like the standard ones
// for everybody else: malloc-based, every alignment honoured, nullptr only from the nothrow
// forms. Without exceptions a failed allocation cannot throw std::bad_alloc and aborts instead.
#include "support.hpp"

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

// ------------------------------------------------------------------------ counting allocation
namespace {
bool g_counting = false;
std::size_t g_allocations = 0;

void* allocate(std::size_t size, std::size_t alignment) noexcept {
    if (g_counting) ++g_allocations;
    if (size == 0) size = 1; // every call must return a distinct pointer
    if (alignment <= alignof(std::max_align_t)) return std::malloc(size);
    // aligned_alloc wants the size to be a multiple of the alignment.
    const std::size_t rounded = (size + alignment - 1) / alignment * alignment;
    return std::aligned_alloc(alignment, rounded);
}

[[noreturn]] void out_of_memory() {
#if defined(__cpp_exceptions)
    throw std::bad_alloc();
#else
    std::abort();
#endif
}

void* allocate_or_fail(std::size_t size, std::size_t alignment) {
    void* p = allocate(size, alignment);
    if (p == nullptr) out_of_memory();
    return p;
}
} // namespace

void* operator new(std::size_t size) { return allocate_or_fail(size, alignof(std::max_align_t)); }
void* operator new[](std::size_t size) { return allocate_or_fail(size, alignof(std::max_align_t)); }
void* operator new(std::size_t size, std::align_val_t al) { return allocate_or_fail(size, static_cast<std::size_t>(al)); }
void* operator new[](std::size_t size, std::align_val_t al) { return allocate_or_fail(size, static_cast<std::size_t>(al)); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return allocate(size, alignof(std::max_align_t)); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return allocate(size, alignof(std::max_align_t)); }
void* operator new(std::size_t size, std::align_val_t al, const std::nothrow_t&) noexcept {
    return allocate(size, static_cast<std::size_t>(al));
}
void* operator new[](std::size_t size, std::align_val_t al, const std::nothrow_t&) noexcept {
    return allocate(size, static_cast<std::size_t>(al));
}

void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }

namespace {

/// Counts allocations between construction and stop(); no Catch2 macro may run inside.
class counting_window {
public:
    counting_window() noexcept {
        g_allocations = 0;
        g_counting = true;
    }
    ~counting_window() { g_counting = false; }
    std::size_t stop() noexcept {
        g_counting = false;
        return g_allocations;
    }
};

// ------------------------------------------------------------- a transport without a heap
/// The server side: replies from a table, each released when the client finishes one unit (a
/// command line, or after a 354 the content up to <CRLF>.<CRLF>), like the scripted peer but with
/// fixed arrays only.
struct table_peer {
    const char* const* turns = nullptr;
    std::size_t turn_count = 0;
    std::size_t released = 0;  ///< turns [0, released) may be read
    std::size_t reading = 0;   ///< the turn being read
    std::size_t offset = 0;    ///< in turns[reading]
    bool connected = false;
    bool data_mode = false;
    char tail[5] = {};         ///< the last five octets of the current unit
    std::size_t unit_length = 0;
    std::size_t units = 0;
    std::size_t write_calls = 0;
    std::size_t reads = 0;
    char log[8192] = {};       ///< everything written (truncated if longer)
    std::size_t log_length = 0;
    std::size_t write_ends[64] = {};

    void release() {
        if (released >= turn_count) return;
        if (std::strncmp(turns[released], "354", 3) == 0) data_mode = true;
        ++released;
    }
    void take(char c) {
        if (log_length < sizeof(log)) log[log_length++] = c;
        std::memmove(tail, tail + 1, 4);
        tail[4] = c;
        ++unit_length;
        bool done;
        if (data_mode)
            done = (unit_length == 3 && std::memcmp(tail + 2, ".\r\n", 3) == 0) ||
                   (unit_length >= 5 && std::memcmp(tail, "\r\n.\r\n", 5) == 0);
        else
            done = unit_length >= 2 && tail[3] == '\r' && tail[4] == '\n';
        if (done) {
            if (data_mode) data_mode = false;
            unit_length = 0;
            ++units;
            release();
        }
    }
};

struct table_transport {
    table_peer* peer = nullptr;

    mailwire::io_result connect(std::string_view, std::uint16_t, std::uint32_t) {
        peer->connected = true;
        peer->release();
        return mailwire::io_result::done(0);
    }
    mailwire::io_result read_some(char* buf, std::size_t len, std::uint32_t) {
        ++peer->reads;
        if (!peer->connected) return mailwire::io_result::fail(mailwire::io_status::error);
        while (peer->reading < peer->released && peer->turns[peer->reading][peer->offset] == '\0') {
            ++peer->reading;
            peer->offset = 0;
        }
        if (peer->reading >= peer->released) return mailwire::io_result::fail(mailwire::io_status::timeout);
        const char* src = peer->turns[peer->reading] + peer->offset;
        std::size_t n = 0;
        while (n < len && src[n] != '\0') {
            buf[n] = src[n];
            ++n;
        }
        peer->offset += n;
        return mailwire::io_result::done(n);
    }
    mailwire::io_result write_some(const char* buf, std::size_t len, std::uint32_t) {
        if (!peer->connected) return mailwire::io_result::fail(mailwire::io_status::error);
        for (std::size_t i = 0; i < len; ++i) peer->take(buf[i]);
        if (peer->write_calls < 64) peer->write_ends[peer->write_calls] = peer->log_length;
        ++peer->write_calls;
        return mailwire::io_result::done(len);
    }
    void close() { peer->connected = false; }
};

/// A clock that is a plain counter: every reading is one millisecond later.
struct counter_clock {
    mailwire::millis* ticks = nullptr;
    mailwire::millis now() const noexcept { return ++*ticks; }
};

using heapless_client = mailwire::basic_client<table_transport, mailwire::no_tls, mailwire::profiles::relay, counter_clock>;

const char* const session_turns[] = {
    "220 mx.example ESMTP ready\r\n",
    "250-mx.example\r\n250-PIPELINING\r\n250-SIZE 10000000\r\n250-8BITMIME\r\n250 AUTH PLAIN LOGIN\r\n",
    "235 2.7.0 Authentication successful\r\n",
    // first message: MAIL, three RCPT, DATA in one batch
    "250 2.1.0 Ok\r\n",
    "250 2.1.5 Ok\r\n",
    "250 2.1.5 Ok\r\n",
    "550 5.1.1 No such user\r\n",
    "354 End data with <CR><LF>.<CR><LF>\r\n",
    "250 2.0.0 Ok: queued as 1\r\n",
    // second message
    "250 2.1.0 Ok\r\n",
    "250 2.1.5 Ok\r\n",
    "354 End data with <CR><LF>.<CR><LF>\r\n",
    "250 2.0.0 Ok: queued as 2\r\n",
    "221 2.0.0 Bye\r\n",
};

const char first_message[] = "From: a@example.org\r\nTo: b@example.org\r\nSubject: no heap\r\n\r\n"
                             "Line one.\n.a line with a leading dot\r\nlast line without an end";

/// The second message, produced line by line by a callback: 200 lines, every fifth starting with '.'.
struct line_generator {
    int line = 0;
    static std::ptrdiff_t fill(void* ctx, char* buf, std::size_t cap) {
        line_generator& g = *static_cast<line_generator*>(ctx);
        std::size_t n = 0;
        while (g.line < 200 && n + 40 <= cap) {
            const char* text = g.line % 5 == 0 ? ".dotted line of the generated body\r\n" : "plain line of the generated body\r\n";
            const std::size_t len = std::strlen(text);
            std::memcpy(buf + n, text, len);
            n += len;
            ++g.line;
        }
        return static_cast<std::ptrdiff_t>(n);
    }
};

/// Counts trace lines without allocating.
void count_trace(void* ctx, mailwire::trace_direction, std::string_view) { ++*static_cast<std::size_t*>(ctx); }

} // namespace

TEST_CASE("the allocation counter counts a new int", "[unit][allocation]") {
    static int* volatile sink = nullptr; // the pointer escapes, so the allocation cannot be elided
    std::size_t counted = 0;
    {
        counting_window w;
        sink = new int(42);
        counted = w.stop();
    }
    const int value = *sink;
    delete sink;
    sink = nullptr;
    CHECK(value == 42);
    CHECK(counted == 1);
    SECTION("and the array, aligned and nothrow forms too") {
        struct alignas(64) wide {
            char c[64];
        };
        static void* volatile sinks[4] = {};
        std::size_t n = 0;
        {
            counting_window w;
            sinks[0] = new char[10];
            sinks[1] = new wide;
            sinks[2] = new (std::nothrow) int(1);
            sinks[3] = new wide[3];
            n = w.stop();
        }
        CHECK(n == 4);
        CHECK(reinterpret_cast<std::uintptr_t>(sinks[1]) % 64 == 0);
        CHECK(reinterpret_cast<std::uintptr_t>(sinks[3]) % 64 == 0);
        delete[] static_cast<char*>(sinks[0]);
        delete static_cast<wide*>(sinks[1]);
        delete static_cast<int*>(sinks[2]);
        delete[] static_cast<wide*>(sinks[3]);
    }
}

TEST_CASE("a whole session makes no heap allocation", "[unit][allocation]") {
    // Everything the session needs is set up before the window opens.
    static table_peer peer; // large: keep it off the stack
    peer = table_peer{};
    peer.turns = session_turns;
    peer.turn_count = sizeof(session_turns) / sizeof(session_turns[0]);
    mailwire::millis ticks = 0;
    std::size_t trace_lines = 0;
    mailwire::recipient first_to[3] = {{"b@example.org", {}}, {"c@example.org", {}}, {"nobody@example.org", {}}};
    mailwire::recipient second_to[1] = {{"d@example.org", {}}};
    line_generator gen;
    mailwire::callback_source second_source{&line_generator::fill, &gen};

    mailwire::error opened, authenticated, quitted;
    mailwire::send_result first, second;
    std::size_t allocations = 0;
    {
        counting_window w;
        heapless_client c(table_transport{&peer}, mailwire::no_tls{}, counter_clock{&ticks});
        c.options().ehlo_name = "client.example";
        c.options().allow_plaintext_auth = true;
        c.options().trace = &count_trace;
        c.options().trace_context = &trace_lines;
        opened = c.open("mx.example");
        if (opened.ok()) authenticated = c.authenticate(mailwire::credentials{"user", "pass"}, mailwire::auth_mechanism::plain);
        if (authenticated.ok()) {
            mailwire::envelope env1;
            env1.sender = "a@example.org";
            env1.recipients = first_to;
            env1.recipient_count = 3;
            first = c.send(env1, std::string_view(first_message));
            mailwire::envelope env2;
            env2.sender = "a@example.org";
            env2.recipients = second_to;
            env2.recipient_count = 1;
            second = c.send(env2, second_source);
            quitted = c.quit();
        }
        allocations = w.stop();
    }

    WARN("heap allocations during the whole session: " << allocations);
    INFO("open: " << mwtest::describe(opened));
    INFO("auth: " << mwtest::describe(authenticated));
    INFO("first: " << mwtest::describe(first.err));
    INFO("second: " << mwtest::describe(second.err));
    REQUIRE(opened.ok());
    REQUIRE(authenticated.ok());
    CHECK(first.delivered());
    CHECK(first.accepted == 2);
    CHECK(first.refused == 1);
    CHECK(first_to[2].result.code == 550);
    CHECK(second.ok());
    CHECK(quitted.ok());
    CHECK(gen.line == 200);
    CHECK(peer.released == peer.turn_count); // the whole script was used
    CHECK(trace_lines > 10);                 // the trace path ran too
    CHECK_FALSE(peer.connected);

    // The first message's batch was one write (RFC 2920), as in the scripted tests.
    const std::string written(peer.log, peer.log_length);
    REQUIRE(peer.write_calls >= 4);
    const std::string auth = written.substr(peer.write_ends[0], peer.write_ends[1] - peer.write_ends[0]);
    CHECK(auth == "AUTH PLAIN AHVzZXIAcGFzcw==\r\n");
    // SIZE= by hand: 21 + 19 + 18 + 2 + 11 ("Line one." CRLF) + 28 + 26 (the last line, ended) = 125.
    const std::string batch = written.substr(peer.write_ends[1], peer.write_ends[2] - peer.write_ends[1]);
    if (MAILWIRE_TX_BUFFER_SIZE >= 512) // a smaller send buffer splits the batch
        CHECK(batch == "MAIL FROM:<a@example.org> SIZE=125\r\nRCPT TO:<b@example.org>\r\nRCPT TO:<c@example.org>\r\n"
                       "RCPT TO:<nobody@example.org>\r\nDATA\r\n");

    CHECK(allocations == 0);
}
