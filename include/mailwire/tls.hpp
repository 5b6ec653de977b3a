// mailwire - the TLS policy interface, and no_tls.
//
// A TLS policy wraps the client's transport and offers the same stream interface:
//
// | expression                                   | returns   | meaning                               |
// |----------------------------------------------|-----------|---------------------------------------|
// | Tls::available                               | bool      | constexpr: false only for no_tls      |
// | tls.handshake(transport, host, timeout_ms)   | io_result | TLS over the connected transport,     |
// |                                              |           | verifying the certificate for `host`  |
// | tls.read_some(transport, buf, len, timeout)  | io_result | as Transport::read_some               |
// | tls.write_some(transport, buf, len, timeout) | io_result | as Transport::write_some              |
// | tls.close(transport)                         | void      | close_notify when possible, then free |
//
// The client decides *when* TLS starts (implicit, or after a 220 to STARTTLS); the policy only
// knows how.
#ifndef MAILWIRE_TLS_HPP
#define MAILWIRE_TLS_HPP

#include "io.hpp"

namespace mailwire {

/// No TLS. Profiles that require encryption do not compile with it.
struct no_tls {
    static constexpr bool available = false;
};

} // namespace mailwire

#endif // MAILWIRE_TLS_HPP
