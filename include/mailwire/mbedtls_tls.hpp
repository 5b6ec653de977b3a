// SPDX-License-Identifier: BSL-1.0
// mailwire - the mbedTLS TLS policy: TLS over any transport, verified by default.
//
//   mailwire::client<mailwire::posix_transport, mailwire::mbedtls_tls, mailwire::profiles::submission>
//
// Works with mbedTLS 2.28 (Debian 12) and 3.x (ESP-IDF 5, Zephyr, upstream 3.6): every difference
// between the two lines is in mbedtls_compat.hpp. Link mbedtls, mbedx509 and mbedcrypto
// (CMake: mailwire::mbedtls). Not part of mailwire.hpp: include it where mbedTLS is available.
//
// What it guarantees (RFC 8314 §5, RFC 7525 / BCP 195):
// - the chain is verified against trust anchors: a CA file or directory, a PEM or DER buffer
//   compiled into firmware, or (POSIX, when none is given) the system bundle;
// - the host name is always set (mbedtls_ssl_set_hostname: it is both SNI and what the certificate
//   is checked against; without it mbedTLS accepts a certificate for any name, CVE-2025-27809);
// - an IP address host (127.0.0.1, ::1, [::1]) is sent without SNI (RFC 6066 §3 allows no IP
//   literal there) and matched by mailwire itself against the certificate's iPAddress entries
//   only, never its DNS names or subject CN (RFC 5280 §4.2.1.6, RFC 6125 §1.7.2): mbedTLS 2.28 has
//   no such check and 3.x's differs between versions, so the verdict is the same on both;
// - TLS 1.2 is the minimum (mbedTLS 2.28 would otherwise accept 1.0 and 1.1); 1.3 is used where
//   the mbedTLS build has it;
// - skipping verification takes tls_settings::insecure_skip_verify, and nothing else.
//
// Memory: the contexts live in this object (its size is sizeof(mbedtls_tls)); mbedTLS allocates
// its record buffers with mbedtls_calloc in the handshake (MBEDTLS_SSL_IN_CONTENT_LEN and
// MBEDTLS_SSL_OUT_CONTENT_LEN, 16 KiB each by default: smaller with a custom mbedTLS
// configuration and a max_fragment the server accepts, RFC 6066 §4). Nothing is allocated
// per message.
#ifndef MAILWIRE_MBEDTLS_TLS_HPP
#define MAILWIRE_MBEDTLS_TLS_HPP

#include "config.hpp"

#include "clock.hpp"
#include "error.hpp"
#include "io.hpp"
#include "tls.hpp"

#include "ip_address.hpp"
#include "mbedtls_compat.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#if !defined(MBEDTLS_SSL_CLI_C) || !defined(MBEDTLS_X509_CRT_PARSE_C)
#error "mailwire: mbedtls_tls needs MBEDTLS_SSL_CLI_C and MBEDTLS_X509_CRT_PARSE_C"
#endif
#if MBEDTLS_VERSION_MAJOR < 4 && (!defined(MBEDTLS_CTR_DRBG_C) || !defined(MBEDTLS_ENTROPY_C))
#error "mailwire: mbedtls_tls needs MBEDTLS_CTR_DRBG_C and MBEDTLS_ENTROPY_C with mbedTLS 2.28 and 3.x"
#endif
#if MBEDTLS_VERSION_MAJOR < 2 || (MBEDTLS_VERSION_MAJOR == 2 && MBEDTLS_VERSION_MINOR < 28) || MBEDTLS_VERSION_MAJOR > 4
#error "mailwire: mbedtls_tls needs mbedTLS 2.28, 3.x or 4.x"
#endif

namespace mailwire {
inline namespace MAILWIRE_ABI {

/// Every default is zero bits (nullptr, 0, false), so a client holding them is constant-initialised.
struct tls_settings {
    // ---- trust anchors: the first of these that is set is used
    /// PEM (with its terminating NUL counted in ca_size, as sizeof a string literal does) or DER,
    /// e.g. compiled into firmware. Not copied: it must outlive the handshake.
    const unsigned char* ca_data = nullptr;
    std::size_t ca_size = 0;
    /// A file of PEM or DER certificates (needs MBEDTLS_FS_IO).
    const char* ca_file = nullptr;
    /// A directory of certificates, as /etc/ssl/certs (needs MBEDTLS_FS_IO).
    const char* ca_path = nullptr;
    /// With none of the above: SSL_CERT_FILE, then the usual system bundles (Debian, Fedora,
    /// Alpine, openSUSE, macOS), unless this is set. On firmware there is none: give ca_data.
    bool no_system_bundle = false;
    /// Installs trust anchors and certificate verification on mbedTLS's `mbedtls_ssl_config`
    /// (passed as void*) itself, instead of all of the above: ESP-IDF's certificate bundle is
    /// `tls.attach_trust = esp_crt_bundle_attach;`. Called once per configuration; non-zero fails
    /// with tls_setup_failed. Verification stays required and the host name is still checked:
    /// a verify callback the hook installs runs first, then mailwire's own (IP hosts, names).
    int (*attach_trust)(void* ssl_config) = nullptr; // esp_err_t is int

    /// Skips certificate and host name verification. Anyone on the path can then read and change
    /// the mail, credentials included. For tests against a throwaway server only.
    bool insecure_skip_verify = false;

    /// Asks the server for smaller records (RFC 6066 §4): 512, 1024, 2048 or 4096; 0 does not ask.
    /// Needs MBEDTLS_SSL_MAX_FRAGMENT_LENGTH; only saves RAM together with a smaller
    /// MBEDTLS_SSL_IN_CONTENT_LEN (or MBEDTLS_SSL_VARIABLE_BUFFER_LENGTH) in mbedTLS's configuration,
    /// and must not exceed MBEDTLS_SSL_OUT_CONTENT_LEN either (mbedTLS refuses it: tls_setup_failed).
    /// It keeps the session at TLS 1.2: mbedTLS's TLS 1.3 client cannot negotiate it.
    std::uint16_t max_fragment = 0;
    /// Stays at TLS 1.2; otherwise TLS 1.3 is offered where the mbedTLS build has it (3.x).
    bool tls12_only = false;

    /// An extra entropy source for targets without one mbedTLS knows (a hardware RNG):
    /// mbedtls_entropy_add_source's signature, added as a strong source. mbedTLS 2.28 and 3.x
    /// only: mbedTLS 4 takes its entropy from how TF-PSA-Crypto was built (its platform's source,
    /// or MBEDTLS_PSA_DRIVER_GET_ENTROPY with mbedtls_platform_get_entropy), so there, setting this
    /// fails the configuration (tls_setup_failed) instead of being ignored.
    int (*entropy_source)(void* context, unsigned char* out, std::size_t len, std::size_t* produced) = nullptr;
    void* entropy_context = nullptr;

    /// Bound on sending close_notify when the connection is closed; 0: 1000 ms.
    std::uint32_t close_notify_ms = 0;
};

class mbedtls_tls {
public:
    static constexpr bool available = true;

    /// All zero bits: a static client with this policy needs no start-up code to initialise it (constant-initialised).
    constexpr mbedtls_tls() noexcept {}
    explicit mbedtls_tls(const tls_settings& settings) noexcept : settings_(settings) {}
    /// Only a policy that has not connected yet can move (the client takes it by value); mbedTLS's
    /// contexts point into themselves once set up.
    mbedtls_tls(mbedtls_tls&& other) noexcept : settings_(other.settings_) {
        MAILWIRE_ASSERT(!other.configured_);
    }
    mbedtls_tls(const mbedtls_tls&) = delete;
    mbedtls_tls& operator=(const mbedtls_tls&) = delete;
    mbedtls_tls& operator=(mbedtls_tls&&) = delete;
    ~mbedtls_tls() {
        if (configured_) release(); // a policy that never connected (the client's moved-from one) has nothing
    }

    tls_settings& settings() noexcept { return settings_; }

    /// Why the last handshake failed: certificate_untrusted / _expired / _wrong_host / _invalid,
    /// tls_plaintext_server, tls_alert, tls_setup_failed, tls_handshake_failed, or none (a
    /// timeout, or success).
    [[nodiscard]] cause failure() const noexcept { return failure_; }
    /// With failure() tls_alert: the description of the fatal alert the server sent (RFC 8446
    /// §6.2, e.g. 40 handshake_failure, 80 internal_error; tls_alert_name() names it), else 0.
    [[nodiscard]] std::uint8_t alert() const noexcept { return alert_; }
    /// One line about the last failure: mbedTLS's verification text and the names (and IP
    /// addresses) the certificate was issued for, the server's alert, the error code, or what the
    /// server sent instead of TLS. "" when none, and
    /// always "" with MAILWIRE_TLS_DETAIL 0.
    const char* failure_detail() const noexcept { return MAILWIRE_TLS_DETAIL ? detail_ : ""; }
    /// mbedTLS's error code of the last failure (negative), 0 when none.
    int library_error() const noexcept { return lib_error_; }
    /// The negotiated version ("TLSv1.2", "TLSv1.3") while a session is up, else "".
    const char* version() const noexcept { return established_ ? detail::mbedtls_compat::version_of(&ssl_) : ""; }
    /// The negotiated cipher suite's name (e.g. "TLS1-3-AES-256-GCM-SHA384") while a session is
    /// up, else "".
    [[nodiscard]] const char* cipher_suite() const noexcept {
        const char* name = established_ ? mbedtls_ssl_get_ciphersuite(&ssl_) : nullptr;
        return name != nullptr ? name : "";
    }

    // The four operations below only bind the transport and the deadline to one call and hand over
    // to code that is the same whatever the transport and timer types (one copy in an image).

    template <class Transport, class Timer>
    io_result handshake(Transport& transport, std::string_view host, const Timer& timer) {
        bio b(transport, &timer, &bio::template left_of<Timer>);
        return start(b, host);
    }

    template <class Transport, class Timer>
    io_result read_some(Transport& transport, char* buf, std::size_t len, const Timer& timer) {
        bio b(transport, &timer, &bio::template left_of<Timer>);
        return stream(b, step::read, reinterpret_cast<unsigned char*>(buf), len);
    }

    template <class Transport, class Timer>
    io_result write_some(Transport& transport, const char* buf, std::size_t len, const Timer& timer) {
        bio b(transport, &timer, &bio::template left_of<Timer>);
        return stream(b, step::write, reinterpret_cast<unsigned char*>(const_cast<char*>(buf)), len);
    }

    /// Sends close_notify (each transport write bounded by settings().close_notify_ms) and frees
    /// the session. The transport itself is closed by the client.
    template <class Transport>
    void close(Transport& transport) noexcept {
        bio b(transport, &settings_.close_notify_ms, &bio::fixed_left);
        finish(b);
    }

private:
    enum class step : unsigned char { handshake, read, write, close_notify };

    /// What mbedTLS's I/O callbacks see of one call: the transport (behind one function for both
    /// directions), the step's deadline, what went wrong below TLS, and the first bytes the server
    /// sent (to recognise plaintext SMTP).
    struct bio {
        using move_fn = io_result (*)(void* transport, char* buf, std::size_t len, std::uint32_t ms, bool out);
        using left_fn = std::uint32_t (*)(const void* timer);

        template <class Transport>
        bio(Transport& t, const void* tm, left_fn lf) noexcept
            : transport(&t), move(&move_bytes<Transport>), timer(tm), left(lf) {}

        void* transport;
        move_fn move;
        const void* timer;
        left_fn left;
        // Set by drive(), the one place every call goes through (fewer stores at each caller).
        io_status status; ///< what went wrong below TLS, ok when nothing did
        int sys_error;
        std::size_t first_len;
        unsigned char first[8];
        std::size_t received; ///< octets read in this step (a handshake's: the server's whole flight)
        bool wrote;           ///< something was written in this step (in a read: an alert, see stream())

        template <class Transport>
        static io_result move_bytes(void* t, char* buf, std::size_t len, std::uint32_t ms, bool out) {
            Transport& transport = *static_cast<Transport*>(t);
            return out ? transport.write_some(buf, len, ms) : transport.read_some(buf, len, ms);
        }
        template <class Timer>
        static std::uint32_t left_of(const void* timer) {
            return static_cast<const Timer*>(timer)->remaining_ms();
        }
        /// close_notify: a fixed bound for each write (one write at most).
        static std::uint32_t fixed_left(const void* ms) {
            const std::uint32_t bound = *static_cast<const std::uint32_t*>(ms);
            return bound != 0 ? bound : 1000;
        }

        int transfer(unsigned char* buf, std::size_t len, bool out) {
            const std::uint32_t ms = left(timer);
            const io_result r = ms == 0 ? io_result::fail(io_status::timeout)
                                        : move(transport, reinterpret_cast<char*>(buf), len, ms, out);
            if (r.ok() && r.bytes > 0 && r.bytes <= len) {
                for (std::size_t i = 0; !out && i < r.bytes && first_len < sizeof(first); ++i)
                    first[first_len++] = buf[i];
                if (out) wrote = true;
                else received += r.bytes;
                return static_cast<int>(r.bytes);
            }
            status = r.ok() ? io_status::error : r.status;
            sys_error = r.sys_error;
            if (!out && r.status == io_status::closed) return 0; // end of stream: MBEDTLS_ERR_SSL_CONN_EOF
            return r.status == io_status::timeout ? MBEDTLS_ERR_SSL_TIMEOUT : MBEDTLS_ERR_SSL_INTERNAL_ERROR;
        }
        static int send(void* self, const unsigned char* buf, std::size_t len) {
            return static_cast<bio*>(self)->transfer(const_cast<unsigned char*>(buf), len, true);
        }
        static int recv(void* self, unsigned char* buf, std::size_t len) {
            return static_cast<bio*>(self)->transfer(buf, len, false);
        }
    };

    /// Runs one mbedTLS step over `b` until it completes, fails, or the deadline passes
    /// (close_notify: once).
    int drive(bio& b, step s, unsigned char* buf, std::size_t len) {
        b.status = io_status::ok;
        b.sys_error = 0;
        b.first_len = 0;
        b.received = 0;
        b.wrote = false;
        mbedtls_ssl_set_bio(&ssl_, &b, &bio::send, &bio::recv, nullptr);
        int rc;
        for (;;) {
            switch (s) {
            case step::handshake: rc = mbedtls_ssl_handshake(&ssl_); break;
            case step::read: rc = mbedtls_ssl_read(&ssl_, buf, len); break;
            case step::write: rc = mbedtls_ssl_write(&ssl_, buf, len); break;
            default: rc = mbedtls_ssl_close_notify(&ssl_); break;
            }
            if (s == step::close_notify || !detail::mbedtls_compat::read_again(rc) || b.left(b.timer) == 0) break;
        }
        mbedtls_ssl_set_bio(&ssl_, nullptr, nullptr, nullptr, nullptr);
        return rc;
    }

    io_result start(bio& b, std::string_view host) {
        free_session();
        if (!configured_) configure();
        if (!configured_ok_) return io_result::fail(io_status::error); // failure() and its detail stay
        failure_ = cause::none;
        alert_ = 0;
        detail_[0] = '\0';
        lib_error_ = 0;
        peer_names_[0] = '\0';
        // A fully qualified name as MX records and configurations write it, "mail.example.test.",
        // is that name without the dot: SNI carries none (RFC 6066 §3), and the certificate's
        // names are compared without it (RFC 6125 §6.2.1).
        if (host.size() > 1 && host.back() == '.' && host[host.size() - 2] != '.') host.remove_suffix(1);
        ip_ = detail::ip::parse_host(host);
        int rc = 0;
        const char* what = text("host name empty or too long");
        if (!host.empty() && host.size() < sizeof(host_)) {
            std::memcpy(host_, host.data(), host.size());
            host_[host.size()] = '\0';
            mbedtls_ssl_init(&ssl_);
            session_ = true;
            what = text("mbedtls_ssl_setup failed");
            if ((rc = mbedtls_ssl_setup(&ssl_, &conf_)) == 0) {
                // Always: SNI, and the name the certificate must carry (CVE-2025-27809 when skipped).
                // An IP host has neither (RFC 6066 §3): NULL says so explicitly, which mbedTLS 3.6.3+
                // requires with verification on; on_verify then matches the iPAddress entries.
                what = text("mbedtls_ssl_set_hostname failed");
                if ((rc = mbedtls_ssl_set_hostname(&ssl_, ip_.size != 0 ? nullptr : host_)) == 0) {
                    rc = drive(b, step::handshake, nullptr, 0);
                    if (rc == 0) {
                        established_ = true;
                        return io_result::done(0);
                    }
                    what = nullptr; // the handshake itself failed
                }
            }
        }
        io_result r = io_result::fail(io_status::error);
        if (what != nullptr) fail_configure(what, rc);
        else r = handshake_failure(rc, b); // reads the session's verification result: before freeing it
        // A failed session gives its record buffers back at once, not at the next connection.
        free_session();
        return r;
    }

    /// A read or a write of application data: the same steps for both.
    io_result stream(bio& b, step s, unsigned char* buf, std::size_t len) {
        if (!established_) return io_result::fail(io_status::error);
        const int rc = drive(b, s, buf, len);
        if (rc > 0) return io_result::done(static_cast<std::size_t>(rc));
        if (s == step::read && b.wrote) renegotiation_refused(rc, b);
        if (s == step::read && (rc == 0 || rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY))
            return io_result::fail(io_status::closed);
        lib_error_ = rc;
        if (b.status != io_status::ok) return io_result::fail(b.status, b.sys_error);
        return io_result::fail(rc == MBEDTLS_ERR_SSL_CONN_EOF ? io_status::closed : io_status::error);
    }

    /// A read of application data that wrote: in TLS 1.2 mbedTLS writes while reading only to
    /// refuse a HelloRequest (the warning alert no_renegotiation, RFC 5246 §7.2.2; mbedTLS errors
    /// of its own have codes of their own). When the server then ends the session (a fatal alert,
    /// closing) or waits for a handshake that does not come, that request is the cause.
    void renegotiation_refused(int rc, const bio& b) noexcept {
        if (!detail::mbedtls_compat::is_tls12(&ssl_)) return;
        const bool server_gave_up = rc == 0 || rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY ||
                                    rc == MBEDTLS_ERR_SSL_CONN_EOF || rc == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE ||
                                    b.status != io_status::ok;
        if (!server_gave_up) return;
        failure_ = cause::tls_renegotiation_refused;
        if (rc == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE) alert_ = detail::mbedtls_compat::received_alert(ssl_);
        set_detail("the server sent a TLS HelloRequest; mailwire answered no_renegotiation, and the server ended "
                   "the session",
                   rc);
    }

    void finish(bio& b) noexcept {
        if (established_) (void)drive(b, step::close_notify, nullptr, 0);
        free_session();
    }

    /// The detail texts are compiled out with MAILWIRE_TLS_DETAIL 0.
    static constexpr const char* text(const char* s) noexcept { return MAILWIRE_TLS_DETAIL ? s : ""; }

    void configure() {
        rng_.init();
        mbedtls_x509_crt_init(&ca_);
        mbedtls_ssl_config_init(&conf_);
        configured_ = true; // from here on the destructor frees them
        int rc = 0;
        const char* what = setup(rc);
        if (what == nullptr) {
            configured_ok_ = true;
        } else {
            fail_configure(what, rc);
        }
    }

    /// The configuration's steps; nullptr when all went well, else what failed (and rc, mbedTLS's
    /// code when there is one).
    const char* setup(int& rc) {
        if (!detail::mbedtls_compat::start_crypto()) return text("psa_crypto_init failed");
        if (const char* what = rng_.start(settings_.entropy_source, settings_.entropy_context, rc)) return text(what);
        if ((rc = mbedtls_ssl_config_defaults(&conf_, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                              MBEDTLS_SSL_PRESET_DEFAULT)) != 0)
            return text("mbedtls_ssl_config_defaults failed");
        // mbedTLS 3.6's TLS 1.3 client offers max_fragment_length but refuses the server's answer
        // to it (UNSUPPORTED_EXTENSION; 1.3 has record_size_limit, RFC 8449, instead): with a
        // max_fragment the session stays at TLS 1.2, where RFC 6066 §4 applies.
        detail::mbedtls_compat::set_minimum_tls12(&conf_, !settings_.tls12_only && settings_.max_fragment == 0);
        rng_.attach(&conf_);
        if (settings_.max_fragment != 0) {
#if defined(MBEDTLS_SSL_MAX_FRAGMENT_LENGTH)
            // RFC 6066 §4: 2^9 (1) to 2^12 (4), MBEDTLS_SSL_MAX_FRAG_LEN_512 to _4096.
            unsigned char code = 1;
            while (code < 4 && (256u << code) != settings_.max_fragment) ++code;
            if ((256u << code) != settings_.max_fragment) return text("max_fragment must be 512, 1024, 2048 or 4096");
            if ((rc = mbedtls_ssl_conf_max_frag_len(&conf_, code)) != 0)
                return text("max_fragment is larger than mbedTLS's smaller record buffer "
                            "(MBEDTLS_SSL_IN_CONTENT_LEN, MBEDTLS_SSL_OUT_CONTENT_LEN)");
#else
            return text("max_fragment needs MBEDTLS_SSL_MAX_FRAGMENT_LENGTH in mbedTLS's configuration");
#endif
        }
        if (settings_.insecure_skip_verify) {
            mbedtls_ssl_conf_authmode(&conf_, MBEDTLS_SSL_VERIFY_NONE);
            return nullptr;
        }
        mbedtls_ssl_conf_authmode(&conf_, MBEDTLS_SSL_VERIFY_REQUIRED);
        if (settings_.attach_trust != nullptr) {
            if ((rc = settings_.attach_trust(&conf_)) != 0) return text("tls_settings::attach_trust failed");
            // The hook may have installed a verify callback of its own (ESP-IDF's bundle decides
            // trust in one): on_verify runs it first, then adds the IP address check.
            chained_verify_ = detail::mbedtls_compat::verify_callback_of(conf_, chained_verify_context_);
        } else {
            if (const char* what = load_trust_anchors(rc)) return what;
            mbedtls_ssl_conf_ca_chain(&conf_, &ca_, nullptr);
        }
        // Installed whenever verification is on: for an IP host it is the only address check.
        mbedtls_ssl_conf_verify(&conf_, &mbedtls_tls::on_verify, this);
        return nullptr;
    }

    /// Parses the trust anchors the settings name into ca_: nullptr when done, else what failed.
    const char* load_trust_anchors(int& rc) {
        if (settings_.ca_data != nullptr && settings_.ca_size != 0) {
            rc = mbedtls_x509_crt_parse(&ca_, settings_.ca_data, settings_.ca_size);
            return rc < 0 || ca_.raw.len == 0
                       ? text("the CA buffer holds no certificate (PEM must count its NUL; without "
                              "MBEDTLS_PEM_PARSE_C only DER)")
                       : nullptr;
        }
#if defined(MBEDTLS_FS_IO)
        if (settings_.ca_file != nullptr) {
            rc = mbedtls_x509_crt_parse_file(&ca_, settings_.ca_file);
            return rc < 0 || ca_.raw.len == 0 ? text("cannot read a certificate from the CA file") : nullptr;
        }
        if (settings_.ca_path != nullptr) {
            rc = mbedtls_x509_crt_parse_path(&ca_, settings_.ca_path);
            return rc < 0 || ca_.raw.len == 0 ? text("cannot read a certificate from the CA directory") : nullptr;
        }
        if (!settings_.no_system_bundle) {
            // Parsing leaves no trace on failure of one candidate; a bundle with a few certificates
            // mbedTLS cannot parse (rc > 0) still counts.
            const char* env = std::getenv("SSL_CERT_FILE");
            const char* const candidates[] = {
                env,
                "/etc/ssl/certs/ca-certificates.crt",                // Debian, Ubuntu, Arch, Gentoo
                "/etc/pki/tls/certs/ca-bundle.crt",                  // Fedora, RHEL
                "/etc/ssl/ca-bundle.pem",                            // openSUSE
                "/etc/ssl/cert.pem",                                 // Alpine, macOS, BSDs
                "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", // RHEL 7+
            };
            for (const char* path : candidates) {
                if (path == nullptr || *path == '\0') continue;
                if (mbedtls_x509_crt_parse_file(&ca_, path) >= 0 && ca_.raw.len != 0) return nullptr;
                mbedtls_x509_crt_free(&ca_);
                mbedtls_x509_crt_init(&ca_);
            }
            rc = 0;
            return text("no system CA bundle found (Debian: install ca-certificates) and none given");
        }
#endif
        rc = 0;
        return text("no trust anchors: give ca_data (or ca_file), or set insecure_skip_verify");
    }
    /// Called for each certificate of the chain, after attach_trust's own callback if it installed
    /// one. For the server's own (depth 0): with an IP host, flags it CN_MISMATCH unless an
    /// iPAddress entry holds that address; and keeps the names it was issued for, so a wrong-host
    /// failure can say what they were. A DNS host's verdict is mbedTLS's alone.
    static int on_verify(void* self, mbedtls_x509_crt* crt, int depth, std::uint32_t* flags) {
        mbedtls_tls& t = *static_cast<mbedtls_tls*>(self);
        if (t.chained_verify_ != nullptr) {
            if (const int rc = t.chained_verify_(t.chained_verify_context_, crt, depth, flags)) return rc;
        }
        if (depth != 0 || crt == nullptr) {
            if (depth == 0 && t.ip_.size != 0) *flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
            return 0;
        }
        if (t.ip_.size != 0 && !t.has_ip_entry(*crt)) *flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
        if (MAILWIRE_TLS_DETAIL) t.keep_names(*crt);
        return 0;
    }

    /// Whether a subjectAltName iPAddress entry ([7] OCTET STRING, RFC 5280 §4.2.1.6) holds the
    /// host's address, octet for octet: an IPv4-mapped IPv6 host does not match an IPv4 entry.
    bool has_ip_entry(const mbedtls_x509_crt& crt) const noexcept {
        for (const mbedtls_x509_sequence* san = &crt.subject_alt_names; san != nullptr; san = san->next) {
            if (san->buf.p != nullptr && san->buf.tag == (MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_X509_SAN_IP_ADDRESS) &&
                san->buf.len == ip_.size && std::memcmp(san->buf.p, ip_.octets, ip_.size) == 0)
                return true;
        }
        return false;
    }

    void keep_names(const mbedtls_x509_crt& crt) noexcept {
        mbedtls_tls& t = *this;
        std::size_t n = 0;
        auto add = [&](const char* s, std::size_t len) {
            if (n != 0 && n + 2 < sizeof(t.peer_names_)) {
                t.peer_names_[n++] = ',';
                t.peer_names_[n++] = ' ';
            }
            for (std::size_t i = 0; i < len && n + 1 < sizeof(t.peer_names_); ++i) {
                const char c = s[i];
                t.peer_names_[n++] = (c >= 32 && c < 127) ? c : '?';
            }
        };
        // subjectAltName entries (RFC 5280 §4.2.1.6): with an IP host the iPAddress ones first (or
        // that there are none), then dNSName ([2] IA5String), then the subject.
        bool any_ip = false;
        for (const mbedtls_x509_sequence* san = &crt.subject_alt_names; t.ip_.size != 0 && san != nullptr;
             san = san->next) {
            if (san->buf.p == nullptr || (san->buf.tag & 0x1F) != MBEDTLS_X509_SAN_IP_ADDRESS) continue;
            char shown[48] = "IP:?"; // an entry of another length than 4 or 16 stays "?"
            if (detail::ip::format(san->buf.p, san->buf.len, shown + 3) == 0) shown[3] = '?';
            add(shown, std::strlen(shown));
            any_ip = true;
        }
        if (t.ip_.size != 0 && !any_ip) add("no IP address", 13);
        for (const mbedtls_x509_sequence* san = &crt.subject_alt_names; san != nullptr; san = san->next) {
            if (san->buf.p != nullptr && (san->buf.tag & 0x1F) == MBEDTLS_X509_SAN_DNS_NAME)
                add(reinterpret_cast<const char*>(san->buf.p), san->buf.len);
        }
        char subject[128];
        if (mbedtls_x509_dn_gets(subject, sizeof(subject), &crt.subject) > 0) {
            char labelled[sizeof(subject) + 8] = "subject ";
            std::strncat(labelled, subject, sizeof(labelled) - 9);
            add(labelled, std::strlen(labelled));
        }
        t.peer_names_[n] = '\0';
    }

    void fail_configure(const char* what, int rc) noexcept {
        failure_ = cause::tls_setup_failed;
        lib_error_ = rc;
        set_detail(what, rc);
    }

    io_result handshake_failure(int rc, const bio& b) {
        lib_error_ = rc;
        // What the transport reported, or a plain error when mbedTLS itself gave up.
        io_result io = io_result::fail(b.status == io_status::ok ? io_status::error : b.status, b.sys_error);
        const unsigned char* first = b.first;
        // RFC 5321 §4.2: a reply starts with three digits. A server that greets in plaintext on a
        // port the client treats as implicit TLS shows it in its first bytes.
        if (b.first_len >= 3 && first[0] >= '2' && first[0] <= '5' && first[1] >= '0' && first[1] <= '9' &&
            first[2] >= '0' && first[2] <= '9') {
            failure_ = cause::tls_plaintext_server;
            io = io_result::fail(io_status::error);
            if (MAILWIRE_TLS_DETAIL) {
                char shown[9];
                std::size_t n = 0;
                for (std::size_t i = 0; i < b.first_len && n + 1 < sizeof(shown); ++i)
                    shown[n++] = (first[i] >= 32 && first[i] < 127) ? static_cast<char>(first[i]) : '.';
                shown[n] = '\0';
                set_detail2("the server sent plaintext instead of a TLS record: ", shown);
            }
        } else if (rc == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE) {
            // The server refused us (RFC 8446 §6.2): its reason, not the version advice a failed
            // handshake gets.
            failure_ = cause::tls_alert;
            alert_ = detail::mbedtls_compat::received_alert(ssl_);
            io = io_result::fail(io_status::error);
            if (MAILWIRE_TLS_DETAIL) {
                // "80 (internal_error)"
                char number[32];
                std::size_t n = 0;
                if (alert_ >= 100) number[n++] = static_cast<char>('0' + alert_ / 100);
                if (alert_ >= 10) number[n++] = static_cast<char>('0' + alert_ / 10 % 10);
                number[n++] = static_cast<char>('0' + alert_ % 10);
                number[n++] = ' ';
                number[n++] = '(';
                for (const char* p = tls_alert_name(alert_); *p != '\0' && n + 2 < sizeof(number); ++p)
                    number[n++] = *p;
                number[n++] = ')';
                number[n] = '\0';
                set_detail2("the server sent the fatal TLS alert ", number);
            }
        } else if (rc == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
            const std::uint32_t flags = mbedtls_ssl_get_verify_result(&ssl_);
            if (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) failure_ = cause::certificate_untrusted;
            else if (flags & (MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE))
                failure_ = cause::certificate_expired;
            else if (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) failure_ = cause::certificate_wrong_host;
            else failure_ = cause::certificate_invalid;
            io = io_result::fail(io_status::error);
            if (MAILWIRE_TLS_DETAIL) certificate_detail(flags);
        } else if (io.status == io_status::timeout) {
            failure_ = cause::none; // the client reports a timeout in phase tls
            set_detail("no TLS answer from the server before the deadline", rc);
        } else if (b.status == io_status::ok && b.received > detail::mbedtls_compat::in_content_len &&
                   detail::mbedtls_compat::message_too_large(rc)) {
            // More arrived than one record holds, and mbedTLS gave up on it: before 3.6.4 it cannot
            // put a handshake message split across records together (FEATURE_UNAVAILABLE); from
            // 3.6.4 on it can, within MBEDTLS_SSL_IN_CONTENT_LEN (BAD_INPUT_DATA past it).
            failure_ = cause::tls_message_too_large;
            io = io_result::fail(io_status::error);
            set_detail(MBEDTLS_VERSION_NUMBER < 0x03060400
                           ? "the server's handshake (its certificate chain) spans TLS records, which mbedTLS "
                             "before 3.6.4 cannot put together"
                           : "the server's handshake message (its certificate chain) is larger than "
                             "MBEDTLS_SSL_IN_CONTENT_LEN",
                       rc);
        } else {
            failure_ = cause::tls_handshake_failed;
            set_detail(io.status == io_status::closed ? "the server closed the connection during the handshake"
                                                      : "TLS handshake failed",
                       rc);
        }
        return io;
    }

    /// mbedTLS's verification text on one line, the names the certificate was issued for, and the
    /// name wanted.
    void certificate_detail(std::uint32_t flags) noexcept {
        char info[160] = "";
        int len = 0;
        // For an IP host the mismatch is on_verify's, not a Common Name's as mbedTLS's text says.
        if (ip_.size != 0 && (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH)) {
            for (const char* p = "no iPAddress entry of the certificate is the address\n"; *p != '\0'; ++p)
                info[len++] = *p;
            flags &= ~static_cast<std::uint32_t>(MBEDTLS_X509_BADCERT_CN_MISMATCH);
        }
        if (flags != 0) {
            const int more = mbedtls_x509_crt_verify_info(info + len, sizeof(info) - std::size_t(len), "", flags);
            if (more > 0) len += more;
        }
        for (int i = 0; i < len; ++i)
            if (info[i] == '\n') info[i] = (i + 1 == len) ? '\0' : ';';
        char names[sizeof(peer_names_) + 64];
        std::size_t n = 0;
        for (const char* p = "; certificate for: "; *p != '\0' && n + 1 < sizeof(names); ++p) names[n++] = *p;
        for (const char* p = peer_names_[0] ? peer_names_ : "?"; *p != '\0' && n + 1 < sizeof(names); ++p)
            names[n++] = *p;
        for (const char* p = "; wanted: "; *p != '\0' && n + 1 < sizeof(names); ++p) names[n++] = *p;
        for (const char* p = host_; *p != '\0' && n + 1 < sizeof(names); ++p) names[n++] = *p;
        names[n] = '\0';
        set_detail2(info, names);
    }

    void free_session() noexcept {
        if (session_) mbedtls_ssl_free(&ssl_);
        session_ = false;
        established_ = false;
    }

    /// Everything the policy holds, given back (the destructor's work, also after a move).
    void release() noexcept {
        free_session();
        mbedtls_ssl_config_free(&conf_);
        mbedtls_x509_crt_free(&ca_);
        rng_.free();
    }

    void set_detail(const char* what, int rc) noexcept {
        if (!MAILWIRE_TLS_DETAIL) return;
        char code[24] = "";
        if (rc != 0) {
            // " (mbedTLS -0x7780)"
            static const char hex[] = "0123456789abcdef";
            unsigned v = rc < 0 ? static_cast<unsigned>(-rc) : static_cast<unsigned>(rc);
            char digits[8];
            int nd = 0;
            do {
                digits[nd++] = hex[v & 0xF];
                v >>= 4;
            } while (v != 0 && nd < 8);
            std::size_t n = 0;
            for (const char* p = " (mbedTLS -0x"; *p != '\0'; ++p) code[n++] = *p;
            while (nd > 0) code[n++] = digits[--nd];
            code[n++] = ')';
            code[n] = '\0';
        }
        set_detail2(what, code);
    }
    void set_detail2(const char* a, const char* b) noexcept {
        if (!MAILWIRE_TLS_DETAIL) return; // compiled out: failure_detail() stays ""
        std::size_t n = 0;
        for (const char* p = a; *p != '\0' && n + 1 < sizeof(detail_); ++p) detail_[n++] = *p;
        for (const char* p = b; *p != '\0' && n + 1 < sizeof(detail_); ++p) detail_[n++] = *p;
        detail_[n] = '\0';
    }

    tls_settings settings_;
    detail::mbedtls_compat::random_generator rng_{};
    mbedtls_x509_crt ca_{};
    mbedtls_ssl_config conf_{};
    mbedtls_ssl_context ssl_{};
    bool configured_ = false;    ///< the contexts above are initialised (and must be freed)
    bool configured_ok_ = false; ///< ... and set up for use
    bool session_ = false;       ///< ssl_ is initialised
    bool established_ = false;   ///< the handshake completed
    cause failure_ = cause::none;
    std::uint8_t alert_ = 0;
    int lib_error_ = 0;
    detail::ip::address ip_{}; ///< the host's address when it is an IP literal (size 0: a name)
    detail::mbedtls_compat::verify_fn chained_verify_ = nullptr; ///< attach_trust's verify callback
    void* chained_verify_context_ = nullptr;
    // Zeroed (detail_ is "" until a failure), which a constexpr constructor needs anyway.
    char host_[256] = {};
    char peer_names_[160] = {};
    char detail_[320] = {};
};

} // inline namespace MAILWIRE_ABI
} // namespace mailwire


#endif // MAILWIRE_MBEDTLS_TLS_HPP
