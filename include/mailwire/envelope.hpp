// SPDX-License-Identifier: BSL-1.0
// mailwire - what a transaction is made of and what comes back: the recipients with each one's
// reply, the envelope (RFC 5321 §3.3: MAIL FROM, RCPT TO...), and the result of a send. Shared by
// the client and the composer (message.hpp), which fills an envelope from its headers.
#ifndef MAILWIRE_ENVELOPE_HPP
#define MAILWIRE_ENVELOPE_HPP

#include "config.hpp"

#include "error.hpp"
#include "reply.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mailwire {
inline namespace MAILWIRE_ABI {

/// One recipient and, after send(), the server's answer to its RCPT TO.
struct recipient {
    std::string_view address;
    reply result; ///< code 0: not attempted

    bool accepted() const noexcept { return result.code >= 200 && result.code < 300; }
};

struct envelope {
    std::string_view sender; ///< MAIL FROM; empty for the null sender "<>"
    recipient* recipients = nullptr;
    std::size_t recipient_count = 0;
    std::uint64_t size = 0;  ///< the content's wire_size() when known: declared as SIZE= (RFC 1870)
    bool eight_bit = false;  ///< the content has 8-bit bytes: BODY=8BITMIME when offered (RFC 6152)
    /// The content is not line-structured text (NUL octets, lines past 998 octets, line ends that
    /// must stay as they are): with CHUNKING and BINARYMIME offered it goes as BODY=BINARYMIME,
    /// every octet unchanged (RFC 3030 §3); otherwise as text, line ends made CRLF, and the
    /// server judges it. client::send() of a message in memory sets it itself on NUL or long lines.
    bool binary = false;
};

struct send_result {
    error err; ///< why the message was not delivered; ok() when the server took it
    std::size_t accepted = 0;
    std::size_t refused = 0;

    /// The server said 2xx to the end of the data: the message went to every accepted recipient.
    bool delivered() const noexcept { return err.ok(); }
    /// Delivered, and no recipient was refused.
    bool ok() const noexcept { return err.ok() && refused == 0; }
};

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_ENVELOPE_HPP
