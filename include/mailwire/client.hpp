// SPDX-License-Identifier: BSL-1.0
// mailwire - the blocking SMTP client: greeting -> EHLO -> [STARTTLS -> EHLO] -> [AUTH] ->
// (MAIL, RCPT..., DATA)... -> QUIT, with a deadline on every step and no heap.
#ifndef MAILWIRE_CLIENT_HPP
#define MAILWIRE_CLIENT_HPP

#include "config.hpp"

#include "address.hpp"
#include "advice.hpp"
#include "base64.hpp"
#include "capabilities.hpp"
#include "clock.hpp"
#include "dot_stuffer.hpp"
#include "envelope.hpp"
#include "error.hpp"
#include "io.hpp"
#include "options.hpp"
#include "profiles.hpp"
#include "reply.hpp"
#include "reply_parser.hpp"
#include "sasl.hpp"
#include "source.hpp"
#include "tls.hpp"
#include "transport.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string_view>
#include <type_traits>

namespace mailwire {
inline namespace MAILWIRE_ABI {

template <class Transport, class Tls = no_tls, class Profile = profiles::relay, class Clock = default_clock>
class basic_client {
    static_assert(check_transport<Transport>::value, "mailwire: Transport does not meet the requirements");
    static_assert(check_clock<Clock>::value, "mailwire: Clock does not meet the requirements");
    static_assert(Tls::available || !requires_tls(Profile::mode),
                  "mailwire: this profile requires TLS (STARTTLS or implicit TLS) but the Tls policy is "
                  "mailwire::no_tls. Use mailwire::mbedtls_tls as the second template argument, or a profile "
                  "that allows plaintext (profiles::relay, or profile<port, encryption::none>).");
    static_assert(!detail::tls_implicit_only<Tls>::value ||
                      (!detail::chosen_at_run_time<Profile>::value && Profile::mode == encryption::implicit),
                  "mailwire: this Tls policy (mailwire::transport_tls) is TLS done by the transport from the "
                  "first byte, which cannot be started with STARTTLS: use profiles::submissions (465) or "
                  "another profile with encryption::implicit.");
    static_assert(MAILWIRE_RX_BUFFER_SIZE >= 64 && MAILWIRE_TX_BUFFER_SIZE >= 64,
                  "mailwire: MAILWIRE_RX_BUFFER_SIZE and MAILWIRE_TX_BUFFER_SIZE must be at least 64 octets");

public:
    using transport_type = Transport;
    using tls_type = Tls;
    using profile_type = Profile;
    using clock_type = Clock;

    /// Every member starts as zero bits (the options too: 0 and false are the defaults), so with
    /// policies that allow it (mailwire's own do) a static client is constant-initialised: in .bss,
    /// no code runs at start-up to initialise it, no static initialisation order to think of.
    constexpr basic_client() : transport_(), tls_(), clock_() {}
    explicit basic_client(Transport transport, Tls tls = Tls(), Clock clock = Clock())
        : transport_(static_cast<Transport&&>(transport)), tls_(static_cast<Tls&&>(tls)),
          clock_(static_cast<Clock&&>(clock)) {}
    basic_client(const basic_client&) = delete;
    basic_client& operator=(const basic_client&) = delete;
    ~basic_client() { drop_connection(); }

    client_options& options() noexcept { return opt_; }
    const client_options& options() const noexcept { return opt_; }
    Transport& transport() noexcept { return transport_; }
    Tls& tls() noexcept { return tls_; }
    Clock& clock() noexcept { return clock_; }

    bool is_open() const noexcept { return open_; }
    bool encrypted() const noexcept { return encrypted_; }
    const capabilities& server_capabilities() const noexcept { return caps_; }
    /// The most recent reply the server sent.
    const reply& last_reply() const noexcept { return last_; }
    /// The port and the encryption of the last open(); before it, the profile's.
    std::uint16_t port() const noexcept { return port_ != 0 ? port_ : Profile::port; }
    encryption mode() const noexcept {
        return port_ != 0 ? mode_ : mode_at_run_time ? encryption_for_port(Profile::port) : Profile::mode;
    }

    /// Connects, reads the greeting, says EHLO (HELO if refused with 500/502) and, as the profile
    /// asks, upgrades with STARTTLS (then says EHLO again).
    [[nodiscard]] error open(std::string_view host) { return result(open_session(host)); }

    /// AUTH with the given mechanism (RFC 4954). On an unencrypted connection it refuses before a
    /// byte of the credentials is sent, unless options().allow_plaintext_auth is set. Checks that
    /// fail before anything is sent (plaintext refused, mechanism not offered, bad arguments) leave
    /// the connection open; once an AUTH exchange has failed, only QUIT is sent and the connection
    /// is closed.
    [[nodiscard]] error authenticate(const credentials& cred, auth_mechanism mech = auth_mechanism::automatic) {
        return result(auth_session(cred, mech));
    }

    /// Sends one message to every recipient. Each recipient's reply lands in its `result`.
    template <class Source, std::enable_if_t<!std::is_convertible<const Source&, std::string_view>::value, int> = 0>
    [[nodiscard]] send_result send(envelope& env, Source& source) {
        static_assert(detail::is_source<Source>::value,
                      "mailwire: the Source lacks `std::ptrdiff_t read(char* buf, std::size_t cap)`");
        send_result res;
        if (!transaction(env, source, res, env.size, env.size, env.binary, env.eight_bit)) res.err = err_;
        return res;
    }
    /// Sends a message that is in memory. SIZE= is declared from this message's own wire size
    /// (RFC 1870 §6), whatever env.size says, so an envelope can be reused for other messages; it
    /// is counted only when the server offers SIZE. The progress callback counts against the
    /// message's length in memory (the octets it is read as).
    [[nodiscard]] send_result send(envelope& env, std::string_view message) {
        scanned_source src(message);
        send_result res;
        // Content that is not line-structured goes unchanged where BINARYMIME can carry it (RFC
        // 3030 §3), and is then counted as it is; elsewhere it is refused before MAIL, as 8-bit
        // content is where 8BITMIME is not offered (RFC 6152 §3).
        const bool declare_size = MAILWIRE_MAIL_PARAMETERS && caps_.size;
        const message_scan scan = scan_message(message, declare_size);
        const bool binary = env.binary || scan.binary;
        const bool eight_bit = env.eight_bit || eight_bit_content(message);
        const std::uint64_t size = !declare_size                 ? 0
                                   : binary && binary_path() ? message.size()
                                                             : scan.wire_size;
        if (!transaction(env, src, res, size, message.size(), binary, eight_bit)) res.err = err_;
        return res;
    }

    /// RSET (RFC 5321 §4.1.1.5): abandons a transaction; the connection stays usable.
    [[nodiscard]] error reset() { return result(simple_command(phase::rset, "RSET")); }
    /// NOOP (RFC 5321 §4.1.1.9): keeps an idle connection alive, or checks it.
    [[nodiscard]] error noop() { return result(simple_command(phase::noop, "NOOP")); }

    /// QUIT (RFC 5321 §4.1.1.10), then closes the connection whatever the reply.
    error quit() {
        if (!open_) return error{};
        const bool ok = exchange(phase::quit, opt_.timeout.quit, {"QUIT"}, closing) &&
                        (last_.code == 221 || reply_failure(phase::quit));
        drop_connection();
        return result(ok);
    }

    /// Closes the connection without QUIT.
    void close() noexcept { drop_connection(); }

private:
    // Written for size as much as for clarity: this is the code a firmware image carries. Every
    // step is a member function returning bool, the few shapes the dialogue has (one command and
    // its reply; the same as clean-up; a SASL exchange) are written once, and a failure is
    // recorded once, where it happens.

    [[nodiscard]] bool open_session(std::string_view host) {
        drop_connection();
        port_ = opt_.port != 0 ? opt_.port : Profile::port;
        mode_ = !mode_at_run_time           ? Profile::mode
                : opt_.override_encryption ? opt_.mode
                                           : encryption_for_port(port_); // the port implies it
        opt_.timeout.settle();
        // A compile-time profile's encryption is fixed: only profiles::runtime takes another.
        if (opt_.override_encryption && !mode_at_run_time && opt_.mode != Profile::mode)
            return fail(phase::connect, error_kind::usage, cause::bad_argument);
        host_ = host;
        if (requires_tls(mode_) && !Tls::available) return fail(phase::connect, error_kind::usage, cause::tls_not_available);
        ehlo_ = opt_.ehlo_name;
        const std::string_view target = opt_.connect_to.empty() ? host : opt_.connect_to;
        // Names go into the dialogue (EHLO, the modem's dial string): no controls, no spaces.
        if (!plain_name(host) || !plain_name(target)) return fail(phase::connect, error_kind::usage, cause::bad_argument);
        if (!ehlo_.empty() && !plain_name(ehlo_)) return fail(phase::ehlo, error_kind::usage, cause::bad_argument);

        trace_info("connecting");
        phase_ = phase::connect;
        const io_result r = transport_.connect(target, port_, opt_.timeout.connect);
        if (!r.ok()) {
            transport_.close();
            return io_failure(r.status, r.sys_error);
        }
        open_ = true;
        if (can_be(encryption::implicit) && mode_ == encryption::implicit && !start_tls(true)) return false;

        begin(phase::greeting, opt_.timeout.greeting);
        if (!first_greeting_octets() || !read_reply()) return false;
        // RFC 5321 §3.1: after a 554 greeting the client should send QUIT.
        if (last_.code != 220) {
            reply_failure(phase::greeting);
            return quit_and_drop();
        }
        if (!hello()) return false;
        // The STARTTLS code is only in clients that can use it (a TLS policy, a profile that may
        // start in plaintext and upgrade).
        if constexpr (Tls::available && (can_be(encryption::starttls) || can_be(encryption::opportunistic))) {
            const bool upgrade = mode_ == encryption::starttls || (mode_ == encryption::opportunistic && caps_.starttls);
            return !upgrade || encrypted_ || starttls();
        }
        return true;
    }

    /// profiles::runtime: port and encryption come from options() at run time.
    static constexpr bool mode_at_run_time = detail::chosen_at_run_time<Profile>::value;
    /// Whether the client may ever be in mode m: a compile-time profile is only in its own.
    static constexpr bool can_be(encryption m) noexcept { return mode_at_run_time || Profile::mode == m; }

    static constexpr bool compiled_in(auth_mechanism m) noexcept {
        return (m == auth_mechanism::plain && MAILWIRE_AUTH_PLAIN) || (m == auth_mechanism::login && MAILWIRE_AUTH_LOGIN) ||
               (m == auth_mechanism::xoauth2 && MAILWIRE_AUTH_XOAUTH2) ||
               (m == auth_mechanism::oauthbearer && MAILWIRE_AUTH_OAUTHBEARER);
    }

    [[nodiscard]] bool auth_session(const credentials& given, auth_mechanism mech) {
        const auto unusable = [](const credentials& c) {
            return c.secret.empty() || contains_nul(c.user) || contains_nul(c.secret);
        };
        if (!open_) return fail(phase::auth, error_kind::usage, cause::not_connected);
        if (opt_.fetch_credentials == nullptr && unusable(given))
            return fail(phase::auth, error_kind::usage, cause::bad_argument);
        if (!encrypted_ && !opt_.allow_plaintext_auth)
            return fail(phase::auth, error_kind::usage, cause::plaintext_auth_refused);
        if (!caps_.auth) return fail(phase::auth, error_kind::auth, cause::auth_not_offered);
        // A secret fetched now, just before it is used (an OAuth2 access token that must not have
        // expired), and only when AUTH will happen.
        credentials cred = given;
        if (opt_.fetch_credentials != nullptr) {
            if (!opt_.fetch_credentials(opt_.fetch_credentials_context, cred))
                return fail(phase::auth, error_kind::usage, cause::credentials_unavailable);
            if (unusable(cred)) return fail(phase::auth, error_kind::usage, cause::bad_argument);
        }
        if (mech == auth_mechanism::automatic) {
            // A password fits PLAIN and LOGIN; PLAIN needs one round trip. The OAuth2 mechanisms are
            // chosen only when nothing else is offered (a password is no bearer token).
            for (auth_mechanism m : {auth_mechanism::plain, auth_mechanism::login, auth_mechanism::oauthbearer,
                                     auth_mechanism::xoauth2}) {
                if (compiled_in(m) && caps_.offers(m)) {
                    mech = m;
                    break;
                }
            }
            if (mech == auth_mechanism::automatic) return fail(phase::auth, error_kind::auth, cause::mechanism_not_offered);
        } else if (!compiled_in(mech)) {
            return fail(phase::auth, error_kind::usage, cause::mechanism_not_offered);
        } else if (!caps_.offers(mech)) {
            return fail(phase::auth, error_kind::auth, cause::mechanism_not_offered);
        }
        if (mech != auth_mechanism::login && cred.user.empty())
            return fail(phase::auth, error_kind::usage, cause::bad_argument);

        if (run_auth(cred, mech)) return true;
        // A usage error (credentials past a limit) comes before anything is sent: the session
        // stays usable. Anything else ended the exchange: nothing but QUIT follows.
        if (err_.kind != error_kind::usage) quit_and_drop();
        return false;
    }

    // ---------------------------------------------------------------- errors: failures.hpp
    // Internally a step returns true when it succeeded ([[nodiscard]]: a caller cannot drop it); a
    // failure is recorded once in err_ (with a copy of the reply, if it is about one) and false
    // travels back up, so no error object is copied through the call chain. The public calls
    // return err_. A failure is recorded in one of three ways:
    //   fail()          the client names the cause (a usage error, a reply that breaks the
    //                   dialogue: the caller then drops the connection, where it can be seen);
    //   reply_failure() the server refused: the reply in last_ gives the kind (4xx, 5xx);
    //   io_failure()    the transport failed: the connection is dropped.
    // After a failure, the clean-up (QUIT, RSET, "*", an empty message) runs through quietly(),
    // which puts the error being reported back when the clean-up's own steps fail.
    bool fail(phase p, error_kind k, cause c, const reply* about = nullptr) noexcept;
    void advise_now() noexcept {
        if (MAILWIRE_ADVICE) err_.advice_text = advise(err_, advice_context{port(), mode(), encrypted_, Tls::available});
    }
    error result(bool ok) const noexcept { return ok ? error{} : err_; }

    /// An error from the last reply's class. 421 means the server is closing (RFC 5321 §3.8).
    bool reply_failure(phase p) noexcept;
    static error_kind kind_of(const reply& r) noexcept {
        return r.transient() ? error_kind::temporary : r.permanent() ? error_kind::permanent : error_kind::protocol;
    }

    bool io_failure(io_status s, int sys = 0) noexcept;

    /// After a failure: QUIT politely (RFC 5321 §4.1.1.10), then close.
    bool quit_and_drop();

    // ---------------------------------------------------------------- connection: connection.hpp
    void drop_connection() noexcept;

    // Deadlines are the clock's low 32 bits, compared wrap-safe: a bound is at most 2^31 - 1 ms
    // (timeouts::settle()), so a deadline still ahead is less than 2^31 ahead.
    std::uint32_t deadline(std::uint32_t ms) noexcept { return static_cast<std::uint32_t>(clock_.now()) + ms; }
    /// A step begins: what its failures are reported as, and when it must be over.
    void begin(phase p, std::uint32_t ms) noexcept {
        phase_ = p;
        dl_ = deadline(ms);
    }
    std::uint32_t remaining(std::uint32_t dl) noexcept {
        const std::uint32_t left = dl - static_cast<std::uint32_t>(clock_.now());
        return left <= timeouts::longest ? left : 0; // past the deadline: "negative"
    }

    // A client whose profile is implicit TLS never speaks plaintext: no plaintext I/O is in it.
    static constexpr bool only_tls = Tls::available && !mode_at_run_time && Profile::mode == encryption::implicit;
    io_result raw_read(char* buf, std::size_t len, std::uint32_t dl);
    io_result raw_write(const char* buf, std::size_t len, std::uint32_t dl);

    /// The transport as a handshake sees it when TLS is the first thing said on the connection
    /// (implicit TLS): until the server's first octet, a read ends at the first-byte deadline, and
    /// `silent` records that the server said nothing at all (no TLS, no plaintext greeting either).
    struct first_byte_guard {
        basic_client& c;
        std::uint32_t first_deadline;
        bool spoke = false;
        bool silent = false;

        io_result read_some(char* buf, std::size_t len, std::uint32_t ms) {
            if (!spoke) {
                const std::uint32_t left = c.remaining(first_deadline);
                if (left < ms) ms = left;
                if (ms == 0) {
                    silent = true;
                    return io_result::fail(io_status::timeout);
                }
            }
            const io_result r = c.transport_.read_some(buf, len, ms);
            if (r.ok() && r.bytes != 0) spoke = true;
            else if (!spoke && (r.status == io_status::timeout || r.status == io_status::closed)) silent = true;
            return r;
        }
        io_result write_some(const char* buf, std::size_t len, std::uint32_t ms) {
            return c.transport_.write_some(buf, len, ms);
        }
    };

    /// The TLS handshake: implicit TLS (`first`: nothing has been said on the connection yet, so
    /// a silent server is told apart from a slow handshake), or after STARTTLS's 220.
    [[nodiscard]] bool start_tls(bool first = false);

    // ---------------------------------------------------------------- output: writing.hpp
    [[nodiscard]] bool flush();

    /// One write of `out` or, when out is null, one read into `in`, within the step's deadline;
    /// `done` > 0 octets when it succeeds.
    [[nodiscard]] bool transfer(const char* out, char* in, std::size_t len, std::size_t& done);

    [[nodiscard]] bool put_bytes(std::string_view s);
    [[nodiscard]] bool put_char(char c);
    /// n octets of the body that need no dot-stuffing: copied into the send buffer, or, a
    /// buffer's worth or more with the buffer empty, written from where they are.
    [[nodiscard]] bool put_run(const char* p, std::size_t n);

    /// Appends one command line (the parts and CRLF), whole: flushes first if it would not fit.
    /// A line longer than the whole buffer (a firmware build with a small MAILWIRE_TX_BUFFER_SIZE;
    /// a command is at most 512 octets, RFC 5321 §4.5.3.1.4) is streamed through it in pieces.
    [[nodiscard]] bool put_command(std::initializer_list<std::string_view> parts);

    /// One command and its reply, under the timeout of that step.
    [[nodiscard]] bool exchange(phase p, std::uint32_t ms, std::initializer_list<std::string_view> parts, unsigned flags = 0);
    /// One command as clean-up after a failure: whatever it runs into, the error being reported
    /// is kept (put back afterwards). False when the command got no reply.
    [[nodiscard]] bool quietly(phase p, std::uint32_t ms, const char* command, unsigned flags = 0);

    // ---------------------------------------------------------------- input: reading.hpp
    /// The next line from the server, without its line end. RFC 5321 §4.5.3.1.5 bounds it to 512
    /// octets with the CRLF; a longer one is a protocol error, so memory stays bounded. With a
    /// receive buffer smaller than that (MAILWIRE_RX_BUFFER_SIZE on firmware), a line that does
    /// not fit keeps its first half-buffer and the rest is read and dropped, still counted against
    /// the 512 (line_cut_ says so).
    /// `greeting_start`: the first line of the greeting, where a TLS record (content type 0x15
    /// alert or 0x16 handshake, RFC 8446 §5.1) shows at its first octet that the port wants
    /// implicit TLS; it may hold no line feed at all, so this is checked before a line is whole.
    [[nodiscard]] bool read_line(std::string_view& line, bool greeting_start);

    /// The greeting's first octets, within timeouts::first_byte (RFC 5321 §4.5.3.2.1 allows the
    /// whole greeting 5 minutes; a server that has not begun it after first_byte is not coming).
    /// Nothing at all — silence, or the connection closed — is cause::no_greeting, a configuration
    /// mismatch rather than a network failure. Before saying so, a client that can speak TLS and
    /// has not yet, sends a ClientHello: a server that answers it expects implicit TLS on this
    /// port (cause::greeting_looks_like_tls); one that stays silent is a proxy or port forward with
    /// no server behind it. No credential or envelope has been sent; the connection is closed
    /// either way.
    [[nodiscard]] bool first_greeting_octets();

    /// After a silent first_byte wait: does the server answer a ClientHello? Any TLS answer (a
    /// completed handshake, a certificate it sent, an alert) means the port expects implicit TLS.
    /// Bounded by half the first-byte wait (at least a second): a TLS server answers at once.
    cause implicit_tls_answers();

    enum read_flags : unsigned {
        parse_capabilities = 1u, ///< EHLO: every line after the first feeds caps_
        more_follow = 2u,        ///< PIPELINING: further replies may already be buffered
        closing = 4u,            ///< QUIT: whatever follows does not matter
    };

    /// Reads one whole reply into last_. Bytes that arrive beyond it when no further reply is due
    /// mean the server (or something in between) is out of step with the dialogue — the shape of
    /// response injection — and end the session (RFC 5321 §4.1.1 and RFC 2920 §3.1 make a client
    /// wait for each reply unless it pipelined).
    [[nodiscard]] bool read_reply(unsigned flags = 0);

    [[nodiscard]] bool simple_command(phase p, std::string_view cmd);

    // ---------------------------------------------------------------- session setup: session_setup.hpp
    /// A host or EHLO name: 1 to 255 octets, no controls, no spaces.
    static bool plain_name(std::string_view s) noexcept;
    static bool contains_nul(std::string_view s) noexcept;

    /// EHLO, or HELO when EHLO is not understood (RFC 5321 §3.2, §4.1.4). Everything learned
    /// before is forgotten: after STARTTLS only the new answer counts (RFC 3207 §4.2). Without a
    /// caller's name, the connected transport's address literal, else "localhost".
    [[nodiscard]] bool hello();

    /// RFC 3207. Only an exact 220 proceeds; a required upgrade that fails aborts before anything
    /// else is sent, and nothing is retried in plaintext.
    [[nodiscard]] bool starttls();

    // ---------------------------------------------------------------- AUTH: auth.hpp
    /// Streams the base64 of a response's pieces (RFC 4648 §4), so "\0user\0secret" never exists
    /// in one buffer and a 12288-octet response (RFC 4954 §4) goes through a small send buffer.
    /// With `size`, nothing is written: *size becomes the length of the base64, padding included.
    [[nodiscard]] bool put_base64(const detail::sasl_response& r, const credentials& cred, std::size_t* size = nullptr);

    /// The base64 of a response, the line end, and out.
    [[nodiscard]] bool send_response(const detail::sasl_response& r, const credentials& cred);

    [[nodiscard]] bool run_auth(const credentials& cred, auth_mechanism mech);

    bool cancel_auth(cause why);

    // ---------------------------------------------------------------- the mail transaction: transaction.hpp
    /// Ends a failed transaction with RSET so the connection can carry the next message.
    void abandon_transaction();

    /// Checks the envelope, then MAIL FROM, RCPT TO... and DATA up to the 354. With `chunks`
    /// (CHUNKING), BDAT takes DATA's place and the content goes with the commands: the whole
    /// transaction is done when it returns true.
    /// The content's source as send_chunks() sees it, whatever its type: read(), and take() for
    /// content in memory (null when the source has none).
    struct chunk_source {
        std::ptrdiff_t (*read)(void*, char*, std::size_t);
        std::string_view (*take)(void*, std::size_t);
        void* context;
        bool scanned; ///< send() looked at the whole content before MAIL (scanned_source)
    };
    /// The message send() looked at whole before MAIL (scan_message): not looked at again as it goes.
    struct scanned_source : string_source {
        using string_source::string_source;
    };
    /// `binary` and `eight_bit` say what the content holds (envelope::binary, eight_bit): checked
    /// against what the server offers before MAIL.
    [[nodiscard]] bool envelope_commands(envelope& env, send_result& res, std::uint64_t size, bool binary,
                                         bool eight_bit, chunk_source* chunks = nullptr,
                                         std::uint64_t expected = 0);

    // ---------------------------------------------------------------- PIPELINING (RFC 2920): transaction.hpp
    /// A transaction's envelope while it is under way: which commands are out, which answered.
    struct batch {
        envelope& env;
        send_result& res;
        std::size_t n;         ///< recipients
        std::size_t mail_size; ///< octets of the MAIL FROM line, CRLF included
        bool pipelined;
        std::size_t worst;          ///< the worst refused recipient so far; n: none
        bool mail_ok = true;        ///< no refusal of MAIL read (yet)
        std::size_t put = 0;        ///< commands put into the send buffer (or sent)
        std::size_t replies = 0;    ///< replies read; reply i answers command i
        std::size_t unanswered = 0; ///< octets of the commands put whose replies are not read yet
        // BDAT (CHUNKING, RFC 3030): steps n + 1 on are the chunks.
        chunk_source* chunks = nullptr;    ///< the content's source; none: DATA
        std::uint64_t expected = 0;        ///< the total the progress callback counts against
        bool last_sent = false;            ///< "BDAT <n> LAST" is out: the outcome is the server's now
        bool chunk_refused = false;        ///< a chunk was refused (and recorded)
        bool out_of_step = false;          ///< BDAT refused as unknown: its octets may have been read as commands
        bool delivered = false;            ///< 2xx to the LAST chunk
        bool raw = false;                  ///< BODY=BINARYMIME: every octet as it is, no line ends changed
        std::size_t writing_step = static_cast<std::size_t>(-1); ///< the chunk being written: no reply to it yet
    };

    /// Step i of the batch: MAIL FROM (0), RCPT TO (1..n), DATA or a BDAT chunk (n + 1 on). Once
    /// the LAST chunk is out, every reply still to come decides the outcome (phase end_of_data).
    void begin_step(const batch& b, std::size_t i) noexcept;

    /// Puts command `step` of the batch into the send buffer: MAIL FROM (0), RCPT TO (1..n) or
    /// DATA (n + 1).
    [[nodiscard]] bool put_step(batch& b, std::size_t step, std::string_view params);

    /// Without PIPELINING: each command, then its reply, under that step's deadline (RFC 5321
    /// §4.5.3.2). Nothing follows a refused MAIL, and no DATA goes out without a recipient.
    [[nodiscard]] bool send_lockstep(batch& b, std::string_view params);

    /// With PIPELINING (RFC 2920 §3.1): the commands go out in groups and the replies are read in
    /// order, each matched to its command and under its own deadline; make_room() and
    /// flush_duplex() interleave the writing and the reading so that neither side blocks. A
    /// refused MAIL ends the putting: the commands already out are answered (503, usually) and
    /// RSET follows, but nothing more is sent for a transaction that does not exist.
    [[nodiscard]] bool send_pipelined(batch& b, std::string_view params);


    /// Octets of command i of the batch, CRLF included: what put_command writes for it. A BDAT
    /// chunk counts as the reply it will get (chunk_reply_allowance): its data asks for none.
    static std::size_t command_size(const batch& b, std::size_t i) noexcept;

    // ---------------------------------------------------------------- CHUNKING (RFC 3030): chunking.hpp
    /// Whether this transaction goes with BDAT: offered, compiled in, not turned off.
    bool use_chunking() const noexcept { return MAILWIRE_CHUNKING && caps_.chunking && !opt_.disable_chunking; }
    /// Whether binary content can go as it is: BDAT with BODY=BINARYMIME (RFC 3030 §3).
    bool binary_path() const noexcept { return MAILWIRE_MAIL_PARAMETERS && use_chunking() && caps_.binarymime; }
    /// Room kept before a chunk's data for its "BDAT <size> LAST" line, written once the size is
    /// known: a chunk is at most the send buffer, so its size has at most 20 digits.
    static constexpr std::size_t chunk_header_room = 32;
    /// What a chunk counts for in the pipelining window: about the octets of its reply.
    static constexpr std::size_t chunk_reply_allowance = 64;

    /// The content as BDAT chunks (RFC 3030 §2): line ends made CRLF (no dot-stuffing, no final
    /// "."), each chunk as large as the send buffer allows, the last one "BDAT <n> LAST". Pipelined,
    /// the chunks follow MAIL and RCPT without waiting; sending stops (no LAST, RSET after the
    /// replies) once MAIL, every recipient or a chunk has been refused (§2: no BDAT after a
    /// refused one).
    [[nodiscard]] bool send_chunks(batch& b);
    /// Starts a chunk at the end of the send buffer (sending the buffer first when it has no room).
    [[nodiscard]] bool open_chunk();
    /// One octet, or a run, of the chunk under way; a full buffer becomes a chunk and goes out.
    [[nodiscard]] bool chunk_char(batch& b, char c);
    [[nodiscard]] bool chunk_run(batch& b, const char* p, std::size_t n);
    /// The chunk under way gets its BDAT line and goes out as step b.put; lock-step, its reply
    /// is read at once.
    [[nodiscard]] bool seal_chunk(batch& b, bool last);
    /// Content in memory (take()): a run of a buffer's worth or more that needs no change goes as
    /// a chunk of its own, written from where it lies (after every reply so far is read, so the
    /// server never waits to write one while this long write waits for it to read).
    [[nodiscard]] bool direct_chunk(batch& b, const char* p, std::size_t n);
    /// Writes the first n octets of the send buffer and moves the rest (the chunk) to its front.
    [[nodiscard]] bool write_front(std::size_t n);
    /// Whether more chunks may go: no refusal of MAIL, of every recipient or of a chunk read.
    static bool chunks_wanted(const batch& b) noexcept {
        return b.mail_ok && !b.chunk_refused && (b.replies <= b.n || b.res.accepted != 0);
    }
    /// The reply to chunk step r (r > n), matched: a refusal recorded once, 2xx to LAST delivered.
    [[nodiscard]] bool take_chunk_reply(batch& b, std::size_t r);

    /// The connection reads and writes together (RFC 2920 §3.1's non-blocking I/O): a transport
    /// that can tell which way it is ready (wait_ready()), on a plaintext connection. Over TLS the
    /// window is used instead: a record may be half written, and the TLS policy may hold
    /// decrypted replies that the socket no longer shows.
    bool duplex() const noexcept;

    /// How many octets of pipelined commands may be unanswered (RFC 2920 §3.1: "keep each group
    /// of commands within the TCP window", else both ends may block writing). The transport's own
    /// figure when it states one; reading while writing (duplex()) needs no bound; else
    /// MAILWIRE_PIPELINE_WINDOW (4096, the RFC's example window).
    std::size_t pipeline_window() const noexcept;

    /// Before a command of `size` octets is put: when it would take the unanswered octets past
    /// the window, sends what is buffered and reads replies until half the window is free (and
    /// takes the replies already in the receive buffer as well, without waiting). The next write
    /// then carries many commands in a few segments, and with them the acknowledgement that a
    /// server holding its small replies back (Nagle's algorithm) waits for. Refilling a window in
    /// halves rather than one command at a time keeps the segments in flight few: small socket
    /// buffers are charged per segment, not per octet, and over TLS every write is a record of its
    /// own, so a command at a time would fill them long before the window's octets do. A command
    /// that alone exceeds the window goes out once nothing else is unanswered.
    [[nodiscard]] bool make_room(batch& b, std::size_t size);

    /// Reads the reply to the batch's next unanswered command and matches it: MAIL's refusal,
    /// each recipient's result. Pipelined, each reply has its own deadline (RFC 5321 §4.5.3.2),
    /// which begins when the one before it has been read; the writes in between are bounded by it
    /// too (the server is either reading commands or answering them: one that does neither ends
    /// at that step's deadline). Without PIPELINING the step's deadline began with its command.
    [[nodiscard]] bool take_reply(batch& b);

    /// Whether the receive buffer holds a whole reply — its last line, "ddd " and a line end (RFC
    /// 5321 §4.2.1), or a line the parser will refuse — or is full (a line longer than the buffer).
    /// Reading it then waits for nothing the server has not already begun to send.
    bool reply_buffered() const noexcept;

    /// flush() while a pipelined envelope is under way on a connection that reads and writes
    /// together: it waits until the connection can take octets or has replies, reads and matches
    /// the replies that arrived, and writes. So the client never blocks writing while the server
    /// blocks writing replies the client has not read (RFC 2920 §3.1's deadlock), however many
    /// recipients and however small the socket buffers.
    [[nodiscard]] bool flush_duplex(batch& b);

    /// The transport's wait_ready() within the step's deadline: which of `wanted` is ready, 0 when
    /// the deadline passed (or the transport cannot tell, which duplex() rules out).
    unsigned wait_ready(unsigned wanted);

    /// One read of what has arrived (the transport said it would not wait), then every whole
    /// reply in the receive buffer is matched to its command.
    [[nodiscard]] bool read_arrived(batch& b);

    /// The envelope, then the content. `size`: what SIZE= declares (0: nothing); `expected`: the
    /// total the progress callback counts against (0: unknown).
    template <class Source>
    [[nodiscard]] bool transaction(envelope& env, Source& source, send_result& res, std::uint64_t size,
                                   std::uint64_t expected, bool binary, bool eight_bit);

    /// The body is read from its source in blocks of a quarter of the send buffer (at least the
    /// 256 octets a firmware's stack can spare). With a send buffer of 4 KiB or more (hosted
    /// builds: config.hpp), runs that need no dot-stuffing move in blocks (bulk_body); smaller
    /// buffers keep the octet loop alone, the smaller code.
    static constexpr std::size_t content_block = MAILWIRE_TX_BUFFER_SIZE / 4 < 256 ? 256 : MAILWIRE_TX_BUFFER_SIZE / 4;
    static constexpr bool bulk_body = MAILWIRE_BULK_CONTENT;

    /// How much of a source with take() (content in memory) is looked at per step: the progress
    /// callback comes once per step.
    static constexpr std::size_t take_block = std::size_t{1} << 20;

    /// Streams the content through the dot-stuffer, then "." and the final reply.
    template <class Source>
    [[nodiscard]] bool content(Source& source, std::uint64_t expected);

    /// The final "." (in the send buffer) goes out, and the reply to it is read.
    [[nodiscard]] bool end_of_data(std::uint64_t total);

    // ---------------------------------------------------------------- trace
    void trace(trace_direction d, std::string_view line) noexcept {
        if (MAILWIRE_TRACE && opt_.trace) opt_.trace(opt_.trace_context, d, line);
    }
    void trace_info(std::string_view line) noexcept { trace(trace_direction::info, line); }

    Transport transport_;
    Tls tls_;
    Clock clock_;
    client_options opt_;
    capabilities caps_;
    reply last_;
    error err_;         ///< the failure being reported (see fail())
    phase phase_ = phase::none; ///< the step under way: what its I/O failures are reported as
    std::uint32_t dl_ = 0;      ///< and its deadline (deadline())
    bool line_cut_ = false; ///< the last line was longer than the receive buffer and was cut
    std::string_view host_;
    std::string_view ehlo_;
    char ehlo_buf_[64] = {};
    std::uint16_t port_ = 0;               ///< 0 until open(): port() gives the profile's
    encryption mode_ = encryption::none; ///< until open(), mode() gives the profile's
    bool open_ = false;
    bool tls_active_ = false;
    bool encrypted_ = false;
    bool challenge_ok_ = false;
    std::size_t rx_begin_ = 0;
    std::size_t rx_end_ = 0;
    std::size_t tx_len_ = 0;
    batch* batch_ = nullptr; ///< the pipelined envelope under way: flush() reads replies while it writes
    std::size_t chunk_at_ = 0; ///< BDAT: where the chunk being assembled starts in the send buffer
    char rx_[MAILWIRE_RX_BUFFER_SIZE] = {}; // zeroed: what a constant-initialised client needs
    static constexpr std::size_t rx_keep = sizeof(rx_) / 2; ///< what stays of a cut line
    char tx_[MAILWIRE_TX_BUFFER_SIZE] = {};
};

/// The client with the platform's clock: `mailwire::client<mailwire::posix_transport>`.
template <class Transport, class Tls = no_tls, class Profile = profiles::relay>
using client = basic_client<Transport, Tls, Profile, default_clock>;

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

// The definitions of the members whose chapters have a file of their own.
#include "failures.hpp"
#include "connection.hpp"
#include "writing.hpp"
#include "reading.hpp"
#include "session_setup.hpp"
#include "auth.hpp"
#include "transaction.hpp"
#include "chunking.hpp"

#endif // MAILWIRE_CLIENT_HPP
