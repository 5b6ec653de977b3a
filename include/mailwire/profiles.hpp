// SPDX-License-Identifier: BSL-1.0
// mailwire - compile-time port/encryption profiles.
#ifndef MAILWIRE_PROFILES_HPP
#define MAILWIRE_PROFILES_HPP

#include "config.hpp"

#include <cstdint>

namespace mailwire {
inline namespace MAILWIRE_ABI {

enum class encryption : std::uint8_t {
    none,          ///< plaintext only (trusted networks, local relays)
    opportunistic, ///< STARTTLS when offered, else plaintext (server-to-server relay, RFC 3207)
    starttls,      ///< STARTTLS required: no plaintext fallback, ever (RFC 3207, RFC 8314 §3.3)
    implicit,      ///< TLS from the first byte (RFC 8314 §3.3, port 465)
};

constexpr bool requires_tls(encryption e) noexcept { return e == encryption::starttls || e == encryption::implicit; }

const char* to_string(encryption e) noexcept;
inline const char* to_string(encryption e) noexcept {
    switch (e) {
    case encryption::none: return "none";
    case encryption::opportunistic: return "opportunistic";
    case encryption::starttls: return "starttls";
    case encryption::implicit: return "implicit";
    }
    return "?";
}

/// The encryption a port implies when none is chosen (profiles::runtime, mailwire-send and
/// mailwire-probe without --tls): 465 implicit TLS (RFC 8314 §3.3), 25 STARTTLS when offered (the
/// relay port, RFC 3207 §4), every other port STARTTLS required (587, RFC 6409 and RFC 8314 §3.3;
/// 2525 and the providers' other ports).
constexpr encryption encryption_for_port(std::uint16_t port) noexcept {
    return port == 465 ? encryption::implicit : port == 25 ? encryption::opportunistic : encryption::starttls;
}

/// A profile is a type with a default port and an encryption mode. Write your own for a provider's
/// fallback port: `using my_provider = mailwire::profile<8025, mailwire::encryption::starttls>;`
template <std::uint16_t Port, encryption Mode>
struct profile {
    static constexpr std::uint16_t port = Port;
    static constexpr encryption mode = Mode;
};

namespace profiles {
/// Port 25: server to server, STARTTLS when offered. Many ISPs and clouds block it for clients.
struct relay : profile<25, encryption::opportunistic> {};
/// Port 587: message submission (RFC 6409), STARTTLS required.
struct submission : profile<587, encryption::starttls> {};
/// Port 465: submission over implicit TLS (RFC 8314 §3.3 recommends it).
struct submissions : profile<465, encryption::implicit> {};
/// Port 2525: not IANA-assigned; providers offer it when 25 and 587 are blocked. STARTTLS required.
struct alternate : profile<2525, encryption::starttls> {};
/// For tools that choose port and encryption at run time (mailwire-send): the only profile whose
/// encryption options().override_encryption may change; without an override, the port implies it
/// (encryption_for_port: 587 STARTTLS required, 465 implicit TLS, 25 opportunistic). Compiles with
/// any TLS policy; asking for encryption without one is a run-time usage error instead. (`mode`
/// below only lets it compile with no_tls; the mode used is chosen at open().)
struct runtime : profile<587, encryption::none> {
    static constexpr bool chosen_at_run_time = true;
};
/// A custom port: `profiles::custom<8025, encryption::starttls>`.
template <std::uint16_t Port, encryption Mode>
using custom = profile<Port, Mode>;
} // namespace profiles

namespace detail {
template <class Profile, class = void>
struct chosen_at_run_time {
    static constexpr bool value = false;
};
template <class Profile>
struct chosen_at_run_time<Profile, decltype(void(Profile::chosen_at_run_time))> {
    static constexpr bool value = Profile::chosen_at_run_time;
};
} // namespace detail

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_PROFILES_HPP
