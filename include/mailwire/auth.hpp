// SPDX-License-Identifier: BSL-1.0
// mailwire - the client's AUTH exchange (RFC 4954): the definitions of the basic_client members
// declared under "AUTH" in client.hpp. A response is streamed in base64 from its pieces in
// sasl.hpp, so the credentials never exist whole in a buffer; every line is checked against
// RFC 4954's bounds before anything is sent, and the trace shows each response's trace_as.
#ifndef MAILWIRE_AUTH_HPP
#define MAILWIRE_AUTH_HPP

#include "client.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mailwire {
inline namespace MAILWIRE_ABI {

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::put_base64(const detail::sasl_response& r, const credentials& cred,
                                                              std::size_t* size) {
    base64_encoder encoder;
    std::size_t raw = 0;
    const auto out = [this](char c) { return put_char(c); };
    const auto feed = [&](char ch) {
        ++raw;
        return size != nullptr || encoder.push(static_cast<unsigned char>(ch), out);
    };
    for (std::size_t i = 0; i < r.count; ++i) {
        const detail::sasl_piece& piece = r.pieces[i];
        const std::string_view value = piece.field == detail::sasl_field::text     ? piece.text
                                       : piece.field == detail::sasl_field::secret ? cred.secret
                                                                                   : cred.user;
        for (char c : value) {
            // RFC 5801 §4: "=" and "," in a saslname are written "=3D" and "=2C".
            const bool esc =
                MAILWIRE_AUTH_OAUTHBEARER && piece.field == detail::sasl_field::saslname && (c == '=' || c == ',');
            if (!feed(esc ? '=' : c)) return false;
            if (esc && (!feed(c == '=' ? '3' : '2') || !feed(c == '=' ? 'D' : 'C'))) return false;
        }
    }
    if (size != nullptr) {
        *size = base64_encoded_size(raw);
        return true;
    }
    return encoder.finish(out);
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::send_response(const detail::sasl_response& r, const credentials& cred) {
    return put_base64(r, cred) && put_bytes("\r\n") && flush();
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::run_auth(const credentials& cred, auth_mechanism mech) {
    // (auth_session() lets only the mechanisms compiled in get here.)
    const detail::sasl_mechanism* found = detail::sasl_for(mech);
    if (found == nullptr) return fail(phase::auth, error_kind::usage, cause::bad_argument);
    const detail::sasl_mechanism& m = *found;
    // RFC 7628 §3.1: the user name travels as a saslname; its length is bounded.
    if (mech == auth_mechanism::oauthbearer && cred.user.size() > max_sasl_user)
        return fail(phase::auth, error_kind::usage, cause::bad_argument);
    // RFC 4954 §4: every response line within max_sasl_response, checked before anything is sent.
    std::size_t first_size = 0;
    for (const detail::sasl_response* r : {&m.answers[0], &m.answers[1], &m.initial}) {
        (void)put_base64(*r, cred, &first_size); // measures only: writes nothing, cannot fail
        if (first_size + 2 > max_sasl_response) return fail(phase::auth, error_kind::usage, cause::bad_argument);
    }
    // The command stays within the command line limit; a longer initial response goes on its
    // own line after the server's empty challenge (RFC 4954 §4, RFC 4422 §5).
    detail::sasl_response answers[3] = {m.answers[0], m.answers[1]};
    std::size_t to_answer = m.answer_count;
    const bool has_initial = m.initial.count != 0;
    const bool inline_first = has_initial && 5 + m.name.size() + 1 + first_size + 2 <= max_command_line;
    if (has_initial && !inline_first) answers[to_answer++] = m.initial;

    begin(phase::auth, opt_.timeout.command); // one deadline for the exchange
    if (MAILWIRE_TRACE && opt_.trace) {
        // "AUTH PLAIN <redacted>": the command as sent, the response as its trace_as says.
        char line[48];
        std::size_t n = 0;
        for (std::string_view part : {std::string_view("AUTH "), m.name, std::string_view(inline_first ? " " : ""),
                                      inline_first ? m.initial.trace_as : std::string_view()}) {
            for (char c : part) line[n++] = c;
        }
        trace(trace_direction::client, std::string_view(line, n));
    }
    if (!put_bytes("AUTH ") || !put_bytes(m.name)) return false;
    if (inline_first && !put_char(' ')) return false;
    if (!send_response(inline_first ? m.initial : detail::sasl_response(), cred)) return false;

    for (std::size_t answered = 0;; ++answered) {
        if (!read_reply()) return false;
        if (last_.code == 235) {
            // Accepted before every answer was given: a server that makes no sense here.
            if (answered < to_answer) return fail(phase::auth, error_kind::protocol, cause::unexpected_reply, &last_);
            return true;
        }
        if (last_.code != 334) return reply_failure(phase::auth);
        if (!challenge_ok_) return cancel_auth(cause::bad_challenge);
        if (answered < to_answer) {
            trace(trace_direction::client, answers[answered].trace_as);
            if (!send_response(answers[answered], cred)) return false;
            continue;
        }
        if (!m.error_report) return cancel_auth(m.extra_challenge);
        // OAuth2: the 334 carries an error report; the client answers it and the server ends
        // with a failure reply.
        if (!exchange(phase::auth, opt_.timeout.command, {m.error_answer})) return false;
        if (last_.code == 334) return cancel_auth(cause::bad_challenge);
        // A server that accepts after reporting an error is broken; treat it as rejected.
        if (last_.code == 235) return fail(phase::auth, error_kind::protocol, cause::unexpected_reply, &last_);
        return reply_failure(phase::auth);
    }
}

template <class Transport, class Tls, class Profile, class Clock>
bool basic_client<Transport, Tls, Profile, Clock>::cancel_auth(cause why) {
    fail(phase::auth, error_kind::protocol, why, &last_);
    (void)quietly(phase::auth, opt_.timeout.command, "*");
    return false;
}

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_AUTH_HPP
