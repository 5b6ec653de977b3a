// SPDX-License-Identifier: BSL-1.0
// mailwire - an RFC 5322 / MIME message composer that streams: headers (RFC 2047 encoded-words,
// folding per RFC 5322 §2.2.3), text and HTML bodies, attachments and inline images pulled from
// memory, files or callbacks, in quoted-printable or base64 (RFC 2045) or 8bit (RFC 6152). The
// composed message is itself a source for client::send(): it is produced piece by piece into a
// small buffer, never whole in memory, and without the heap.
//
// Safe by construction: a CR, LF or NUL in any header name, value, address, display name, file
// name, content type or content ID is refused when it is set (cause::bad_header), so no header can
// be injected; display text that is not plain ASCII is encoded, never passed through.
//
//   mailwire::message m;
//   m.from("sensor@example.org", "Sensor 7");
//   m.to("ops@example.org");
//   m.subject("Temperatur über Grenzwert");
//   m.text("Log attached.\n");
//   m.attach(mailwire::content_source::callback(&read_flash, &flash), "log.csv", "text/csv");
//   mailwire::recipient storage[1];                             // To, Cc and Bcc: one here
//   mailwire::send_result r = mailwire::send_message(client, m, storage, 1); // after client.open()
#ifndef MAILWIRE_MESSAGE_HPP
#define MAILWIRE_MESSAGE_HPP

#include "config.hpp"

#include "composer.hpp"
#include "envelope.hpp"
#include "error.hpp"

#include <cstddef>

namespace mailwire {
inline namespace MAILWIRE_ABI {

/// The composer. Strings are not copied: every string_view and source given to it must outlive
/// the send. A setter that refuses its input returns the error and also keeps it: prepare() (and
/// so send_message) fails with the first one, so nothing is sent without what was refused.
/// Capacities are template arguments (no heap): addresses (To + Cc + Bcc + Reply-To), custom
/// headers, and attachments plus inline parts; the code is shared by all capacities.
template <std::size_t MaxAddresses = 16, std::size_t MaxHeaders = 8, std::size_t MaxAttachments = 8>
class basic_message : public detail::mime::composer {
    static_assert(MaxAttachments < 250, "mailwire: at most 249 attachments and inline parts");
    static_assert(MaxAddresses > 0, "mailwire: a message needs room for at least one recipient");

public:
    /// Seconds since 1970 (UTC) and the local offset in minutes, for the Date header. POSIX uses
    /// time() and UTC when none is set; without a clock (firmware with no RTC) the Date header is
    /// left out and the submission server adds it (RFC 6409 §8.3).
    using clock_fn = detail::mime::composer::clock_fn;
    /// Fills buf with random bytes (Message-ID). POSIX reads /dev/urandom when none is set;
    /// without one the Message-ID is left out and the submission server adds it (RFC 6409 §8.3).
    using random_fn = detail::mime::composer::random_fn;

    constexpr basic_message() noexcept = default;
    basic_message(const basic_message&) = delete;
    basic_message& operator=(const basic_message&) = delete;

    // ------------------------------------------------------------------ headers
    error from(text_ref address, text_ref display = {}) { return add(kind_from, address.view(), display.view()); }
    /// Sender: when From names someone else (RFC 5322 §3.6.2).
    error sender(text_ref address, text_ref display = {}) {
        return add(kind_sender, address.view(), display.view());
    }
    error to(text_ref address, text_ref display = {}) { return add(kind_to, address.view(), display.view()); }
    error cc(text_ref address, text_ref display = {}) { return add(kind_cc, address.view(), display.view()); }
    /// Bcc recipients go into the envelope only, never into a header.
    error bcc(text_ref address) { return add(kind_bcc, address.view(), {}); }
    error reply_to(text_ref address, text_ref display = {}) {
        return add(kind_reply_to, address.view(), display.view());
    }
    /// UTF-8; anything but plain ASCII becomes RFC 2047 encoded-words.
    error subject(text_ref subject_text) { return set_subject(subject_text.view()); }
    /// A header of your own. The name is checked (RFC 5322 §3.6.8); the value is unstructured
    /// text (encoded when not ASCII). Names the composer writes itself are refused.
    error header(text_ref name, text_ref value) { return add_header(name.view(), value.view(), headers_, MaxHeaders); }
    void set_clock(clock_fn fn, void* context = nullptr) noexcept {
        date_writer_ = &write_date;
        clock_ = fn;
        clock_ctx_ = context;
    }
    void set_random(random_fn fn, void* context = nullptr) noexcept {
        id_writer_ = &write_message_id;
        random_ = fn;
        random_ctx_ = context;
    }
    /// A fixed Date instead of the clock's.
    void date(std::int64_t unix_seconds, int utc_offset_minutes = 0) noexcept {
        date_writer_ = &write_date;
        fixed_date_ = true;
        date_secs_ = unix_seconds;
        date_offset_ = utc_offset_minutes;
    }

    // ------------------------------------------------------------------ bodies
    error text(text_ref body, text_encoding enc = text_encoding::automatic) {
        return text(content_source::from_memory(body.view()), enc);
    }
    error text(content_source src, text_encoding enc = text_encoding::automatic) {
        return set_body(false, src, enc);
    }
    error html(text_ref body, text_encoding enc = text_encoding::automatic) {
        return html(content_source::from_memory(body.view()), enc);
    }
    error html(content_source src, text_encoding enc = text_encoding::automatic) {
        rich_writer_ = &rich_step;
        return set_body(true, src, enc);
    }
    /// An attachment (multipart/mixed), base64-encoded as it streams. filename: UTF-8.
    error attach(content_source src, text_ref filename, text_ref content_type = "application/octet-stream") {
        return add_part(filename.view(), content_type.view(), {}, src, parts_store_, MaxAttachments);
    }
    /// An inline part for the HTML (multipart/related), referred to as "cid:<content_id>".
    error inline_part(content_source src, text_ref content_id, text_ref content_type, text_ref filename = {}) {
        rich_writer_ = &rich_step;
        if (!detail::mime::valid_content_id(content_id.view())) return result(cause::bad_header);
        return add_part(filename.view(), content_type.view(), content_id.view(), src, parts_store_, MaxAttachments);
    }

    // ------------------------------------------------------------------ for sending
    /// Chooses the encodings for a server with these extensions, computes the size where every
    /// part's size is known, and starts reading from the beginning. send_message() calls it.
    error prepare(bool eightbitmime, bool smtputf8) {
        return prepare_bound(eightbitmime, smtputf8);
    }

    /// The source interface: the next piece of the composed message. After the last piece, 0;
    /// when a part's source fails, -1 (the client then aborts without the final ".").
    std::ptrdiff_t read(char* buf, std::size_t cap) {
        return read_bound(buf, cap);
    }

    /// For send_message(): prepare(), the recipients checked against the storage, the envelope.
    bool prepare_envelope(const capabilities& caps, envelope& env, recipient* storage, std::size_t capacity,
                          error& err) {
        err = error{};
        return envelope_into(caps, env, storage, capacity, err);
    }

    /// The envelope's recipients: To, Cc and Bcc (not Reply-To), in that order.
    std::size_t recipient_count() const noexcept { return recipient_count_of(addresses_); }
    /// Fills the envelope for this message into `env`, with `storage` holding its recipients.
    void fill_envelope(envelope& env, recipient* storage, std::size_t capacity) const noexcept {
        fill_envelope_of(addresses_, env, storage, capacity);
    }

private:
    error add(std::uint8_t k, std::string_view address, std::string_view display) {
        return add_address(address, display, addresses_, MaxAddresses, k);
    }

    detail::mime::address_entry addresses_[MaxAddresses] = {};
    // A capacity of 0 (no custom headers, or no attachments) keeps one unused element: C++ has
    // no arrays of size 0. The setters are given the capacity, so they refuse with too_many.
    detail::mime::custom_header headers_[MaxHeaders != 0 ? MaxHeaders : 1] = {};
    detail::mime::part parts_store_[MaxAttachments != 0 ? MaxAttachments : 1] = {};
};

using message = basic_message<>;

/// Prepares the message for this server (8BITMIME, SMTPUTF8), fills the envelope from its
/// recipients (To, Cc, Bcc) and sends it. `storage` holds the envelope's recipients and, after
/// the call, each one's reply; it needs room for every recipient.
template <class Client, std::size_t A, std::size_t H, std::size_t P>
send_result send_message(Client& client, basic_message<A, H, P>& msg, recipient* storage, std::size_t capacity) {
    send_result res;
    envelope env;
    // One result object, returned either way (no copy of a failure into the return value).
    if (msg.envelope_into(client.server_capabilities(), env, storage, capacity, res.err)) res = client.send(env, msg);
    return res;
}

} // inline namespace MAILWIRE_ABI
} // namespace mailwire


#endif // MAILWIRE_MESSAGE_HPP
