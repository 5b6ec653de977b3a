// SPDX-License-Identifier: BSL-1.0
// mailwire - every bound the client and the composer enforce, in one place. Each is tested at the
// bound and one past it (tests/unit/limits_test.cpp); README "Limits the client enforces" lists
// them with what happens past each.
#ifndef MAILWIRE_LIMITS_HPP
#define MAILWIRE_LIMITS_HPP

#include "config.hpp"

#include <cstddef>

namespace mailwire {
inline namespace MAILWIRE_ABI {

// ---- what the server sends
/// RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets including the CRLF. Longer:
/// cause::reply_too_long (memory stays bounded by the receive buffer).
constexpr std::size_t max_reply_line = 512;
/// Lines one reply may have; more is an endless "250-" continuation: cause::too_many_lines.
/// RFC 5321 sets no number; a large provider's EHLO reply has about 15.
constexpr std::size_t max_reply_lines = MAILWIRE_MAX_REPLY_LINES;
/// The same bound for the EHLO reply, the one reply that legitimately grows with what a server
/// offers (RFC 5321 §4.2.1 and §4.1.1.1 set no number of lines): each line is read, its keyword
/// taken and the line dropped, so more lines cost time (bounded by the step's deadline) but no
/// memory. Past it the reply is still taken for an endless continuation.
constexpr std::size_t max_ehlo_reply_lines = max_reply_lines > 1024 ? max_reply_lines : 1024;
/// An AUTH challenge (RFC 4954 §4) is the base64 text of one "334 " line, so the reply line bounds
/// it: 512 - "334 " - CRLF. A longer line is reply_too_long; text that is not base64,
/// bad_challenge (the client cancels with "*").
constexpr std::size_t max_challenge = max_reply_line - 6;

// ---- what the client sends
/// RFC 5321 §4.5.3.1.4: a command line is at most 512 octets including the CRLF. Every command
/// the client builds fits (addresses are bounded below); an AUTH initial response that would
/// not is sent on its own line after an empty challenge instead (RFC 4954 §4).
constexpr std::size_t max_command_line = 512;
/// RFC 4954 §4: 12288 octets "is considered to be a sufficient line length limit" for SASL
/// responses (Postfix's smtpd_sasl_response_limit is the same). A response whose base64 line
/// with CRLF would be longer is refused before anything is sent: cause::bad_argument.
constexpr std::size_t max_sasl_response = 12288;
/// RFC 5321 §4.5.3.1.1 / §4.5.3.1.2 / §4.5.3.1.3: local part, domain, and the path with its
/// angle brackets. Longer: address_check::too_long, cause::bad_address.
constexpr std::size_t max_local_part = 64;
constexpr std::size_t max_domain = 255;
constexpr std::size_t max_path = 256;
/// OAUTHBEARER's user name goes into the GS2 header with "=" and "," escaped (RFC 7628 §3.1,
/// RFC 5801 §4); a name longer than a path is refused: cause::bad_argument.
constexpr std::size_t max_sasl_user = max_path;

// ---- the composer (message.hpp)
/// The unstructured text of Subject or of a header of one's own, before encoding. RFC 5322 §2.1.1
/// limits a line to 998 octets; folded and encoded, 900 octets of text still fit any line.
/// Longer: cause::bad_header. (Addresses, headers and parts are counted against the message's
/// template arguments MaxAddresses, MaxHeaders and MaxAttachments: cause::too_many.)
constexpr std::size_t max_header_text = 900;
/// An attachment's or inline part's file name, in octets. It is written twice (Content-Type's
/// name, Content-Disposition's filename; RFC 2231 §4, each non-ASCII octet as "%XX"), with a type
/// of up to 127 octets and a Content-ID of up to 250, in one step of the composer's 2,048-octet
/// output buffer: 200 octets keep that step under 1,750. Longer: cause::bad_header.
constexpr std::size_t max_file_name = 200;

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_LIMITS_HPP
