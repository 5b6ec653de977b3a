// SPDX-License-Identifier: BSL-1.0
// Fuzz target: a whole client session driven by fuzzed server bytes — greeting, EHLO, STARTTLS
// (through a pass-through TLS policy, so its answers are fuzzed too), AUTH and its challenges,
// MAIL/RCPT/DATA or BDAT chunks (when the fuzzed EHLO reply offers CHUNKING), the reply to the
// final "." or to the LAST chunk — with a fuzzed envelope address and body.
//
// Input: byte 0 chooses the encryption (none / STARTTLS / implicit) and PIPELINING on or off,
// byte 1 the AUTH mechanism (bit 7: a secret too long for the AUTH line; bit 6: a fuzzed
// envelope), byte 2 the size of each read (1 to 64: replies split anywhere), byte 3 the body's
// length, taken from the end; the rest is what the server sends. With a fuzzed envelope, the body
// up to its first line feed is "sender TAB recipient TAB recipient ..." (up to 4; CR, NUL and
// anything else stay in the addresses) and the rest is the body.
//
// Invariants: no crash, no hang (the stream ends, then reads report the connection closed);
// nothing the client writes has a bare CR or LF; credentials never leave unencrypted; and the
// message counts as delivered only after a 2xx reply.
#include <mailwire/mailwire.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

struct fuzz_io {
    std::string_view server;
    std::size_t pos = 0;
    std::size_t chunk = 1;
    std::string written;
    bool encrypted = false;
    std::size_t secret_at = std::string::npos; // where the credentials were written, if they were
};

struct fuzz_transport {
    fuzz_io* io;
    mailwire::io_result connect(std::string_view, std::uint16_t, std::uint32_t) { return mailwire::io_result::done(0); }
    mailwire::io_result read_some(char* buf, std::size_t len, std::uint32_t) {
        if (io->pos >= io->server.size()) return mailwire::io_result::fail(mailwire::io_status::closed);
        std::size_t n = io->server.size() - io->pos;
        if (n > io->chunk) n = io->chunk;
        if (n > len) n = len;
        for (std::size_t i = 0; i < n; ++i) buf[i] = io->server[io->pos + i];
        io->pos += n;
        return mailwire::io_result::done(n);
    }
    mailwire::io_result write_some(const char* buf, std::size_t len, std::uint32_t) {
        const std::size_t before = io->written.size();
        io->written.append(buf, len);
        // "user\0secret" in base64, as AUTH PLAIN sends it; LOGIN sends "c2VjcmV0".
        for (const char* secret : {"AHVzZXIAc2VjcmV0", "c2VjcmV0"}) {
            const std::size_t at = io->written.find(secret, before > 16 ? before - 16 : 0);
            if (at != std::string::npos && !io->encrypted) std::abort(); // credentials in plaintext
        }
        return mailwire::io_result::done(len);
    }
    void close() {}
};

struct passthrough_tls {
    static constexpr bool available = true;
    fuzz_io* io;
    template <class T, class Timer>
    mailwire::io_result handshake(T&, std::string_view, const Timer&) {
        io->encrypted = true;
        return mailwire::io_result::done(0);
    }
    template <class T, class Timer>
    mailwire::io_result read_some(T& t, char* buf, std::size_t len, const Timer& timer) {
        return t.read_some(buf, len, timer.remaining_ms());
    }
    template <class T, class Timer>
    mailwire::io_result write_some(T& t, const char* buf, std::size_t len, const Timer& timer) {
        return t.write_some(buf, len, timer.remaining_ms());
    }
    template <class T>
    void close(T&) {}
};

struct step_clock {
    mutable mailwire::millis t = 0;
    mailwire::millis now() const noexcept { return t += 7; }
};

/// A line holds no CR and no LF; only the very end of what was written may be a CR whose LF never
/// left (the client gave up there and dropped the connection).
void check_text(std::string_view t, bool at_end) {
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i] == '\n' && (i == 0 || t[i - 1] != '\r')) std::abort();
        if (t[i] == '\r' && (i + 1 < t.size() ? t[i + 1] != '\n' : !at_end)) std::abort();
    }
}

/// With MAILWIRE_MAIL_PARAMETERS and MAILWIRE_ADDRESS_SYNTAX at 0 (session-small, as the firmware
/// sets them), nothing but the path follows MAIL FROM: or RCPT TO:, and the path holds no space
/// and no other angle bracket: an address can add no parameter and no command.
void check_envelope_line(std::string_view line) {
    if (MAILWIRE_MAIL_PARAMETERS || MAILWIRE_ADDRESS_SYNTAX) return;
    for (std::string_view verb : {std::string_view("MAIL FROM:<"), std::string_view("RCPT TO:<")}) {
        if (line.substr(0, verb.size()) != verb) continue;
        const std::string_view path = line.substr(verb.size());
        if (path.empty() || path.back() != '>') std::abort();
        if (path.substr(0, path.size() - 1).find_first_of(" <>") != std::string_view::npos) std::abort();
    }
}

/// Reads what the client wrote as a server would: command lines; after DATA the message's lines
/// up to the final "."; after "BDAT n" n octets of the message (RFC 3030 §2), which need not end
/// at a line end, so one transaction's chunks are checked together, and not at all when its MAIL
/// said BODY=BINARYMIME (RFC 3030 §3: then any octet may go). A stream may stop anywhere.
void check_wire(const std::string& w) {
    bool data = false;   // between DATA and the final "."
    bool binary = false; // the transaction's MAIL FROM had BODY=BINARYMIME
    std::string chunked; // the transaction's BDAT octets
    std::size_t at = 0;
    while (at < w.size()) {
        const std::size_t end = w.find("\r\n", at);
        const std::string_view line(w.data() + at, (end == std::string::npos ? w.size() : end) - at);
        check_text(line, end == std::string::npos);
        if (end == std::string::npos) break;
        at = end + 2;
        if (data) {
            data = line != ".";
        } else if (line == "DATA") {
            data = true;
        } else if (line.substr(0, 5) == "BDAT ") {
            std::size_t n = 0;
            std::size_t i = 5;
            for (; i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i)
                n = n * 10 + static_cast<std::size_t>(line[i] - '0');
            if (i == 5) std::abort(); // no chunk size
            const std::size_t got = n < w.size() - at ? n : w.size() - at;
            chunked.append(w, at, got);
            at += got;
            const bool last = line.substr(i) == " LAST";
            if (!binary && (last || at == w.size())) check_text(chunked, !last);
            if (last) chunked.clear();
        } else {
            if (line.substr(0, 10) == "MAIL FROM:") {
                if (!binary) check_text(chunked, true); // an earlier transaction's, refused
                binary = line.find(" BODY=BINARYMIME") != std::string_view::npos;
                chunked.clear();
            }
            check_envelope_line(line);
        }
    }
    if (!binary) check_text(chunked, true);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 4) return 0;
    const std::string_view all(reinterpret_cast<const char*>(data), size);
    const unsigned mode = data[0] % 3;
    const bool pipelining = (data[0] & 0x10) != 0;
    const auto mech = static_cast<mailwire::auth_mechanism>(data[1] % 5);
    // A secret too long for the AUTH line (RFC 4954 §4): the response then follows a 334. It
    // starts with "secret", so the plaintext check below still sees it.
    const bool long_secret = (data[1] & 0x80) != 0;
    static const std::string long_one = [] {
        std::string s;
        for (int i = 0; i < 100; ++i) s += "secret";
        return s;
    }();
    std::size_t body_len = data[3];
    if (body_len > size - 4) body_len = size - 4;

    fuzz_io io;
    io.chunk = 1 + data[2] % 64;
    io.server = all.substr(4, size - 4 - body_len);
    const std::string_view body = all.substr(size - body_len);
    // The check for credentials on the wire looks for their base64; a body that contains it by
    // chance would be a false alarm.
    if (body.find("c2VjcmV0") != std::string_view::npos) return 0;

    mailwire::basic_client<fuzz_transport, passthrough_tls, mailwire::profiles::runtime, step_clock> c(
        fuzz_transport{&io}, passthrough_tls{&io}, step_clock{});
    c.options().ehlo_name = "fuzz.example";
    c.options().override_encryption = true;
    c.options().mode = mode == 0 ? mailwire::encryption::none
                       : mode == 1 ? mailwire::encryption::starttls
                                   : mailwire::encryption::implicit;
    c.options().disable_pipelining = !pipelining;
    c.options().timeout.set_all(5000);
    if (c.open("mx.example").ok()) {
        if (c.authenticate({"user", long_secret ? std::string_view(long_one) : "secret"}, mech).ok() && !c.encrypted()) std::abort();
        mailwire::recipient to[4] = {{"a@example.org", {}}, {"b@example.org", {}}, {"c@example.org", {}}, {}};
        mailwire::envelope env{"sender@example.org", to, 3};
        std::string_view content = body;
        if ((data[1] & 0x40) != 0) {
            const std::size_t nl = body.find('\n');
            std::string_view fields = body.substr(0, nl == std::string_view::npos ? body.size() : nl);
            content = nl == std::string_view::npos ? std::string_view() : body.substr(nl + 1);
            const std::size_t tab = fields.find('\t');
            env.sender = fields.substr(0, tab);
            env.recipient_count = 0;
            while (tab != std::string_view::npos && env.recipient_count < 4) {
                fields.remove_prefix(fields.find('\t') + 1);
                const std::size_t next = fields.find('\t');
                to[env.recipient_count++].address = fields.substr(0, next);
                if (next == std::string_view::npos) break;
            }
        }
        const mailwire::send_result r = c.send(env, content);
        if (r.delivered() && c.last_reply().cls() != 2) std::abort();
        if (r.delivered() && r.accepted == 0) std::abort();
        (void)c.quit();
    }
    check_wire(io.written);
    return 0;
}
