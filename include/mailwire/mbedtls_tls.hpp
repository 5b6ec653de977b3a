// mailwire - the mbedTLS TLS policy: TLS over any transport, verified by default.
//
//   mailwire::client<mailwire::posix_transport, mailwire::mbedtls_tls, mailwire::profiles::submission>
//
// Works with mbedTLS 2.28 (Debian 12) and 3.x (ESP-IDF 5, Zephyr, upstream 3.6): every difference
// between the two lines is in the `compat` namespace below. Link mbedtls, mbedx509 and mbedcrypto
// (CMake: mailwire::mbedtls). Not part of mailwire.hpp: include it where mbedTLS is available.
//
// What it guarantees (RFC 8314 §5, RFC 7525 / BCP 195):
// - the chain is verified against trust anchors: a CA file or directory, a PEM or DER buffer
//   compiled into firmware, or (POSIX, when none is given) the system bundle;
// - the host name is always set (mbedtls_ssl_set_hostname: it is both SNI and what the certificate
//   is checked against; without it mbedTLS accepts a certificate for any name, CVE-2025-27809);
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

#include "clock.hpp"
#include "error.hpp"
#include "io.hpp"
#include "tls.hpp"

#include <mbedtls/version.h> // 2.x: includes the configuration; 3.x: build_info.h

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#if MBEDTLS_VERSION_MAJOR >= 3 && defined(MBEDTLS_PSA_CRYPTO_C)
#include <psa/crypto.h>
#endif

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#if !defined(MBEDTLS_SSL_CLI_C) || !defined(MBEDTLS_X509_CRT_PARSE_C) || !defined(MBEDTLS_CTR_DRBG_C) || \
    !defined(MBEDTLS_ENTROPY_C)
#error "mailwire: mbedtls_tls needs MBEDTLS_SSL_CLI_C, MBEDTLS_X509_CRT_PARSE_C, MBEDTLS_CTR_DRBG_C and MBEDTLS_ENTROPY_C"
#endif
#if MBEDTLS_VERSION_MAJOR < 2 || (MBEDTLS_VERSION_MAJOR == 2 && MBEDTLS_VERSION_MINOR < 28)
#error "mailwire: mbedtls_tls needs mbedTLS 2.28 or 3.x"
#endif

namespace mailwire {

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
    /// Alpine, openSUSE, macOS). On firmware there is none: give ca_data.
    bool use_system_bundle = true;
    /// Installs trust anchors and certificate verification on mbedTLS's `mbedtls_ssl_config`
    /// (passed as void*) itself, instead of all of the above: ESP-IDF's certificate bundle is
    /// `tls.attach_trust = esp_crt_bundle_attach;`. Called once per configuration; non-zero fails
    /// with tls_setup_failed. Verification stays required and the host name is still checked.
    /// The names of the server's certificate are then not reported on a failure (the hook owns
    /// the verify callback).
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
    /// Offers TLS 1.3 where the mbedTLS build has it (3.x); false stays at TLS 1.2.
    bool allow_tls13 = true;

    /// An extra entropy source for targets without one mbedTLS knows (a hardware RNG):
    /// mbedtls_entropy_add_source's signature, added as a strong source.
    int (*entropy_source)(void* context, unsigned char* out, std::size_t len, std::size_t* produced) = nullptr;
    void* entropy_context = nullptr;

    /// Bound on sending close_notify when the connection is closed.
    std::uint32_t close_notify_ms = 1000;
};

namespace detail::mbedtls_compat {

inline void set_minimum_tls12(mbedtls_ssl_config* conf, bool allow_tls13) noexcept {
#if MBEDTLS_VERSION_MAJOR >= 3
    mbedtls_ssl_conf_min_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_2);
    if (!allow_tls13) mbedtls_ssl_conf_max_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_2);
#else
    (void)allow_tls13; // 2.28 has no TLS 1.3 client
    mbedtls_ssl_conf_min_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
#endif
}

/// 3.x: TLS 1.3 and the PSA-based code need the PSA core started once per process.
inline bool start_crypto() noexcept {
#if MBEDTLS_VERSION_MAJOR >= 3 && defined(MBEDTLS_PSA_CRYPTO_C)
    return psa_crypto_init() == PSA_SUCCESS;
#else
    return true;
#endif
}

/// Results of mbedtls_ssl_read that carry no data and no failure.
inline bool read_again(int rc) noexcept {
    if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) return true;
#if defined(MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
    if (rc == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) return true; // 3.x, TLS 1.3
#endif
    return false;
}

inline const char* version_of(const mbedtls_ssl_context* ssl) noexcept { return mbedtls_ssl_get_version(ssl); }

} // namespace detail::mbedtls_compat

class mbedtls_tls {
public:
    static constexpr bool available = true;

    explicit mbedtls_tls(const tls_settings& settings = tls_settings()) noexcept : settings_(settings) {}
    /// Only a policy that has not connected yet can move (the client takes it by value); mbedTLS's
    /// contexts point into themselves once set up.
    mbedtls_tls(mbedtls_tls&& other) noexcept : settings_(other.settings_) { MAILWIRE_ASSERT(!other.configured_); }
    mbedtls_tls(const mbedtls_tls&) = delete;
    mbedtls_tls& operator=(const mbedtls_tls&) = delete;
    mbedtls_tls& operator=(mbedtls_tls&&) = delete;
    ~mbedtls_tls() {
        free_session();
        if (configured_) {
            mbedtls_ssl_config_free(&conf_);
            mbedtls_x509_crt_free(&ca_);
            mbedtls_ctr_drbg_free(&drbg_);
            mbedtls_entropy_free(&entropy_);
        }
    }

    tls_settings& settings() noexcept { return settings_; }

    /// Why the last handshake failed: certificate_untrusted / _expired / _wrong_host / _invalid,
    /// tls_plaintext_server, tls_setup_failed, tls_handshake_failed, or none (a timeout, or success).
    cause failure() const noexcept { return failure_; }
    /// One line about the last failure: mbedTLS's verification text and the names the certificate
    /// was issued for, the error code, or what the server sent instead of TLS. "" when none.
    const char* failure_detail() const noexcept { return detail_; }
    /// mbedTLS's error code of the last failure (negative), 0 when none.
    int library_error() const noexcept { return lib_error_; }
    /// The negotiated version ("TLSv1.2", "TLSv1.3") while a session is up, else "".
    const char* version() const noexcept { return established_ ? detail::mbedtls_compat::version_of(&ssl_) : ""; }

    template <class Transport, class Timer>
    io_result handshake(Transport& transport, std::string_view host, const Timer& timer) {
        free_session();
        if (!configured_) (void)configure();
        if (!configured_ok_) return io_result::fail(io_status::error); // failure() and its detail stay
        failure_ = cause::none;
        detail_[0] = '\0';
        lib_error_ = 0;
        peer_names_[0] = '\0';
        if (host.empty() || host.size() >= sizeof(host_)) return setup_failure("host name empty or too long", 0);
        std::memcpy(host_, host.data(), host.size());
        host_[host.size()] = '\0';

        mbedtls_ssl_init(&ssl_);
        session_ = true;
        if (int rc = mbedtls_ssl_setup(&ssl_, &conf_); rc != 0) return setup_failure("mbedtls_ssl_setup failed", rc);
        // Always: SNI, and the name the certificate must carry (CVE-2025-27809 when skipped).
        if (int rc = mbedtls_ssl_set_hostname(&ssl_, host_); rc != 0)
            return setup_failure("mbedtls_ssl_set_hostname failed", rc);

        bio<Transport, Timer> b{&transport, &timer, io_result::done(0), 0, {}};
        mbedtls_ssl_set_bio(&ssl_, &b, &bio<Transport, Timer>::send, &bio<Transport, Timer>::recv, nullptr);
        int rc;
        do {
            rc = mbedtls_ssl_handshake(&ssl_);
        } while ((rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) && timer.remaining_ms() > 0);
        mbedtls_ssl_set_bio(&ssl_, nullptr, nullptr, nullptr, nullptr);
        if (rc == 0) {
            established_ = true;
            return io_result::done(0);
        }
        // A failed session gives its record buffers back at once, not at the next connection.
        const io_result r = handshake_failure(rc, b.io, b.first, b.first_len);
        free_session();
        return r;
    }

    template <class Transport, class Timer>
    io_result read_some(Transport& transport, char* buf, std::size_t len, const Timer& timer) {
        if (!established_) return io_result::fail(io_status::error);
        bio<Transport, Timer> b{&transport, &timer, io_result::done(0), 0, {}};
        mbedtls_ssl_set_bio(&ssl_, &b, &bio<Transport, Timer>::send, &bio<Transport, Timer>::recv, nullptr);
        int rc;
        do {
            rc = mbedtls_ssl_read(&ssl_, reinterpret_cast<unsigned char*>(buf), len);
        } while (detail::mbedtls_compat::read_again(rc) && timer.remaining_ms() > 0);
        mbedtls_ssl_set_bio(&ssl_, nullptr, nullptr, nullptr, nullptr);
        if (rc > 0) return io_result::done(static_cast<std::size_t>(rc));
        if (rc == 0 || rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) return io_result::fail(io_status::closed);
        return stream_failure(rc, b.io);
    }

    template <class Transport, class Timer>
    io_result write_some(Transport& transport, const char* buf, std::size_t len, const Timer& timer) {
        if (!established_) return io_result::fail(io_status::error);
        bio<Transport, Timer> b{&transport, &timer, io_result::done(0), 0, {}};
        mbedtls_ssl_set_bio(&ssl_, &b, &bio<Transport, Timer>::send, &bio<Transport, Timer>::recv, nullptr);
        int rc;
        do {
            rc = mbedtls_ssl_write(&ssl_, reinterpret_cast<const unsigned char*>(buf), len);
        } while ((rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) && timer.remaining_ms() > 0);
        mbedtls_ssl_set_bio(&ssl_, nullptr, nullptr, nullptr, nullptr);
        if (rc > 0) return io_result::done(static_cast<std::size_t>(rc));
        return stream_failure(rc, b.io);
    }

    /// Sends close_notify (bounded by settings().close_notify_ms) and frees the session. The
    /// transport itself is closed by the client.
    template <class Transport>
    void close(Transport& transport) noexcept {
        if (established_) {
            struct fixed_timer {
                std::uint32_t ms;
                std::uint32_t remaining_ms() const noexcept { return ms; } // one write at most
            } timer{settings_.close_notify_ms};
            bio<Transport, fixed_timer> b{&transport, &timer, io_result::done(0), 0, {}};
            mbedtls_ssl_set_bio(&ssl_, &b, &bio<Transport, fixed_timer>::send, &bio<Transport, fixed_timer>::recv,
                                nullptr);
            (void)mbedtls_ssl_close_notify(&ssl_);
            mbedtls_ssl_set_bio(&ssl_, nullptr, nullptr, nullptr, nullptr);
        }
        free_session();
    }

private:
    /// The I/O callbacks' view of one call: the transport, the step's deadline, what went wrong
    /// below TLS, and the first bytes the server sent (to recognise plaintext SMTP).
    template <class Transport, class Timer>
    struct bio {
        Transport* transport;
        const Timer* timer;
        io_result io;
        std::size_t first_len;
        unsigned char first[8];

        static int send(void* ctx, const unsigned char* buf, std::size_t len) {
            bio& b = *static_cast<bio*>(ctx);
            const std::uint32_t left = b.timer->remaining_ms();
            const io_result r = left == 0 ? io_result::fail(io_status::timeout)
                                          : b.transport->write_some(reinterpret_cast<const char*>(buf), len, left);
            if (r.ok() && r.bytes > 0 && r.bytes <= len) return static_cast<int>(r.bytes);
            b.io = r.ok() ? io_result::fail(io_status::error) : r;
            return r.status == io_status::timeout ? MBEDTLS_ERR_SSL_TIMEOUT : MBEDTLS_ERR_SSL_INTERNAL_ERROR;
        }
        static int recv(void* ctx, unsigned char* buf, std::size_t len) {
            bio& b = *static_cast<bio*>(ctx);
            const std::uint32_t left = b.timer->remaining_ms();
            const io_result r = left == 0 ? io_result::fail(io_status::timeout)
                                          : b.transport->read_some(reinterpret_cast<char*>(buf), len, left);
            if (r.ok() && r.bytes > 0 && r.bytes <= len) {
                for (std::size_t i = 0; i < r.bytes && b.first_len < sizeof(b.first); ++i) b.first[b.first_len++] = buf[i];
                return static_cast<int>(r.bytes);
            }
            b.io = r.ok() ? io_result::fail(io_status::error) : r;
            if (r.status == io_status::closed) return 0; // end of stream: MBEDTLS_ERR_SSL_CONN_EOF
            return r.status == io_status::timeout ? MBEDTLS_ERR_SSL_TIMEOUT : MBEDTLS_ERR_SSL_INTERNAL_ERROR;
        }
    };

    bool configure() {
        mbedtls_entropy_init(&entropy_);
        mbedtls_ctr_drbg_init(&drbg_);
        mbedtls_x509_crt_init(&ca_);
        mbedtls_ssl_config_init(&conf_);
        configured_ = true; // from here on the destructor frees them

        if (!detail::mbedtls_compat::start_crypto()) return fail_configure("psa_crypto_init failed", 0);
        if (settings_.entropy_source != nullptr) {
            if (int rc = mbedtls_entropy_add_source(&entropy_, settings_.entropy_source, settings_.entropy_context, 32,
                                                    MBEDTLS_ENTROPY_SOURCE_STRONG);
                rc != 0)
                return fail_configure("mbedtls_entropy_add_source failed", rc);
        }
        static const unsigned char personal[] = "mailwire";
        if (int rc = mbedtls_ctr_drbg_seed(&drbg_, mbedtls_entropy_func, &entropy_, personal, sizeof(personal) - 1);
            rc != 0)
            return fail_configure("no entropy: seeding the random generator failed (give tls_settings::entropy_source)",
                                  rc);
        if (int rc = mbedtls_ssl_config_defaults(&conf_, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                                 MBEDTLS_SSL_PRESET_DEFAULT);
            rc != 0)
            return fail_configure("mbedtls_ssl_config_defaults failed", rc);
        // mbedTLS 3.6's TLS 1.3 client offers max_fragment_length but refuses the server's answer
        // to it (UNSUPPORTED_EXTENSION; 1.3 has record_size_limit, RFC 8449, instead): with a
        // max_fragment the session stays at TLS 1.2, where RFC 6066 §4 applies.
        detail::mbedtls_compat::set_minimum_tls12(&conf_, settings_.allow_tls13 && settings_.max_fragment == 0);
        mbedtls_ssl_conf_rng(&conf_, mbedtls_ctr_drbg_random, &drbg_);
        if (settings_.max_fragment != 0) {
#if defined(MBEDTLS_SSL_MAX_FRAGMENT_LENGTH)
            unsigned char code = 0;
            switch (settings_.max_fragment) {
            case 512: code = MBEDTLS_SSL_MAX_FRAG_LEN_512; break;
            case 1024: code = MBEDTLS_SSL_MAX_FRAG_LEN_1024; break;
            case 2048: code = MBEDTLS_SSL_MAX_FRAG_LEN_2048; break;
            case 4096: code = MBEDTLS_SSL_MAX_FRAG_LEN_4096; break;
            default: return fail_configure("max_fragment must be 512, 1024, 2048 or 4096", 0);
            }
            if (int rc = mbedtls_ssl_conf_max_frag_len(&conf_, code); rc != 0)
                return fail_configure("max_fragment is larger than mbedTLS's smaller record buffer "
                                      "(MBEDTLS_SSL_IN_CONTENT_LEN, MBEDTLS_SSL_OUT_CONTENT_LEN)",
                                      rc);
#else
            return fail_configure("max_fragment needs MBEDTLS_SSL_MAX_FRAGMENT_LENGTH in mbedTLS's configuration", 0);
#endif
        }
        if (settings_.insecure_skip_verify) {
            mbedtls_ssl_conf_authmode(&conf_, MBEDTLS_SSL_VERIFY_NONE);
        } else if (settings_.attach_trust != nullptr) {
            mbedtls_ssl_conf_authmode(&conf_, MBEDTLS_SSL_VERIFY_REQUIRED);
            if (const int rc = settings_.attach_trust(&conf_); rc != 0)
                return fail_configure("tls_settings::attach_trust failed", rc);
        } else {
            if (!load_trust_anchors()) return false;
            mbedtls_ssl_conf_authmode(&conf_, MBEDTLS_SSL_VERIFY_REQUIRED);
            mbedtls_ssl_conf_ca_chain(&conf_, &ca_, nullptr);
#if MAILWIRE_TLS_DETAIL
            mbedtls_ssl_conf_verify(&conf_, &mbedtls_tls::on_verify, this);
#endif
        }
        configured_ok_ = true;
        return true;
    }

    bool load_trust_anchors() {
        if (settings_.ca_data != nullptr && settings_.ca_size != 0) {
            const int rc = mbedtls_x509_crt_parse(&ca_, settings_.ca_data, settings_.ca_size);
            if (rc < 0 || ca_.raw.len == 0)
                return fail_configure("the CA buffer holds no certificate (PEM must count its NUL)", rc);
            return true;
        }
#if defined(MBEDTLS_FS_IO)
        if (settings_.ca_file != nullptr) {
            const int rc = mbedtls_x509_crt_parse_file(&ca_, settings_.ca_file);
            if (rc < 0 || ca_.raw.len == 0) return fail_configure("cannot read a certificate from the CA file", rc);
            return true;
        }
        if (settings_.ca_path != nullptr) {
            const int rc = mbedtls_x509_crt_parse_path(&ca_, settings_.ca_path);
            if (rc < 0 || ca_.raw.len == 0) return fail_configure("cannot read a certificate from the CA directory", rc);
            return true;
        }
        if (settings_.use_system_bundle) {
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
                const int rc = mbedtls_x509_crt_parse_file(&ca_, path);
                if (rc >= 0 && ca_.raw.len != 0) return true;
                mbedtls_x509_crt_free(&ca_);
                mbedtls_x509_crt_init(&ca_);
            }
            return fail_configure("no system CA bundle found (Debian: install ca-certificates) and none given", 0);
        }
#endif
        return fail_configure("no trust anchors: give ca_data (or ca_file), or set insecure_skip_verify", 0);
    }

    /// Called for each certificate of the chain; keeps the names of the server's own (depth 0) so a
    /// wrong-host failure can say what the certificate was issued for. Changes no verdict.
    static int on_verify(void* self, mbedtls_x509_crt* crt, int depth, std::uint32_t* flags) {
        (void)flags;
        if (depth != 0 || crt == nullptr) return 0;
        mbedtls_tls& t = *static_cast<mbedtls_tls*>(self);
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
        // subjectAltName dNSName entries ([2] IA5String, RFC 5280 §4.2.1.6), then the subject.
        for (const mbedtls_x509_sequence* san = &crt->subject_alt_names; san != nullptr; san = san->next) {
            if (san->buf.p != nullptr && (san->buf.tag & 0x1F) == MBEDTLS_X509_SAN_DNS_NAME)
                add(reinterpret_cast<const char*>(san->buf.p), san->buf.len);
        }
        char subject[128];
        if (mbedtls_x509_dn_gets(subject, sizeof(subject), &crt->subject) > 0) {
            char labelled[sizeof(subject) + 8] = "subject ";
            std::strncat(labelled, subject, sizeof(labelled) - 9);
            add(labelled, std::strlen(labelled));
        }
        t.peer_names_[n] = '\0';
        return 0;
    }

    io_result setup_failure(const char* what, int rc) noexcept {
        free_session();
        (void)fail_configure(what, rc);
        return io_result::fail(io_status::error);
    }
    bool fail_configure(const char* what, int rc) noexcept {
        failure_ = cause::tls_setup_failed;
        lib_error_ = rc;
        set_detail(what, rc);
        return false;
    }

    io_result handshake_failure(int rc, const io_result& io, const unsigned char* first, std::size_t first_len) {
        lib_error_ = rc;
        // RFC 5321 §4.2: a reply starts with three digits. A server that greets in plaintext on a
        // port the client treats as implicit TLS shows it in its first bytes.
        if (first_len >= 3 && first[0] >= '2' && first[0] <= '5' && first[1] >= '0' && first[1] <= '9' &&
            first[2] >= '0' && first[2] <= '9') {
            failure_ = cause::tls_plaintext_server;
            if (!MAILWIRE_TLS_DETAIL) return io_result::fail(io_status::error);
            char shown[9];
            std::size_t n = 0;
            for (std::size_t i = 0; i < first_len && n + 1 < sizeof(shown); ++i)
                shown[n++] = (first[i] >= 32 && first[i] < 127) ? static_cast<char>(first[i]) : '.';
            shown[n] = '\0';
            set_detail2("the server sent plaintext instead of a TLS record: ", shown);
            return io_result::fail(io_status::error);
        }
        if (rc == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
            const std::uint32_t flags = mbedtls_ssl_get_verify_result(&ssl_);
            if (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) failure_ = cause::certificate_untrusted;
            else if (flags & (MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE))
                failure_ = cause::certificate_expired;
            else if (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) failure_ = cause::certificate_wrong_host;
            else failure_ = cause::certificate_invalid;
            if (!MAILWIRE_TLS_DETAIL) return io_result::fail(io_status::error);
            char info[160];
            int len = mbedtls_x509_crt_verify_info(info, sizeof(info), "", flags);
            if (len < 0) len = 0;
            // One line: the verification text without its line breaks, then the names.
            for (int i = 0; i < len; ++i)
                if (info[i] == '\n') info[i] = (i + 1 == len) ? '\0' : ';';
            char names[sizeof(peer_names_) + 64];
            const char* sep = "; certificate for: ";
            std::size_t n = 0;
            for (const char* p = sep; *p != '\0' && n + 1 < sizeof(names); ++p) names[n++] = *p;
            for (const char* p = peer_names_[0] ? peer_names_ : "?"; *p != '\0' && n + 1 < sizeof(names); ++p)
                names[n++] = *p;
            for (const char* p = "; wanted: "; *p != '\0' && n + 1 < sizeof(names); ++p) names[n++] = *p;
            for (const char* p = host_; *p != '\0' && n + 1 < sizeof(names); ++p) names[n++] = *p;
            names[n] = '\0';
            set_detail2(info, names);
            return io_result::fail(io_status::error);
        }
        if (io.status == io_status::timeout) {
            failure_ = cause::none; // the client reports a timeout in phase tls
            set_detail("no TLS answer from the server before the deadline", rc);
            return io;
        }
        failure_ = cause::tls_handshake_failed;
        if (io.status == io_status::closed) {
            set_detail("the server closed the connection during the handshake", rc);
            return io;
        }
        set_detail("TLS handshake failed", rc);
        return io.ok() ? io_result::fail(io_status::error) : io;
    }

    io_result stream_failure(int rc, const io_result& io) noexcept {
        lib_error_ = rc;
        if (!io.ok()) return io;
        if (rc == MBEDTLS_ERR_SSL_CONN_EOF) return io_result::fail(io_status::closed);
        return io_result::fail(io_status::error);
    }

    void free_session() noexcept {
        if (session_) mbedtls_ssl_free(&ssl_);
        session_ = false;
        established_ = false;
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
    mbedtls_entropy_context entropy_;
    mbedtls_ctr_drbg_context drbg_;
    mbedtls_x509_crt ca_;
    mbedtls_ssl_config conf_;
    mbedtls_ssl_context ssl_;
    bool configured_ = false;    ///< the contexts above are initialised (and must be freed)
    bool configured_ok_ = false; ///< ... and set up for use
    bool session_ = false;       ///< ssl_ is initialised
    bool established_ = false;   ///< the handshake completed
    cause failure_ = cause::none;
    int lib_error_ = 0;
    char host_[256] = {};
    char peer_names_[160] = {};
    char detail_[320] = {};
};

} // namespace mailwire

#endif // MAILWIRE_MBEDTLS_TLS_HPP
