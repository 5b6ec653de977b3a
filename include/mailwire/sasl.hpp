// SPDX-License-Identifier: BSL-1.0
// mailwire - the SASL mechanisms the client speaks (RFC 4954: PLAIN, LOGIN, XOAUTH2, OAUTHBEARER),
// each as a table entry of named fields: what is sent (pieces of fixed text and credentials,
// which the client encodes in base64) and what the trace shows in its place.
#ifndef MAILWIRE_SASL_HPP
#define MAILWIRE_SASL_HPP

#include "config.hpp"

#include "capabilities.hpp"
#include "error.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mailwire {
inline namespace MAILWIRE_ABI {

namespace detail {

/// What a piece of a SASL response holds: fixed octets, or one of the credentials.
enum class sasl_field : std::uint8_t {
    text,     ///< the piece's own text
    user,     ///< credentials::user
    secret,   ///< credentials::secret (the password or the token)
    saslname, ///< credentials::user as an RFC 5801 §4 saslname ("=" and "," written "=3D", "=2C")
};
struct sasl_piece {
    sasl_field field;
    std::string_view text; ///< for sasl_field::text
};
constexpr sasl_piece sasl_text(std::string_view t) noexcept { return {sasl_field::text, t}; }
inline constexpr sasl_piece sasl_user{sasl_field::user, {}};
inline constexpr sasl_piece sasl_secret{sasl_field::secret, {}};
inline constexpr sasl_piece sasl_saslname{sasl_field::saslname, {}};
/// The NUL that separates PLAIN's fields (RFC 4616 §2).
inline constexpr sasl_piece sasl_nul = sasl_text(std::string_view("\0", 1));

/// One response of a SASL exchange: its pieces, which basic_client::put_base64 writes one after
/// another in base64 (none: no response), and what the trace shows in its place, so that no
/// secret can reach the trace (it never sees the pieces).
struct sasl_response {
    const sasl_piece* pieces = nullptr;
    std::size_t count = 0;
    std::string_view trace_as = "<redacted>";
};
template <std::size_t N>
constexpr sasl_response sasl_respond(const sasl_piece (&pieces)[N], std::string_view trace_as = "<redacted>") noexcept {
    return {pieces, N, trace_as};
}
/// A SASL mechanism as the client speaks it (RFC 4954): its name, the initial response (none
/// for LOGIN), the responses to the server's challenges in order, and what a 334 after all of
/// them means: for the OAuth2 mechanisms an error report, answered with `error_answer`, after
/// which the server sends its failure; for the others a challenge the mechanism has no answer to.
struct sasl_mechanism {
    std::string_view name;
    sasl_response initial;
    sasl_response answers[2];
    std::size_t answer_count = 0;
    bool error_report = false;
    std::string_view error_answer;
    cause extra_challenge = cause::bad_challenge;
};

// The mechanisms (each referenced only when compiled in: config.hpp's MAILWIRE_AUTH_*).
// RFC 4616 §2: [authzid] NUL authcid NUL passwd, as the initial response (no authzid).
inline constexpr sasl_piece sasl_plain_initial[] = {sasl_nul, sasl_user, sasl_nul, sasl_secret};
inline constexpr sasl_mechanism sasl_plain{
    "PLAIN", sasl_respond(sasl_plain_initial), {}, 0, false, {}, cause::unexpected_reply};
// No initial response; the user name and the password answer the two challenges.
inline constexpr sasl_piece sasl_login_user[] = {sasl_user};
inline constexpr sasl_piece sasl_login_password[] = {sasl_secret};
inline constexpr sasl_mechanism sasl_login{
    "LOGIN", {}, {sasl_respond(sasl_login_user, "<user name, base64>"), sasl_respond(sasl_login_password)},
    2, false, {}, cause::bad_challenge};
// Google's XOAUTH2: "user=" user ^A "auth=Bearer " token ^A ^A; its error report is answered
// with an empty response.
inline constexpr sasl_piece sasl_xoauth2_initial[] = {
    sasl_text("user="), sasl_user, sasl_text("\x01" "auth=Bearer "), sasl_secret, sasl_text("\x01\x01")};
inline constexpr sasl_mechanism sasl_xoauth2{
    "XOAUTH2", sasl_respond(sasl_xoauth2_initial), {}, 0, true, "", cause::bad_challenge};
// RFC 7628 §3.1: gs2-header "n,a=" saslname "," ^A "auth=Bearer " token ^A ^A; its error
// report is answered with ^A (§3.2.3), "AQ==" in base64.
inline constexpr sasl_piece sasl_oauthbearer_initial[] = {
    sasl_text("n,a="), sasl_saslname, sasl_text(",\x01" "auth=Bearer "), sasl_secret, sasl_text("\x01\x01")};
inline constexpr sasl_mechanism sasl_oauthbearer{
    "OAUTHBEARER", sasl_respond(sasl_oauthbearer_initial), {}, 0, true, "AQ==", cause::bad_challenge};

/// The mechanism's description, or nullptr when it is not compiled in.
inline const sasl_mechanism* sasl_for(auth_mechanism mech) noexcept {
    switch (mech) {
    case auth_mechanism::plain:
        if constexpr (MAILWIRE_AUTH_PLAIN) return &sasl_plain;
        break;
    case auth_mechanism::login:
        if constexpr (MAILWIRE_AUTH_LOGIN) return &sasl_login;
        break;
    case auth_mechanism::xoauth2:
        if constexpr (MAILWIRE_AUTH_XOAUTH2) return &sasl_xoauth2;
        break;
    case auth_mechanism::oauthbearer:
        if constexpr (MAILWIRE_AUTH_OAUTHBEARER) return &sasl_oauthbearer;
        break;
    case auth_mechanism::automatic: break;
    }
    return nullptr;
}

} // namespace detail

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_SASL_HPP
