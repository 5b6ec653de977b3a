// SPDX-License-Identifier: BSL-1.0
// Host stand-in for ESP32's WiFiClientSecure: an Arduino Client that does its own TLS, as the ESP32
// core's does, with mbedTLS (Debian's 2.28 here): connect() connects and completes the handshake,
// verifying the server's certificate against the CA given with setCACert() and the host name given
// to connect(); read, write and available work on the decrypted stream. setInsecure() skips the
// check, as on the board. This is what mailwire::transport_tls runs over in the tests.
#pragma once
#include "WiFiClient.h"

#include <mbedtls/version.h>
#if MBEDTLS_VERSION_MAJOR >= 4
#include <psa/crypto.h> // 4.x: the random generator is PSA's
#else
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#endif
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

class WiFiClientSecure : public Client {
public:
    WiFiClientSecure() = default;
    WiFiClientSecure(const WiFiClientSecure&) = delete;
    WiFiClientSecure& operator=(const WiFiClientSecure&) = delete;
    ~WiFiClientSecure() override { stop(); }

    void setCACert(const char* pem) { ca_ = pem; }
    void setInsecure() {
        ca_ = nullptr;
        insecure_ = true;
    }

    int connect(IPAddress ip, std::uint16_t port) override {
        char text[16];
        ip.to_text(text);
        return connect(text, port);
    }
    int connect(const char* host, std::uint16_t port) override {
        stop();
        plain_.setTimeout(timeout_);
        if (plain_.connect(host, port) != 1) return 0;
        if (!start(host)) {
            stop();
            return 0;
        }
        return 1;
    }
    std::size_t write(std::uint8_t b) override { return write(&b, 1); }
    std::size_t write(const std::uint8_t* buf, std::size_t size) override {
        if (!active_) return 0;
        std::size_t done = 0;
        const unsigned long start = millis();
        while (done < size) {
            const int n = mbedtls_ssl_write(&ssl_, buf + done, size - done);
            if (n > 0) {
                done += static_cast<std::size_t>(n);
            } else if (n == MBEDTLS_ERR_SSL_WANT_WRITE || n == MBEDTLS_ERR_SSL_WANT_READ) {
                if (millis() - start >= timeout_) break;
                delay(1);
            } else {
                stop();
                break;
            }
        }
        return done;
    }
    int available() override {
        fill();
        return static_cast<int>(end_ - begin_);
    }
    int read() override {
        std::uint8_t b = 0;
        return read(&b, 1) == 1 ? b : -1;
    }
    int read(std::uint8_t* buf, std::size_t size) override {
        fill();
        if (begin_ == end_) return -1;
        const std::size_t n = size < end_ - begin_ ? size : end_ - begin_;
        std::memcpy(buf, buffer_ + begin_, n);
        begin_ += n;
        return static_cast<int>(n);
    }
    int peek() override {
        fill();
        return begin_ == end_ ? -1 : buffer_[begin_];
    }
    void flush() override {}
    void stop() override {
        if (active_) {
            (void)mbedtls_ssl_close_notify(&ssl_);
            mbedtls_ssl_free(&ssl_);
            mbedtls_ssl_config_free(&conf_);
#if MBEDTLS_VERSION_MAJOR < 4
            mbedtls_ctr_drbg_free(&drbg_);
            mbedtls_entropy_free(&entropy_);
#endif
            mbedtls_x509_crt_free(&ca_chain_);
            active_ = false;
        }
        closed_ = false;
        begin_ = end_ = 0;
        plain_.stop();
    }
    std::uint8_t connected() override { return (active_ && !closed_) || begin_ != end_ ? 1 : 0; }
    explicit operator bool() override { return active_; }

private:
    // The record layer reads and writes the plain client's socket.
    static int send_cb(void* self, const unsigned char* buf, std::size_t len) {
        WiFiClient& plain = static_cast<WiFiClientSecure*>(self)->plain_;
        if (!plain.connected()) return MBEDTLS_ERR_NET_CONN_RESET;
        const std::size_t n = plain.write(buf, len);
        return n > 0 ? static_cast<int>(n) : MBEDTLS_ERR_SSL_WANT_WRITE;
    }
    static int recv_cb(void* self, unsigned char* buf, std::size_t len) {
        WiFiClient& plain = static_cast<WiFiClientSecure*>(self)->plain_;
        const int n = plain.read(buf, len);
        if (n > 0) return n;
        return plain.connected() ? MBEDTLS_ERR_SSL_WANT_READ : 0; // 0: the peer closed
    }

    bool start(const char* host) {
        mbedtls_ssl_init(&ssl_);
        mbedtls_ssl_config_init(&conf_);
        mbedtls_x509_crt_init(&ca_chain_);
#if MBEDTLS_VERSION_MAJOR >= 4
        active_ = true; // from here stop() frees the contexts
        if (psa_crypto_init() != PSA_SUCCESS) return false;
#else
        mbedtls_ctr_drbg_init(&drbg_);
        mbedtls_entropy_init(&entropy_);
        active_ = true;
        if (mbedtls_ctr_drbg_seed(&drbg_, mbedtls_entropy_func, &entropy_, nullptr, 0) != 0) return false;
#endif
        if (mbedtls_ssl_config_defaults(&conf_, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                        MBEDTLS_SSL_PRESET_DEFAULT) != 0)
            return false;
#if MBEDTLS_VERSION_MAJOR < 4
        mbedtls_ssl_conf_rng(&conf_, mbedtls_ctr_drbg_random, &drbg_);
#endif
        if (ca_ != nullptr) {
            if (mbedtls_x509_crt_parse(&ca_chain_, reinterpret_cast<const unsigned char*>(ca_), std::strlen(ca_) + 1) != 0)
                return false;
            mbedtls_ssl_conf_ca_chain(&conf_, &ca_chain_, nullptr);
            mbedtls_ssl_conf_authmode(&conf_, MBEDTLS_SSL_VERIFY_REQUIRED);
        } else {
            // The ESP32 core refuses to connect with neither a CA nor setInsecure(); so does this.
            if (!insecure_) return false;
            mbedtls_ssl_conf_authmode(&conf_, MBEDTLS_SSL_VERIFY_NONE);
        }
        if (mbedtls_ssl_setup(&ssl_, &conf_) != 0 || mbedtls_ssl_set_hostname(&ssl_, host) != 0) return false;
        mbedtls_ssl_set_bio(&ssl_, this, send_cb, recv_cb, nullptr);
        const unsigned long started = millis();
        for (;;) {
            const int rc = mbedtls_ssl_handshake(&ssl_);
            if (rc == 0) return true;
            if (rc != MBEDTLS_ERR_SSL_WANT_READ && rc != MBEDTLS_ERR_SSL_WANT_WRITE) return false;
            if (millis() - started >= timeout_) return false;
            delay(1);
        }
    }

    // Decrypts what has arrived, without waiting, into the buffer that available() reports.
    void fill() {
        if (!active_ || closed_ || begin_ != end_) return;
        begin_ = end_ = 0;
        const int n = mbedtls_ssl_read(&ssl_, buffer_, sizeof(buffer_));
        if (n > 0) {
            end_ = static_cast<std::size_t>(n);
        } else if (n != MBEDTLS_ERR_SSL_WANT_READ && n != MBEDTLS_ERR_SSL_WANT_WRITE && !session_ticket(n)) {
            closed_ = true; // close_notify, the peer's FIN, or an error
        }
    }

    // TLS 1.3 (mbedTLS 3.x, 4.x): a NewSessionTicket after the handshake is reported by
    // mbedtls_ssl_read as such; it carries no data and ends nothing.
    static bool session_ticket(int rc) {
#if defined(MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
        return rc == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET;
#else
        (void)rc;
        return false;
#endif
    }

    WiFiClient plain_;
    const char* ca_ = nullptr;
    bool insecure_ = false;
    bool active_ = false;
    bool closed_ = false;
    mbedtls_ssl_context ssl_;
    mbedtls_ssl_config conf_;
#if MBEDTLS_VERSION_MAJOR < 4
    mbedtls_ctr_drbg_context drbg_;
    mbedtls_entropy_context entropy_;
#endif
    mbedtls_x509_crt ca_chain_;
    unsigned char buffer_[4096];
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
};
