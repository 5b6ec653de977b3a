// SPDX-License-Identifier: BSL-1.0
// mailwire-send --report FILE: the outcome of a run as one JSON object, so that a script retries
// only the recipients the server refused (after a partial delivery, exit 3) instead of sending the
// message to everyone again.
//
//   {"status": 3, "delivered": true, "accepted": 2, "refused": 1,
//    "recipients": [{"address": "a@example.org", "accepted": true,
//                    "reply": {"code": 250, "enhanced": "2.1.5", "text": "OK"}}, ...],
//    "error": null | {"phase": "rcpt", "kind": "temporary", "cause": "...", "reply": {...},
//                     "retryable": true, "advice": "..."}}
//
// "delivered" is true when the server said 2xx to the end of the data (the message went to every
// accepted recipient); a recipient's "reply" is null when it was never asked about (the session
// ended before its RCPT). Strings are JSON-escaped (RFC 8259 §7); a server's reply text may hold
// any octet, so control characters become \u00XX and octets from 0x80 that are not UTF-8 become
// U+FFFD.
#ifndef MAILWIRE_SEND_REPORT_HPP
#define MAILWIRE_SEND_REPORT_HPP

#include "../common/cli.hpp"

#include <mailwire/mailwire.hpp>

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace mailwire_send {

using mailwire_cli::json_string;


inline std::string json_reply(const mailwire::reply& r) {
    if (r.code == 0) return "null";
    return "{\"code\": " + std::to_string(r.code) + ", \"enhanced\": " + json_string(r.enhanced_status()) +
           ", \"text\": " + json_string(r.message()) + "}";
}

inline std::string json_error(const mailwire::error& e) {
    if (e.ok()) return "null";
    return std::string("{\"phase\": ") + json_string(mailwire::to_string(e.where)) +
           ", \"kind\": " + json_string(mailwire::to_string(e.kind)) + ", \"cause\": " + json_string(mailwire::to_string(e.why)) +
           ", \"reply\": " + json_reply(e.server) + ", \"retryable\": " + (e.retryable() ? "true" : "false") +
           ", \"advice\": " + json_string(e.advice()) + "}";
}

/// The report's text. `err` is the failure that decided the status (ok() when none).
inline std::string report_json(int status, bool delivered, const std::vector<mailwire::recipient>& recipients,
                               const mailwire::error& err) {
    std::size_t accepted = 0, refused = 0;
    std::string list;
    for (const mailwire::recipient& r : recipients) {
        if (r.accepted()) ++accepted;
        else if (r.result.code != 0) ++refused;
        if (!list.empty()) list += ",\n    ";
        list += "{\"address\": " + json_string(r.address) + ", \"accepted\": " + (r.accepted() ? "true" : "false") +
                ", \"reply\": " + json_reply(r.result) + "}";
    }
    return "{\n  \"status\": " + std::to_string(status) + ",\n  \"delivered\": " + (delivered ? "true" : "false") +
           ",\n  \"accepted\": " + std::to_string(accepted) + ",\n  \"refused\": " + std::to_string(refused) +
           ",\n  \"recipients\": [" + (list.empty() ? "" : "\n    " + list + "\n  ") + "],\n  \"error\": " +
           json_error(err) + "\n}\n";
}

/// Writes the report to `path`; false (with errno) when the file cannot be written.
inline bool write_report(const std::string& path, const std::string& text) {
    std::FILE* f = std::fopen(path.c_str(), "w");
    if (f == nullptr) return false;
    const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    return std::fclose(f) == 0 && ok;
}

} // namespace mailwire_send

#endif // MAILWIRE_SEND_REPORT_HPP
