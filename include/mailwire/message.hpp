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

#include "content_source.hpp"

#include "text.hpp"

#include "address.hpp"
#include "advice.hpp"
#include "base64.hpp"
#include "capabilities.hpp"
#include "envelope.hpp"
#include "error.hpp"
#include "limits.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#if defined(__unix__) || defined(__APPLE__)
#include <cerrno>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#define MAILWIRE_MESSAGE_POSIX 1
#endif

namespace mailwire {
inline namespace MAILWIRE_ABI {

/// How a text part is encoded. automatic: 7bit when it is ASCII with short lines, 8bit when it is
/// not ASCII and the server offers 8BITMIME, quoted-printable otherwise (and always for text that
/// is not in memory, whose lines cannot be checked in advance).
enum class text_encoding : std::uint8_t { automatic, quoted_printable, base64 };

namespace detail::mime {


/// The setters' one check of header text: longer than max, or a CR, LF or NUL in it.
constexpr bool bad_text(std::string_view s, std::size_t max) noexcept {
    if (s.size() > max) return true;
    for (char ch : s)
        if (ch == '\r' || ch == '\n' || ch == '\0') return true;
    return false;
}
/// Whether s contains c.
constexpr bool has(std::string_view s, char c) noexcept {
    for (char ch : s)
        if (ch == c) return true;
    return false;
}
/// RFC 2045 §5.1 token characters (for type and subtype).
constexpr bool is_token_char(unsigned char c) noexcept {
    if (c <= 32 || c >= 127) return false;
    for (const char* t = "()<>@,;:\\\"/[]?="; *t != '\0'; ++t)
        if (static_cast<unsigned char>(*t) == c) return false;
    return true;
}
constexpr bool valid_content_type(std::string_view t) noexcept {
    std::size_t slash = 0;
    while (slash < t.size() && t[slash] != '/') ++slash;
    if (slash == t.size() || slash == 0 || slash + 1 >= t.size() || t.size() > 127) return false;
    for (std::size_t i = 0; i < t.size(); ++i)
        if (i != slash && !is_token_char(static_cast<unsigned char>(t[i]))) return false;
    return true;
}
/// RFC 5322 §3.6.8 field name: printable ASCII except ":".
constexpr bool valid_field_name(std::string_view n) noexcept {
    if (n.empty() || n.size() > 76) return false;
    for (char ch : n) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c < 33 || c > 126 || c == ':') return false;
    }
    return true;
}
/// A Content-ID's inside: id-left "@" id-right, printable ASCII without "<", ">", spaces.
constexpr bool valid_content_id(std::string_view id) noexcept {
    if (id.empty() || id.size() > 250 || !has(id, '@')) return false;
    for (char ch : id) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c <= 32 || c >= 127 || c == '<' || c == '>' || c == '"' || c == '\\') return false;
    }
    return true;
}
/// What header text holds, in one pass (scan()): the flags below, and above them (from bit
/// 5) how many '"' and '\\' it has, which a quoted-string escapes (RFC 5322 §3.2.4).
enum scan_flag : unsigned {
    not_printable = 1,   ///< a character outside printable ASCII (32-126)
    not_phrase = 2,      ///< a character that is neither RFC 5322 §3.2.3 atext nor a space
    encoded_like = 4,    ///< "=?", which would read as the start of an RFC 2047 encoded-word
    double_space = 8,    ///< two spaces in a row (a fold could not keep them exactly)
    edge_space = 16,     ///< a space at the beginning or the end
};
constexpr unsigned specials_shift = 5;
constexpr unsigned scan(std::string_view s) noexcept {
    unsigned f = 0;
    char prev = 0;
    for (char ch : s) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c < 32 || c > 126) f |= not_printable;
        if (c != ' ' && !mailwire::detail::is_atext(c)) f |= not_phrase;
        if (prev == '=' && ch == '?') f |= encoded_like;
        if (prev == ' ' && ch == ' ') f |= double_space;
        if (ch == '"' || ch == '\\') f += 1u << specials_shift;
        prev = ch;
    }
    if (!s.empty() && (s.front() == ' ' || s.back() == ' ')) f |= edge_space;
    return f;
}
/// Length of the UTF-8 sequence starting with lead byte c (1 for anything that is not a lead).
constexpr std::size_t utf8_len(unsigned char c) noexcept {
    return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/// The fixed texts the composer writes (but those of Date and Message-ID, which are linked only
/// when used), each ended by a NUL: composer::put_text(t) writes the one numbered t, so that a
/// call passes one small number instead of an address and a length. An octet from 0x80 up ends
/// a text and names the text written after it (octet - 0x80), so that an ending several texts
/// share (": ", CRLF, "name") is stored once.
enum text_id : std::uint8_t {
    t_content_type,
    t_multipart,
    t_boundary_param,
    t_quote_crlf,
    t_text_plain,
    t_charset,
    t_cte,
    t_7bit,
    t_8bit,
    t_qp,
    t_base64,
    t_disposition,
    t_attachment,
    t_from,
    t_sender,
    t_to,
    t_cc,
    t_reply_to,
    t_subject,
    t_mime,
    t_ew_start,
    t_ew_end,
    t_eq_quote,
    t_rfc2231,
    t_soft_break,
    t_name,
    t_filename,
    t_colon,
    t_mw,
    t_dashes,
    t_crlf,
    t_mixed, // the last of texts: the multipart kinds (mp_*) follow it, as t_mixed + kind
    // In rich_texts, which only the HTML and inline-part setters make reachable (rich_texts_).
    t_related,
    t_alternative,
    t_text_html,
    t_content_id,
    t_gt_crlf,
    t_inline
};
// A reference to text t inside texts (an octal escape, so that no letter after it is read as
// part of a hex escape): "\231" t_name, "\233" t_colon, "\234" t_mw, "\236" t_crlf.
static_assert(t_name == 0231 - 0x80 && t_colon == 0233 - 0x80 && t_mw == 0234 - 0x80 && t_crlf == 0236 - 0x80 &&
                  t_related == t_mixed + 1 && t_alternative == t_mixed + 2,
              "mailwire: the references in texts; the multipart kinds' names in a row across both tables");
inline constexpr char texts[] =
    "Content-Type\233\0"
    "multipart/\0"
    "; boundary=\"\234\0"
    "\"\236\0"
    "text/plain\0"
    "; charset=utf-8\0"
    "\r\nContent-Transfer-Encoding\233\0"
    "7bit\0"
    "8bit\0"
    "quoted-printable\0"
    "base64\0"
    "Content-Disposition\233\0"
    "attachment\0"
    "From\233\0"
    "Sender\233\0"
    "To\233\0"
    "Cc\233\0"
    "Reply-To\233\0"
    "Subject\233\0"
    "MIME-Version: 1.0\236\0"
    "=?UTF-8?B?\0"
    "?=\0"
    "=\"\0"
    "*=UTF-8''\0"
    "=\236\0"
    "name\0"
    "file\231\0"
    ": \0"
    "=_mw_\0" // the boundaries but their level digit (RFC 2046 §5.1.1)
    "--\0"
    "\r\n\0"
    "mixed\0";
/// The texts only messages with HTML or inline parts use, from t_related on: linked only when
/// html() or inline_part() is (they set rich_texts_), as the code of those parts is.
inline constexpr char rich_texts[] =
    "related\0"
    "alternative\0"
    "text/html\0"
    "Content-ID: <\0"
    ">\236\0"
    "inline\0";

/// A body or part source as the composer keeps it: content_source without its member defaults,
/// so that a message object is all zeros before use (a static one lands in .bss and needs no
/// start-up code).
struct source_slot {
    std::ptrdiff_t (*fill)(void*, char*, std::size_t);
    void* context;
    std::int64_t size;
    std::string_view memory;
    bool (*rewind)(void*);
};
/// d = s, member by member (for the text, HTML and part setters; the compiler decides whether to share it).
inline void set_slot(source_slot& d, const content_source& s) noexcept {
    d.fill = s.fill;
    d.context = s.context;
    d.size = s.size;
    d.memory = s.memory;
    d.rewind = s.rewind;
}

struct address_entry {
    std::string_view address;
    std::string_view display;
    std::uint8_t k; ///< composer::kind
    bool utf8;
};
struct custom_header {
    std::string_view name;
    std::string_view value;
};
struct part {
    source_slot src;
    std::string_view filename;
    std::string_view type;
    std::string_view content_id; ///< inline parts
};

/// Everything of basic_message that does not depend on its capacities, so that messages of
/// different capacities share one copy of the code (the way ETL's containers derive from a
/// capacity-free base). The arrays stay in basic_message; the setters point the composer at them.
class composer {
public:
    using clock_fn = bool (*)(void* context, std::int64_t* unix_seconds, int* utc_offset_minutes);
    using random_fn = bool (*)(void* context, unsigned char* buf, std::size_t len);

    /// The message's size in octets as SIZE= counts it (RFC 1870 §4), 0 when some part's size is
    /// not known in advance (or MAILWIRE_MAIL_PARAMETERS is 0: nothing would declare it). Valid after prepare().
    std::uint64_t size() const noexcept { return size_; }
    /// Whether the composed content has 8-bit text (BODY=8BITMIME), after prepare().
    bool eight_bit() const noexcept { return eight_bit_; }
    bool needs_smtputf8() const noexcept { return needs_utf8_; }

protected:
    // In the order of the header stages (kind = stage - st_date), from 1: an entry of kind 0 was
    // never set.
    enum kind : std::uint8_t { kind_from = 1, kind_sender, kind_to, kind_cc, kind_reply_to, kind_bcc };
    enum cte : std::uint8_t { cte_7bit, cte_8bit, cte_qp, cte_base64 };
    /// What a part's headers describe: attachments and inline parts by index, the text, the
    /// HTML, and ref_multipart + L the multipart of level L.
    enum part_ref : std::uint8_t { ref_text = 250, ref_html = 251, ref_multipart = 252 };
    enum multipart_kind : std::uint8_t { mp_mixed, mp_related, mp_alternative };
    // The message is a list of steps (stage_, index_): each step writes one header, or one
    // mailbox of an address list, or one piece of the body's structure into out_ (a part's
    // boundary and headers, after which its content follows in content steps).
    enum stage : std::uint8_t {
        st_date,
        st_from,
        st_sender,
        st_to,
        st_cc,
        st_reply_to,
        st_subject,
        st_message_id,
        st_custom,
        st_mime,
        st_blank,
        st_sub,        ///< the nested multiparts' starts (index_: level)
        st_text,       ///< the text part (also the empty one a message of attachments has)
        st_html,       ///< the HTML part
        st_alt_close,  ///< the end of multipart/alternative
        st_inline,     ///< the inline parts (index_: part), then the end of multipart/related
        st_attach,     ///< the attachments (index_: part), then the end of multipart/mixed
        st_end,
        st_done,
    };

    constexpr composer() noexcept = default;

    /// The error for cause c (none: success).
    static error usage(cause c) noexcept {
        error e = error();
        set_usage(e, c);
        return e;
    }
    /// e (a default error) made the error for cause c.
    static void set_usage(error& e, cause c) noexcept {
        if (c != cause::none) {
            e.kind = error_kind::usage;
            e.why = c;
            e.advice_text = advise(e, advice_context{});
        }
    }
    /// A setter's result. The first refusal is also kept, and prepare() returns it: a caller who
    /// ignores a setter's result still cannot send a message that lost a recipient or a header.
    error result(cause c) noexcept {
        if (first_refusal_ == cause::none) first_refusal_ = c;
        return usage(c);
    }

    /// From (k == kind_from), Sender (kind_sender), or a To, Cc, Bcc or Reply-To into list.
    error add_address(std::string_view address, std::string_view display,
                                                address_entry* list, std::size_t cap, std::uint8_t k) {
        addr_ = list;
        return result(address_cause(list, cap, k, address, display));
    }
    cause address_cause(address_entry* list, std::size_t cap, std::uint8_t k, std::string_view address,
                        std::string_view display) noexcept {
        const address_check check = check_mailbox(address);
        if (check != address_check::ok && check != address_check::ok_needs_utf8) return cause::bad_address;
        if (bad_text(display, 400)) return cause::bad_header;
        address_entry* e = k <= kind_sender ? &own_[k - kind_from] : nullptr;
        if (e == nullptr) {
            if (address_count_ == cap) return cause::too_many;
            e = &list[address_count_++];
        }
        // Written in place, field by field (no temporary entry to copy).
        e->address = address;
        e->display = display;
        e->k = k;
        e->utf8 = check == address_check::ok_needs_utf8;
        return cause::none;
    }
    error add_header(std::string_view name, std::string_view value, custom_header* list,
                                               std::size_t cap) {
        hdr_ = list;
        hooks_[hook_custom] = &custom_step;
        return result(header_cause(list, cap, name, value));
    }
    cause header_cause(custom_header* list, std::size_t cap, std::string_view name, std::string_view value) noexcept {
        if (!valid_field_name(name) || bad_text(value, max_header_text)) return cause::bad_header;
        // The names the composer writes itself.
        static constexpr char own[] = "from\0sender\0to\0cc\0bcc\0reply-to\0subject\0date\0message-id\0"
                                      "mime-version\0content-type\0content-transfer-encoding\0";
        for (const char* p = own; *p != '\0';) {
            std::size_t n = 0;
            while (p[n] != '\0') ++n;
            if (mailwire::detail::iequals(name, std::string_view(p, n))) return cause::bad_header;
            p += n + 1;
        }
        if (header_count_ == cap) return cause::too_many;
        list[header_count_++] = custom_header{name, value};
        return cause::none;
    }
    error add_part(std::string_view filename, std::string_view type, std::string_view cid,
                                             const content_source& src, part* list, std::size_t cap) {
        parts_ = list;
        return result(part_cause(list, cap, src, filename, type, cid));
    }
    cause part_cause(part* list, std::size_t cap, const content_source& src, std::string_view filename,
                     std::string_view type, std::string_view cid) noexcept {
        if (!valid_content_type(type) || bad_text(filename, max_file_name)) return cause::bad_header;
        if (part_count_ == cap) return cause::too_many;
        part& p = list[part_count_++];
        set_slot(p.src, src);
        p.filename = filename;
        p.type = type;
        p.content_id = cid;
        return cause::none;
    }
    error set_subject(std::string_view text) {
        if (bad_text(text, max_header_text)) return result(cause::bad_header);
        subject_ = text;
        return result(cause::none);
    }
    error set_body(bool html, const content_source& src, text_encoding enc) noexcept {
        set_slot(body_[html], src);
        has_body_[html] = true;
        body_enc_[html] = enc;
        return result(cause::none);
    }

    std::size_t recipient_count_of(const address_entry* list) const noexcept {
        std::size_t n = 0;
        for (std::size_t i = 0; i < address_count_; ++i)
            if (list[i].k != kind_reply_to) ++n;
        return n;
    }
    void fill_envelope_of(const address_entry* list, envelope& env, recipient* storage,
                          std::size_t capacity) const noexcept {
        std::size_t n = 0;
        for (std::size_t i = 0; i < address_count_ && n < capacity; ++i)
            if (list[i].k != kind_reply_to) {
                storage[n].address = list[i].address;
                storage[n++].result = reply{};
            }
        env.sender = own_[0].address;
        env.recipients = storage;
        env.recipient_count = n;
        env.size = size_;
        env.eight_bit = eight_bit_;
    }

    // ------------------------------------------------------------------ prepare
    error prepare_bound(bool eightbitmime, bool smtputf8) {
        return usage(prepare_cause(eightbitmime, smtputf8));
    }
public:
    /// send_message()'s part: prepare() for this server, the recipients checked against the
    /// storage, and the envelope. False with err (a default error on entry) set, at
    /// phase::mail, when it cannot be sent.
    bool envelope_into(const capabilities& caps, envelope& env, recipient* storage,
                                                 std::size_t capacity, error& err) {
        set_usage(err, prepare_cause(caps.eightbitmime, caps.smtputf8));
        if (err.ok() && recipient_count_of(addr_) > capacity) {
            err.kind = error_kind::usage;
            err.why = cause::too_many;
        }
        if (!err.ok()) {
            err.where = phase::mail;
            return false;
        }
        fill_envelope_of(addr_, env, storage, capacity);
        return true;
    }

protected:
    cause prepare_cause(bool eightbitmime, bool smtputf8) {
        if (first_refusal_ != cause::none) return first_refusal_;
        if (own_[0].address.empty()) return cause::bad_address;
        // The recipients (To, Cc, Bcc) counted, and whether any address needs SMTPUTF8, in one pass.
        bool recipients = false, utf8 = own_[0].utf8 || own_[1].utf8;
        for (std::size_t i = 0; i < address_count_; ++i) {
            recipients = recipients || addr_[i].k != kind_reply_to;
            utf8 = utf8 || addr_[i].utf8;
        }
        if (!recipients) return cause::bad_argument;
        needs_utf8_ = utf8;
        if (utf8 && !smtputf8) return cause::utf8_not_supported;
        eight_bit_ = false;
        for (int i = 0; i < 2; ++i)
            if (has_body_[i]) body_cte_[i] = choose(body_[i], body_enc_[i], eightbitmime);
        if (!has_body_[0] && !has_body_[1] && part_count_ == 0) {
            // An empty text/plain body, so that the structure is valid: body_[0] is still all
            // zeros (empty memory) and body_cte_[0] 7bit, as text() was never called.
            has_body_[0] = true;
        }
        plan();
        // The size: produce everything once without reading sources that are not in memory
        // (so no step fails), counting each step's output where read() would copy it from. Only
        // SIZE= uses it: without MAIL parameters (config.hpp) it stays 0, unknown.
        if (MAILWIRE_MAIL_PARAMETERS) {
            size_known_ = true;
            start(true);
            std::uint64_t n = 0;
            for (int more = 1; more > 0;) {
                out_len_ = 0;
                more = step();
                n += out_len_;
            }
            // The composed message always ends with CRLF (every part's content ends with a line
            // end, the last boundary is followed by one), so the client adds none and the count
            // is exact. dry_extra_ holds the parts that were computed, not read.
            size_ = size_known_ ? n + dry_extra_ : 0;
        }
        // Sources that can go back to their beginning do, so a message can be sent again.
        for (std::size_t i = 0; i < part_count_ + 2; ++i) {
            const source_slot& src = i < 2 ? body_[i] : parts_[i - 2].src;
            if (src.rewind != nullptr && !src.rewind(src.context)) return cause::source_failed;
        }
        start(false);
        return cause::none;
    }

    /// The transfer encoding of a text part. Text not in memory cannot be checked in advance, so
    /// it is quoted-printable (or base64, if asked).
    cte choose(const source_slot& src, text_encoding want, bool eightbitmime) noexcept {
        if (want == text_encoding::base64) return cte_base64;
        if (want == text_encoding::quoted_printable || src.fill != nullptr) return cte_qp;
        bool high = false;
        std::size_t line = 0;
        // How much of "--=_mw_" the text ends with: text that contains one of our boundaries
        // could end a part early, so it is encoded (QP turns "=" into "=3D").
        std::size_t seen = 0;
        for (char ch : src.memory) {
            const unsigned char c = static_cast<unsigned char>(ch);
            if (c == '\r' || c == '\n') {
                line = 0;
                seen = 0;
                continue;
            }
            // RFC 5322 §2.1.1: at most 998 octets per line.
            if (c == 0 || ++line > 998) return cte_qp;
            if (c >= 0x80) high = true;
            // On a mismatch only a "-" can start (or, after "--", continue) a new match.
            seen = c == static_cast<unsigned char>("--=_mw_"[seen]) ? seen + 1 : c != '-' ? 0 : seen == 2 ? 2 : 1;
            if (seen == 7) return cte_qp;
        }
        if (!high) return cte_7bit;
        if (eightbitmime) {
            eight_bit_ = true;
            return cte_8bit;
        }
        return cte_qp;
    }

    /// The body's structure. The multiparts nest in one line (RFC 2046 §5.1): mixed for
    /// attachments, inside it related for inline parts, inside that alternative for text and
    /// HTML; level L's boundary is "=_mw_L", and each multipart but the outermost starts in the
    /// first part of the one around it (st_sub). A single part's headers are the message's.
    /// Without HTML and inline parts (no rich_step), the text and the attachments: one level.
    /// Then every hook is called with st_done, in the order of hooks_: the Date and Message-ID
    /// writers (on POSIX, the system's clock and /dev/urandom when none was set) fetch their
    /// values and say whether their header is written (have_), rich_step plans.
    // (Apart from prepare_cause, though its only caller: measured smaller so.)
    void plan() {
        // (kinds_[0] is mp_mixed and inline_parts_ false unless rich_step set them.)
        attachments_ = part_count_ != 0;
        levels_ = attachments_ ? 1 : 0;
        single_ref_ = levels_ != 0 ? 0 : ref_text;
#if defined(MAILWIRE_MESSAGE_POSIX)
        if (hooks_[hook_date] == nullptr) hooks_[hook_date] = &write_date;
        if (hooks_[hook_id] == nullptr) hooks_[hook_id] = &write_message_id;
#endif
        for (int i = 0; i < hook_count; ++i) have_[i] = hooks_[i] != nullptr && hooks_[i](*this, st_done) != 0;
    }

    // The stages that only some messages have are written by hooks, which the setters set
    // (hooks_): a firmware image that uses none of them has none of their code. A hook is
    // called with st_done by prepare(), then for its stages: 1 when the stage has more to write.
    using stage_fn = int (*)(composer&, stage);
    enum hook : std::uint8_t { hook_date, hook_id, hook_custom, hook_rich, hook_count };
    /// The hook of stage s (one of st_date, st_message_id, st_custom, st_html, st_alt_close,
    /// st_inline).
    static constexpr unsigned hook_of(stage s) noexcept {
        return s == st_date ? hook_date : s > st_custom ? hook_rich : s - st_message_id + hook_id;
    }
    // HTML and inline parts are handled by rich_step, which html() and inline_part() set: at
    // st_done it plans, then writes st_html, st_alt_close and st_inline.
    static int rich_step(composer& c, stage s) {
        const std::uint8_t inner = c.levels_ != 0 ? static_cast<std::uint8_t>(c.levels_ - 1) : 0;
        switch (s) {
        case st_done:
            c.inline_parts_ = c.attachments_ = false;
            for (std::size_t i = 0; i < c.part_count_; ++i)
                (c.parts_[i].content_id.empty() ? c.attachments_ : c.inline_parts_) = true;
            c.levels_ = 0;
            if (c.attachments_) c.kinds_[c.levels_++] = mp_mixed;
            if (c.inline_parts_) c.kinds_[c.levels_++] = mp_related;
            if (c.has_body_[0] && c.has_body_[1]) c.kinds_[c.levels_++] = mp_alternative;
            c.single_ref_ = c.levels_ != 0 ? 0 : c.has_body_[1] ? ref_html : ref_text;
            return 0;
        case st_html:
            if (c.has_body_[1]) c.begin_part(inner, ref_html);
            return 0;
        case st_alt_close:
            if (c.has_body_[0] && c.has_body_[1]) c.boundary(inner, true);
            return 0;
        default: return c.parts_step(true);
        }
    }

    // ------------------------------------------------------------------ production
    void start(bool dry) {
        dry_ = dry;
        dry_extra_ = 0;
        stage_ = st_date;
        index_ = 0;
        sub_ = 0;
        opened_ = false;
        in_content_ = false;
        out_len_ = out_pos_ = 0;
        col_ = 0;
    }

    std::ptrdiff_t read_bound(char* buf, std::size_t cap) {
        std::size_t n = 0;
        while (n < cap) {
            if (out_pos_ < out_len_) {
                // Octet by octet, as the client then takes them (no call of memcpy).
                buf[n++] = out_[out_pos_++];
                continue;
            }
            out_pos_ = out_len_ = 0;
            const int r = step();
            if (r < 0) return n > 0 ? static_cast<std::ptrdiff_t>(n) : -1;
            if (r == 0 && out_len_ == 0) break;
        }
        return static_cast<std::ptrdiff_t>(n);
    }

    // -- output: out_ holds what read() hands out next; col_ is the column (for folding)
    void put(const char* s, std::size_t n) noexcept {
        for (std::size_t i = 0; i < n; ++i) put1(s[i]);
    }
    void put(std::string_view s) noexcept { put(s.data(), s.size()); }
    template <std::size_t N>
    void put(const char (&literal)[N]) noexcept {
        put(literal, N - 1);
    }
    void put1(char c) noexcept {
        MAILWIRE_ASSERT(out_len_ < sizeof(out_)); // sized for the longest step, below
        if (out_len_ < sizeof(out_)) out_[out_len_++] = c;
        col_ = c == '\n' ? 0 : col_ + 1;
    }
    void crlf() noexcept { put_text(t_crlf); }
    /// texts' piece number t.
    void put_text(unsigned t) noexcept {
        for (;;) {
            const char* p = texts;
            if (t >= t_related) {
                p = rich_texts_;
                t -= t_related;
            }
            for (; t != 0; --t)
                while (*p++ != '\0') {
                }
            unsigned char c;
            while ((c = static_cast<unsigned char>(*p++)) != 0 && c < 0x80) put1(static_cast<char>(c));
            if (c == 0) return;
            t = c - 0x80u; // a reference ends a text: the rest is the text it names
        }
    }
    std::size_t room() const noexcept { return sizeof(out_) - out_len_; }
    /// Two hex digits; lower = 0x20 makes the letters lower case.
    void put_hex(unsigned c, char lower = 0) noexcept {
        // ('0' to '9' have the 0x20 bit already.)
        for (unsigned d : {(c >> 4) & 15, c & 15})
            put1(static_cast<char>((d < 10 ? '0' + d : 'A' - 10 + d) | static_cast<unsigned>(lower)));
    }
    /// v in decimal, at least `width` digits.
    void put_num(std::int32_t v, int width) noexcept {
        char tmp[12];
        int k = 0;
        do {
            tmp[k++] = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v > 0 && k < 11);
        while (k < width) tmp[k++] = '0';
        while (k > 0) put1(tmp[--k]);
    }
    /// base64 (RFC 4648 §4) of n (1 to 3) octets: four characters.
    void put_b64(const unsigned char* p, std::size_t n) noexcept {
        (void)base64_quad(p, n, [this](char c) {
            put1(c);
            return true;
        });
    }

    /// Before a word of len octets of a header: the space before it (unless it is the first),
    /// after a fold when the line would pass 78 octets with it (RFC 5322 §2.2.3: the fold is a
    /// CRLF before white space), but not at a line's start, where a fold would not help.
    void word(bool space_before, std::size_t len) noexcept {
        if (!space_before) return;
        if (col_ > 1 && col_ + 1 + len > 78) crlf();
        put1(' ');
    }

    /// Header text, in one pass for both kinds (one scan, one choice among the three forms):
    /// unstructured text (display false: Subject, custom values) is words as they are when it is
    /// printable ASCII without "=?" and no word is too long to fold, else RFC 2047 encoded-words;
    /// a display name (true) is atoms, a quoted string, or encoded-words when it is not ASCII.
    void put_words(std::string_view text, bool display) {
        const unsigned f = scan(text);
        // Plain only when folding can keep it exact: single spaces between words, none at either
        // end (a fold turns one space into CRLF SP, and no folded line may be only white space,
        // RFC 5322 §3.2.2). A display name must also be all atoms (atext, RFC 5322 §3.2.3); a
        // non-ASCII character is neither.
        bool plain = (f & ((display ? not_phrase : not_printable) | encoded_like | double_space | edge_space)) == 0;
        if (display) {
            plain = plain && text.size() <= 70;
        } else {
            // Every word must fit a line: the first after "Name: ", the others after a fold.
            std::size_t run = 0, before = col_;
            for (std::size_t i = 0; plain && i < text.size(); ++i) {
                if (text[i] == ' ') {
                    run = 0;
                    before = 1;
                    continue;
                }
                if (before + ++run > 78) plain = false;
            }
        }
        if (plain) {
            put_phrase_words(text);
            return;
        }
        if (display && (f & (not_printable | encoded_like)) == 0 && 2 + text.size() + (f >> specials_shift) <= 72) {
            // The length as a quoted-string (RFC 5322 §3.2.4): it cannot be folded inside, so a
            // longer one is written as encoded-words instead.
            put1('"');
            for (char c : text) {
                if (c == '"' || c == '\\') put1('\\');
                put1(c);
            }
            put1('"');
            return;
        }
        // RFC 2047 §4.1 "B" encoded-words of UTF-8, each at most 75 octets and whole characters
        // (§5), one per folded line after the first.
        // "=?UTF-8?B?" + 4*ceil(n/3) + "?=" <= 75  ->  at most 45 octets of text per word; fewer
        // when that fits the rest of the current line (78), so the first word does not overflow it.
        std::size_t i = 0;
        bool first = true;
        do {
            const std::size_t used = col_ + (first ? 0 : 1) + 12;
            std::size_t max = used < 78 ? (78 - used) / 4 * 3 : 0;
            if (max < 6) {
                if (!first || col_ > 20) {
                    crlf(); // a fresh line has room for a whole word
                    put1(' ');
                    first = true;
                }
                max = 45;
            }
            if (max > 45) max = 45;
            std::size_t n = 0;
            while (i + n < text.size()) {
                const std::size_t len = utf8_len(static_cast<unsigned char>(text[i + n]));
                if (n + len > max) break;
                n += len;
            }
            // (n is not 0 while text is left: max is at least 6, a sequence at most 4 octets.)
            // A truncated sequence at the end counts whole here: only what is there is encoded.
            const std::size_t m = i + n <= text.size() ? n : text.size() - i;
            // (The word fits the line: max was chosen so, or the line is fresh.)
            if (!first) put1(' ');
            put_text(t_ew_start);
            for (std::size_t k = 0; k < m; k += 3)
                put_b64(reinterpret_cast<const unsigned char*>(text.data()) + i + k, m - k < 3 ? m - k : 3);
            put_text(t_ew_end);
            first = false;
            i += n;
        } while (i < text.size());
    }
    /// Words separated by single spaces, each a foldable word.
    void put_phrase_words(std::string_view text) {
        const char* p = text.data();
        const char* const end = p + text.size();
        // (The text has single spaces between words and none at either end: put_words checked.)
        for (bool first = true; p != end; first = false) {
            const char* const w = p;
            while (p != end && *p != ' ') ++p;
            const std::size_t n = static_cast<std::size_t>(p - w);
            word(!first, n);
            put(w, n);
            if (p != end) ++p; // the space
        }
    }

    void put_mailbox(const address_entry& m, bool first_in_list) {
        if (!first_in_list) put1(',');
        const bool named = !m.display.empty();
        if (named) {
            if (!first_in_list) {
                if (col_ + 2 > 60) crlf();
                put1(' ');
            }
            put_words(m.display, true); // (not empty)
        }
        // After a display name, the address in angle brackets.
        word(named || !first_in_list, m.address.size() + (named ? 2 : 0));
        if (named) put1('<');
        put(m.address);
        if (named) put1('>');
    }

    /// A MIME parameter (RFC 2045 §5.1; RFC 2231 §4 for values that are not plain ASCII).
    /// "name" (file false) or "filename" (true); nothing when value is empty.
    void put_param(bool file, std::string_view value) {
        if (value.empty()) return;
        put1(';');
        const unsigned f = scan(value);
        const bool simple = (f & not_printable) == 0 && (f >> specials_shift) == 0;
        // Written once to learn its length; written again after a fold when the line would pass
        // 78 octets with it (as word() decides for the other words).
        const std::size_t at = out_len_, col = col_;
        for (bool again = false;; again = true) {
            put1(' ');
            put_text(file ? t_filename : t_name);
            if (simple) {
                put_text(t_eq_quote);
                put(value);
                put1('"');
            } else {
                put_text(t_rfc2231);
                for (char ch : value) {
                    const unsigned char c = static_cast<unsigned char>(ch);
                    const bool keep = mailwire::detail::is_let_dig(c) || c == '.' || c == '-' || c == '_';
                    put1(keep ? ch : '%');
                    if (!keep) put_hex(c);
                }
            }
            if (again || col <= 1 || col + (out_len_ - at) <= 78) return;
            out_len_ = at;
            col_ = col;
            crlf();
        }
    }

    /// The Content-Type of ref (RFC 2045 §5.1, RFC 2046 §5.1.1 for the boundary) and, but for a
    /// multipart, its Content-Transfer-Encoding; an attachment's or inline part's Content-ID and
    /// Content-Disposition (RFC 2183) after them.
    void put_content_headers(std::uint8_t ref) {
        put_text(t_content_type);
        if (ref >= ref_multipart) {
            const std::uint8_t level = static_cast<std::uint8_t>(ref - ref_multipart);
            const std::uint8_t k = kinds_[level];
            put_text(t_multipart);
            put_text(unsigned{t_mixed} + k); // mixed, then related and alternative in rich_texts
            put_text(t_boundary_param);
            // The boundary of this level (RFC 2046 §5.1.1; "=_" cannot occur in quoted-printable
            // or base64 text, and text chosen as 7bit/8bit never contains "--=_mw_").
            put1(static_cast<char>('0' + level)); // after t_boundary_param's "=_mw_"
            put_text(t_quote_crlf);
            return;
        }
        const part* p = nullptr;
        cte c = cte_base64;
        if (ref >= ref_text) {
            put_text(ref == ref_text ? t_text_plain : t_text_html);
            put_text(t_charset);
            c = body_cte_[ref - ref_text];
        } else {
            p = &parts_[ref];
            put(p->type);
            put_param(false, p->filename);
        }
        put_text(t_cte);
        put_text(unsigned{t_7bit} + unsigned{c}); // the encodings' names in cte order
        crlf();
        if (p == nullptr) return;
        if (!p->content_id.empty()) {
            put_text(t_content_id);
            put(p->content_id);
            put_text(t_gt_crlf);
        }
        put_text(t_disposition);
        put_text(p->content_id.empty() ? t_attachment : t_inline);
        put_param(true, p->filename);
        crlf();
    }

    // The Date and Message-ID headers are written through pointers that date(), set_clock(),
    // set_random() (and on POSIX, prepare()) set: a firmware image that sets none of them (no
    // clock, no random source; the submission server adds both, RFC 6409 §8.3) has none of
    // their code.
    // Each is called twice: by prepare() (st_done) for whether the header is written, its
    // value fetched (1: written), then by the production to write it if so.
    static int write_date(composer& c, stage s) {
        if (s == st_done) {
            if (c.fixed_date_) return true;
            c.date_secs_ = 0;
            c.date_offset_ = 0;
            if (c.clock_ != nullptr) return c.clock_(c.clock_ctx_, &c.date_secs_, &c.date_offset_);
#if defined(MAILWIRE_MESSAGE_POSIX)
            c.date_secs_ = static_cast<std::int64_t>(::time(nullptr));
            return c.date_secs_ > 0;
#else
            return false;
#endif
        }
        if (!c.have_[hook_date]) return 0;
        c.put("Date: ");
        c.put_date();
        c.crlf();
        return 0;
    }
    static int write_message_id(composer& c, stage s) {
        if (s == st_done) {
            if (c.random_ != nullptr) return c.random_(c.random_ctx_, c.id_, sizeof(c.id_));
#if defined(MAILWIRE_MESSAGE_POSIX)
            int fd;
            do {
                fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
            } while (fd < 0 && errno == EINTR);
            if (fd < 0) return false;
            const bool got = ::read(fd, c.id_, sizeof(c.id_)) == static_cast<ssize_t>(sizeof(c.id_));
            ::close(fd);
            return got;
#else
            return false;
#endif
        }
        if (!c.have_[hook_id]) return 0;
        c.put("Message-ID: <");
        for (unsigned char b : c.id_) c.put_hex(b, 0x20);
        c.put(".mailwire@");
        const std::string_view addr = c.own_[0].address;
        std::size_t at = addr.size();
        while (at > 0 && addr[at - 1] != '@') --at;
        c.put(addr.data() + at, addr.size() - at);
        c.put(">\r\n");
        return 0;
    }

    /// RFC 5322 §3.3: "Mon, 23 Nov 2026 05:36:19 +0100".
    void put_date() {
        // Clamped to the years 0000-9999 (RFC 5322 §3.3 writes four digits), so every step after
        // the first shift fits in 32 bits: a 64-bit division would pull the runtime's
        // __aeabi_ldivmod and __udivmoddi4 (about 900 bytes on a Cortex-M) into firmware.
        constexpr std::int64_t min_local = -62167219200; // 0000-01-01 00:00:00
        constexpr std::int64_t max_local = 253402300799; // 9999-12-31 23:59:59
        std::int64_t local = date_secs_ + static_cast<std::int64_t>(date_offset_) * 60;
        if (local < min_local) local = min_local;
        if (local > max_local) local = max_local;
        // Seconds since 0000-01-01 (below 2^39): a day is 128 * 675 seconds, and the seconds
        // over 128 fit 32 bits.
        const std::uint64_t since = static_cast<std::uint64_t>(local - min_local);
        const std::uint32_t q = static_cast<std::uint32_t>(since >> 7);
        const std::int32_t rem = static_cast<std::int32_t>(q % 675 * 128 + static_cast<std::uint32_t>(since & 127));
        // Days since 0000-01-01 of the proleptic Gregorian calendar (1970-01-01, day 719528, was a
        // Thursday), then whole 400-year cycles, years and months off it.
        std::uint32_t left = q / 675;
        put(&"SatSunMonTueWedThuFri"[static_cast<std::size_t>(left % 7) * 3], 3);
        std::uint32_t y = left / 146097 * 400, m = 0;
        left %= 146097;
        auto leap = [&y] { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); };
        for (;;) {
            const std::uint32_t n = leap() ? 366 : 365;
            if (left < n) break;
            left -= n;
            ++y;
        }
        static constexpr unsigned char month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        for (;;) {
            const std::uint32_t n = month_days[m] + (m == 1 && leap() ? 1u : 0u);
            if (left < n) break;
            left -= n;
            ++m;
        }
        const std::int32_t d = static_cast<std::int32_t>(left) + 1;
        put(", ");
        put_num(d, 2);
        put1(' ');
        put(&"JanFebMarAprMayJunJulAugSepOctNovDec"[static_cast<std::size_t>(m) * 3], 3);
        put1(' ');
        put_num(static_cast<std::int32_t>(y), 4);
        put1(' ');
        put_num(rem / 3600, 2);
        put1(':');
        put_num(rem / 60 % 60, 2);
        put1(':');
        put_num(rem % 60, 2);
        put1(' ');
        put1(date_offset_ < 0 ? '-' : '+');
        const int off = date_offset_ < 0 ? -date_offset_ : date_offset_;
        put_num(off / 60, 2);
        put_num(off % 60, 2);
    }

    /// One step: fills out_ with the next piece. 1: more to come, 0: finished, -1: a source failed.
    int step() {
        if (in_content_) return content_step();
        switch (stage_) {
        case st_date:
        case st_message_id:
        case st_custom:
        case st_html:
        case st_alt_close:
        case st_inline: {
            const stage_fn h = hooks_[hook_of(stage_)];
            if (h != nullptr && h(*this, stage_) != 0) return 1;
            break;
        }
        case st_from:
        case st_sender:
        case st_to:
        case st_cc:
        case st_reply_to: {
            // One mailbox per step, so a long list never overflows out_. From and Sender are
            // lists of one, whose entry has its kind only once set (all zeros before).
            const unsigned at = stage_ - st_from;
            const address_entry* list = addr_;
            std::size_t count = address_count_;
            static_assert(+st_from == +kind_from && +st_sender == +kind_sender && +st_to == +kind_to &&
                              +st_cc == +kind_cc && +st_reply_to == +kind_reply_to,
                          "mailwire: a stage lists the addresses of its kind");
            const std::uint8_t k = stage_; // the kind each lists
            if (stage_ < st_to) {
                list = &own_[at];
                count = 1;
            }
            while (index_ < count && list[index_].k != k) ++index_;
            if (index_ < count) {
                if (sub_ == 0) put_text(t_from + at);
                put_mailbox(list[index_], sub_ == 0);
                sub_ = 1;
                ++index_;
                return 1;
            }
            if (sub_ != 0) crlf();
            index_ = 0;
            sub_ = 0;
            break;
        }
        case st_subject:
            if (!subject_.empty()) {
                put_text(t_subject);
                put_words(subject_, false);
                crlf();
            }
            break;
        case st_mime:
            put_text(t_mime);
            put_content_headers(single_ref_ != 0 ? single_ref_ : std::uint8_t{ref_multipart});
            break;
        case st_blank: crlf(); break;
        case st_sub:
            if (index_ + 1 < levels_) {
                // A nested multipart starts as the first part of the one around it.
                part_head(static_cast<std::uint8_t>(index_), static_cast<std::uint8_t>(ref_multipart + index_ + 1));
                ++index_;
                return 1;
            }
            index_ = 0;
            break;
        // Without HTML there is a text part, empty when none was given (a message of attachments).
        case st_text:
            // In the innermost multipart, with the HTML part.
            if (has_body_[0] || !has_body_[1]) begin_part(levels_ != 0 ? static_cast<std::uint8_t>(levels_ - 1) : 0, ref_text);
            break;
        case st_attach:
            if (parts_step(false) != 0) return 1;
            break;
        case st_end:
            if (single_ref_ == 0) crlf();
            break;
        default: return 0;
        }
        stage_ = static_cast<stage>(stage_ + 1);
        return 1;
    }

    /// The inline parts or the attachments, one per step (1), then the end of their multipart
    /// (0). The inline parts are in related, level 1 when there are attachments (mixed).
    int parts_step(bool want_inline) {
        if (!(want_inline ? inline_parts_ : attachments_)) return 0;
        while (index_ < part_count_ && parts_[index_].content_id.empty() == want_inline) ++index_;
        const std::uint8_t level = want_inline && attachments_ ? 1 : 0;
        if (index_ < part_count_) {
            begin_part(level, static_cast<std::uint8_t>(index_++));
            return 1;
        }
        boundary(level, true);
        index_ = 0;
        return 0;
    }

    /// The custom headers, one per step, set by header() (st_custom).
    static int custom_step(composer& c, stage s) {
        if (s != st_done && c.index_ < c.header_count_) {
            const custom_header& h = c.hdr_[c.index_++];
            c.put(h.name);
            c.put_text(t_colon);
            c.put_words(h.value, false);
            c.crlf();
            return 1;
        }
        c.index_ = 0;
        return 0;
    }

    /// A boundary line (RFC 2046 §5.1.1): the CRLF before "--boundary" belongs to it, and the
    /// first boundary of the body has nothing before it to end; the close of a multipart, its
    /// last boundary, ends with "--".
    void boundary(std::uint8_t level, bool close = false) {
        if (opened_ || close) crlf();
        opened_ = true;
        put_text(t_dashes);
        put_text(t_mw);
        put1(static_cast<char>('0' + level));
        if (close) {
            put_text(t_dashes);
        } else {
            crlf();
        }
    }
    /// A part's boundary and headers (in a multipart), then its content.
    void begin_part(std::uint8_t level, std::uint8_t ref) {
        if (single_ref_ == 0) part_head(level, ref);
        begin_content(ref);
    }
    /// The boundary of level, ref's headers and the blank line after them.
    void part_head(std::uint8_t level, std::uint8_t ref) {
        boundary(level);
        put_content_headers(ref);
        crlf();
    }

    // -- content encoding
    const source_slot& source_of(std::uint8_t ref) const noexcept {
        return ref >= ref_text ? body_[ref - ref_text] : parts_[ref].src;
    }
    void begin_content(std::uint8_t ref) {
        in_content_ = true;
        cur_ = &source_of(ref);
        cur_cte_ = ref >= ref_text ? body_cte_[ref - ref_text] : cte_base64;
        e_ = encoder_state{};
        if (MAILWIRE_MAIL_PARAMETERS && dry_ && cur_->fill != nullptr) {
            // Not read now: base64 of a known size is computed (lines of 76 characters from 57
            // octets, each with its CRLF); anything else makes the size unknown.
            if (cur_cte_ == cte_base64 && cur_->size >= 0) {
                const std::uint64_t s = static_cast<std::uint64_t>(cur_->size);
                const std::uint64_t lines = mailwire::detail::div_u64(s, 57);
                const unsigned r = static_cast<unsigned>(s - lines * 57);
                dry_extra_ += lines * 78 + (r != 0 ? (r + 2) / 3 * 4 + 2 : 0);
            } else {
                size_known_ = false;
            }
            in_content_ = false;
        }
    }

    /// The next input from the current source: text in memory is read where it is, all at once
    /// (and is then at its end); a callback fills in_. Returns false on a source error.
    bool refill() {
        e_.in_pos = 0;
        e_.in_len = 0;
        std::size_t n;
        if (cur_->fill == nullptr) {
            in_at_ = cur_->memory.data();
            n = cur_->memory.size();
            e_.eof = true;
        } else {
            in_at_ = in_;
            const std::ptrdiff_t got = cur_->fill(cur_->context, in_, sizeof(in_));
            if (got < 0 || static_cast<std::size_t>(got) > sizeof(in_)) return false;
            n = static_cast<std::size_t>(got);
        }
        if (n == 0) e_.eof = true;
        e_.in_len = n;
        return true;
    }

    /// The current part, encoded, until out_ is nearly full: base64 in lines of 76 (RFC 2045
    /// §6.8); quoted-printable (RFC 2045 §6.7) with every kind of line end made CRLF, lines of at
    /// most 76 with "=" soft breaks, "=", non-printables and trailing white space encoded, and a
    /// "." at the start of a line encoded too (so no line of the body starts with "."); 7bit and
    /// 8bit (only chosen for checked text in memory) with the line ends made CRLF.
    int content_step() {
        while (room() > 96) {
            if (e_.in_pos == e_.in_len) {
                if (!e_.eof && !refill()) return -1;
                if (e_.in_pos == e_.in_len) { // the end of the source
                    if (cur_cte_ == cte_base64) {
                        if (e_.b64_carry > 0) b64_group();
                        if (e_.b64_col > 0) crlf();
                    } else if (e_.pending_cr || e_.mid_line) {
                        // Text ends with a line end (RFC 5321 §4.1.1.4 wants one before "." anyway).
                        line_break();
                    }
                    in_content_ = false;
                    return 1;
                }
            }
            const unsigned char c = static_cast<unsigned char>(in_at_[e_.in_pos++]);
            if (cur_cte_ == cte_base64) {
                e_.b64_in[e_.b64_carry++] = c;
                if (e_.b64_carry == 3) b64_group();
                continue;
            }
            if (e_.pending_cr) {
                line_break();
                if (c == '\n') continue;
            }
            if (c == '\r') {
                e_.pending_cr = true;
            } else if (c == '\n') {
                line_break();
            } else {
                qp_flush_ws(false); // (nothing is held but in quoted-printable)
                if (cur_cte_ != cte_qp) {
                    put1(static_cast<char>(c));
                } else if (c == ' ' || c == '\t') {
                    e_.held_ws = c;
                } else {
                    qp_out(c, c == '=' || c < 32 || c > 126 || (!e_.mid_line && c == '.'));
                }
                e_.mid_line = true;
            }
        }
        return 1;
    }
    void b64_group() {
        put_b64(e_.b64_in, e_.b64_carry);
        e_.b64_carry = 0;
        e_.b64_col += 4;
        if (e_.b64_col == 76) {
            crlf();
            e_.b64_col = 0;
        }
    }
    /// One quoted-printable character (encoded: "=XX"), after a soft break when the line would
    /// pass 76 with it.
    void qp_out(unsigned char c, bool encoded) {
        const std::size_t n = encoded ? 3 : 1;
        if (e_.qp_line + n > 75) {
            put_text(t_soft_break);
            e_.qp_line = 0;
        }
        e_.qp_line += n;
        put1(encoded ? '=' : static_cast<char>(c));
        if (encoded) put_hex(c);
    }
    /// White space is held until the next character shows whether it ends a line (then it is
    /// encoded, RFC 2045 §6.7 rule 3).
    void qp_flush_ws(bool before_break) {
        if (e_.held_ws == 0) return;
        const unsigned char w = e_.held_ws;
        e_.held_ws = 0;
        qp_out(w, before_break);
    }
    void line_break() {
        qp_flush_ws(true);
        crlf();
        e_.pending_cr = false;
        e_.qp_line = 0;
        e_.mid_line = false;
    }

    // ------------------------------------------------------------------ state
    // All zeros before use: a static message needs no start-up code and sits in .bss.
    // basic_message's arrays, set by the setter that first fills each (read only while its
    // count is not zero).
    address_entry* addr_ = nullptr;
    custom_header* hdr_ = nullptr;
    part* parts_ = nullptr;

    address_entry own_[2] = {}; // From, Sender (kind_from - kind_from, kind_sender - kind_from)
    std::size_t address_count_ = 0;
    std::size_t header_count_ = 0;
    std::size_t part_count_ = 0;
    std::string_view subject_;
    source_slot body_[2] = {}; // text, HTML

    stage_fn hooks_[hook_count] = {}; // by hook: Date, Message-ID, custom headers, HTML and inline parts
    const char* rich_texts_ = nullptr; // detail::mime::rich_texts, once html() or inline_part() was called
    clock_fn clock_ = nullptr;
    void* clock_ctx_ = nullptr;
    random_fn random_ = nullptr;
    void* random_ctx_ = nullptr;
    std::int64_t date_secs_ = 0;
    int date_offset_ = 0;

    std::uint64_t size_ = 0;
    std::uint64_t dry_extra_ = 0;

    std::size_t index_ = 0;
    std::size_t col_ = 0;
    // One step's output. The longest steps: one header, a 900-octet subject or custom value as
    // encoded-words (at most 44 octets of text per 75-character word, 3 for each fold), under
    // 1,700 octets with its name; a part's headers (a 127-octet type, a 250-octet Content-ID, the
    // file name twice, RFC 2231-encoded: max_file_name keeps them under 1,750); a content step
    // stops 96 octets before the end.
    char out_[2048] = {};
    std::size_t out_len_ = 0, out_pos_ = 0;

    const source_slot* cur_ = nullptr;
    const char* in_at_ = nullptr; ///< the input: in_, or the text in memory
    char in_[570] = {};
    /// The encoder's state, all zeros at the start of each part.
    struct encoder_state {
        std::size_t in_len, in_pos;
        std::size_t qp_line;
        std::size_t b64_carry, b64_col;
        bool eof;
        bool pending_cr, mid_line;
        unsigned char held_ws;
        unsigned char b64_in[3];
    };
    encoder_state e_ = {};
    // The small members last, together, so they pack (clang-tidy's padding check).
    unsigned char id_[12] = {};
    bool has_body_[2] = {};
    text_encoding body_enc_[2] = {};
    cte body_cte_[2] = {};
    cause first_refusal_ = cause::none;
    bool fixed_date_ = false;
    bool have_[hook_count] = {}; // hooks_[h] said yes at st_done (read for the Date and Message-ID)
    bool needs_utf8_ = false, eight_bit_ = false;
    bool size_known_ = false;
    bool dry_ = false;
    std::uint8_t kinds_[3] = {};
    std::uint8_t levels_ = 0;
    std::uint8_t single_ref_ = 0;
    bool inline_parts_ = false, attachments_ = false;
    bool opened_ = false;
    std::uint8_t sub_ = 0;
    stage stage_ = st_date;
    bool in_content_ = false;
    cte cur_cte_ = cte_7bit;
};

} // namespace detail::mime

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
        hooks_[hook_date] = &write_date;
        clock_ = fn;
        clock_ctx_ = context;
    }
    void set_random(random_fn fn, void* context = nullptr) noexcept {
        hooks_[hook_id] = &write_message_id;
        random_ = fn;
        random_ctx_ = context;
    }
    /// A fixed Date instead of the clock's.
    void date(std::int64_t unix_seconds, int utc_offset_minutes = 0) noexcept {
        hooks_[hook_date] = &write_date;
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
        hooks_[hook_rich] = &rich_step;
        rich_texts_ = detail::mime::rich_texts;
        return set_body(true, src, enc);
    }
    /// An attachment (multipart/mixed), base64-encoded as it streams. filename: UTF-8.
    error attach(content_source src, text_ref filename, text_ref content_type = "application/octet-stream") {
        return add_part(filename.view(), content_type.view(), {}, src, parts_store_, MaxAttachments);
    }
    /// An inline part for the HTML (multipart/related), referred to as "cid:<content_id>".
    error inline_part(content_source src, text_ref content_id, text_ref content_type, text_ref filename = {}) {
        hooks_[hook_rich] = &rich_step;
        rich_texts_ = detail::mime::rich_texts;
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
