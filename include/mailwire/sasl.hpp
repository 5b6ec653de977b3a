// SPDX-License-Identifier: BSL-1.0
// mailwire - the SASL mechanisms the client speaks (RFC 4954: PLAIN, LOGIN, XOAUTH2, OAUTHBEARER),
// each as a table entry of named fields: what is sent (templates the client fills with the
// credentials and encodes in base64) and what the trace shows in its place.
#ifndef MAILWIRE_SASL_HPP
#define MAILWIRE_SASL_HPP

#include "config.hpp"

#include "capabilities.hpp"
#include "error.hpp"

#include <cstddef>
#include <string_view>

namespace mailwire {
inline namespace MAILWIRE_ABI {

namespace detail {

/// One response of a SASL exchange: the template of what is sent (base64-encoded, with the
/// octets \x02, \x03 and \x04 replaced by the user name, the secret and the user name as a
/// saslname: basic_client::put_base64) and what the trace shows in its place, so that no secret
/// can reach the trace (it never sees a template).
struct sasl_response {
    std::string_view encode;
    std::string_view trace_as = "<redacted>";
};
/// A SASL mechanism as the client speaks it (RFC 4954): its name, the initial response (empty:
/// none), the responses to the server's challenges in order, and what a 334 after all of them
/// means: for the OAuth2 mechanisms an error report, answered with `error_answer`, after which
/// the server sends its failure; for the others a challenge the mechanism has no answer to.
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
// RFC 4616 §2: [authzid] NUL authcid NUL passwd, as the initial response.
inline constexpr sasl_mechanism sasl_plain{
    "PLAIN", {std::string_view("\0\x02\0\x03", 4)}, {}, 0, false, {}, cause::unexpected_reply};
// No initial response; the user name and the password answer the two challenges.
inline constexpr sasl_mechanism sasl_login{
    "LOGIN", {}, {{"\x02", "<user name, base64>"}, {"\x03"}}, 2, false, {}, cause::bad_challenge};
// Google's XOAUTH2: "user=" user ^A "auth=Bearer " token ^A ^A; its error report is answered
// with an empty response.
inline constexpr sasl_mechanism sasl_xoauth2{
    "XOAUTH2", {"user=\x02\x01" "auth=Bearer \x03\x01\x01"}, {}, 0, true, "", cause::bad_challenge};
// RFC 7628 §3.1: gs2-header "n,a=" saslname "," ^A "auth=Bearer " token ^A ^A; its error
// report is answered with ^A (§3.2.3), "AQ==" in base64.
inline constexpr sasl_mechanism sasl_oauthbearer{
    "OAUTHBEARER", {"n,a=\x04,\x01" "auth=Bearer \x03\x01\x01"}, {}, 0, true, "AQ==", cause::bad_challenge};

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
