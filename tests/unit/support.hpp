// SPDX-License-Identifier: BSL-1.0
// mailwire unit tests: what several test files share — the scripted client type, a session that
// owns a script and a client, an independent base64 encoder (so expectations never come from the
// library under test), and a readable description of an error for INFO().
//
// Only <mailwire/mailwire.hpp> and the testing header are included: the same tests also run
// against single_include/, which has no other headers.
#ifndef MAILWIRE_TESTS_UNIT_SUPPORT_HPP
#define MAILWIRE_TESTS_UNIT_SUPPORT_HPP

#include <mailwire/mailwire.hpp>
#include <mailwire/testing/scripted_transport.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mwtest {

using mailwire::testing::manual_clock;
using mailwire::testing::script;
using mailwire::testing::scripted_transport;

/// A plaintext client over the scripted peer, with the manual clock.
template <class Profile = mailwire::profiles::relay>
using scripted_client = mailwire::basic_client<scripted_transport, mailwire::no_tls, Profile, manual_clock>;

/// The EHLO name every session uses, so the expected command lines are known.
constexpr const char* ehlo_name = "client.example";

/// A script and a client talking to it. The script is declared first, so it outlives the client.
template <class Profile = mailwire::profiles::relay>
struct basic_session {
    script s;
    scripted_client<Profile> c{scripted_transport(s), mailwire::no_tls{}, s.clock()};

    basic_session() { c.options().ehlo_name = ehlo_name; }
    basic_session(const basic_session&) = delete;
    basic_session& operator=(const basic_session&) = delete;

    /// What the client wrote from offset `mark` on.
    std::string written_since(std::size_t mark) const { return s.written.substr(mark < s.written.size() ? mark : s.written.size()); }
};
using session = basic_session<>;

/// "EHLO client.example\r\n" and friends.
inline std::string line(std::string_view command) { return std::string(command) + "\r\n"; }
inline std::string ehlo_line() { return line(std::string("EHLO ") + ehlo_name); }
inline std::string helo_line() { return line(std::string("HELO ") + ehlo_name); }

/// A standard opening: greeting, then an EHLO reply whose extension lines are `extensions`
/// (each without code or line end). The first EHLO line is the server's name, never an extension.
inline void greet(script& s, const std::vector<std::string>& extensions = {}) {
    s.reply("220 mx.example ESMTP ready\r\n");
    std::string ehlo = extensions.empty() ? "250 mx.example\r\n" : "250-mx.example\r\n";
    for (std::size_t i = 0; i < extensions.size(); ++i)
        ehlo += (i + 1 == extensions.size() ? "250 " : "250-") + extensions[i] + "\r\n";
    s.reply(ehlo);
}

/// RFC 4648 §4 base64, written independently of mailwire's encoder.
inline std::string ref_base64(std::string_view in) {
    static const char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 3 <= in.size(); i += 3) {
        const std::uint32_t v = (std::uint32_t(std::uint8_t(in[i])) << 16) | (std::uint32_t(std::uint8_t(in[i + 1])) << 8) |
                                std::uint32_t(std::uint8_t(in[i + 2]));
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        out += table[(v >> 6) & 63];
        out += table[v & 63];
    }
    const std::size_t rest = in.size() - i;
    if (rest == 1) {
        const std::uint32_t v = std::uint32_t(std::uint8_t(in[i])) << 16;
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        out += "==";
    } else if (rest == 2) {
        const std::uint32_t v = (std::uint32_t(std::uint8_t(in[i])) << 16) | (std::uint32_t(std::uint8_t(in[i + 1])) << 8);
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        out += table[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

/// "mail/permanent/none (server: 550 5.1.1 text) advice: ..." for INFO().
inline std::string describe(const mailwire::error& e) {
    std::string d = std::string(mailwire::to_string(e.where)) + "/" + mailwire::to_string(e.kind) + "/" +
                    mailwire::to_string(e.why);
    if (e.server.code != 0) {
        d += " (server: " + std::to_string(e.server.code);
        if (!e.server.enhanced_status().empty()) d += " " + std::string(e.server.enhanced_status());
        d += " " + std::string(e.server.message()) + ")";
    }
    if (e.sys_error != 0) d += " errno " + std::to_string(e.sys_error);
    d += " advice: ";
    d += e.advice();
    return d;
}

/// Makes control characters visible in INFO() output.
inline std::string escaped(std::string_view s) {
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (char ch : s) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c == '\r') out += "\\r";
        else if (c == '\n') out += "\\n";
        else if (c < 32 || c >= 127) {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else out += ch;
    }
    return out;
}

/// Whether a piece of advice mentions `needle`, ignoring case.
inline bool advice_mentions(const char* advice, std::string_view needle) {
    std::string a(advice != nullptr ? advice : ""), n(needle);
    for (std::string* s : {&a, &n})
        for (char& c : *s)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return a.find(n) != std::string::npos;
}
inline bool advice_mentions(const mailwire::error& e, std::string_view needle) {
    return advice_mentions(e.advice(), needle);
}

// The dialogues whose failures the advice tests look at, once for the full texts
// (tests/unit/advice_test.cpp) and once for the short ones (tests/config/short_advice_test.cpp).
/// No answer to the connect.
template <class Profile>
mailwire::error connect_timeout(basic_session<Profile>& t) {
    t.s.fail_connect(mailwire::io_status::timeout);
    return t.c.open("smtp.example");
}
/// AUTH PLAIN on a plaintext connection (allowed), answered 535.
template <class Profile>
mailwire::error login_refused(basic_session<Profile>& t) {
    greet(t.s, {"AUTH PLAIN LOGIN"});
    t.s.reply("535 5.7.8 Username and Password not accepted\r\n").reply("221 bye\r\n");
    t.c.options().allow_plaintext_auth = true;
    const mailwire::error opened = t.c.open("smtp.example");
    if (!opened.ok()) return opened;
    return t.c.authenticate({"user@example.org", "wrong"}, mailwire::auth_mechanism::plain);
}
/// AUTH asked for on a plaintext connection, without opting in.
template <class Profile>
mailwire::error plaintext_auth(basic_session<Profile>& t) {
    greet(t.s, {"AUTH PLAIN"});
    const mailwire::error opened = t.c.open("smtp.example");
    if (!opened.ok()) return opened;
    return t.c.authenticate({"user", "pass"});
}

/// Recipients whose addresses outlive the envelope that points at them.
struct recipients {
    std::vector<std::string> addresses;
    std::vector<mailwire::recipient> list;

    explicit recipients(std::vector<std::string> a) : addresses(std::move(a)) {
        list.resize(addresses.size());
        for (std::size_t i = 0; i < addresses.size(); ++i) list[i].address = addresses[i];
    }
    mailwire::envelope envelope(std::string_view sender) {
        mailwire::envelope env;
        env.sender = sender;
        env.recipients = list.data();
        env.recipient_count = list.size();
        return env;
    }
};

/// Collects the trace callback's lines ("C: ...", "S: ...", "*: ...").
struct trace_log {
    std::vector<std::string> lines;

    static void record(void* context, mailwire::trace_direction d, std::string_view text) {
        auto* self = static_cast<trace_log*>(context);
        const char* prefix = d == mailwire::trace_direction::client ? "C: " : d == mailwire::trace_direction::server ? "S: " : "*: ";
        self->lines.push_back(prefix + std::string(text));
    }
    template <class Client>
    void attach(Client& c) {
        c.options().trace = &trace_log::record;
        c.options().trace_context = this;
    }
    std::string all() const {
        std::string s;
        for (const std::string& l : lines) s += l + "\n";
        return s;
    }
    /// The direction letters in order: "SCSCS..." (client and server lines only).
    std::string directions() const {
        std::string s;
        for (const std::string& l : lines)
            if (l[0] == 'C' || l[0] == 'S') s += l[0];
        return s;
    }
};

} // namespace mwtest

#endif // MAILWIRE_TESTS_UNIT_SUPPORT_HPP
