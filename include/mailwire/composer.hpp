// SPDX-License-Identifier: BSL-1.0
// mailwire - the composer's engine (detail::mime::composer) under basic_message (message.hpp): the
// checks every setter applies (no CR, LF or NUL; RFC 5322 field names, RFC 2045 tokens), the
// fixed texts it writes, the storage of addresses, headers and parts, and the state of a message
// being produced piece by piece. Its members' definitions are by chapter in mime_headers.hpp,
// mime_structure.hpp and mime_encoding.hpp; preparing (the plan, the sizes) is here.
#ifndef MAILWIRE_COMPOSER_HPP
#define MAILWIRE_COMPOSER_HPP

#include "config.hpp"

#include "mime_texts.hpp"

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
/// d = s: the same members.
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
    /// Whose address an entry is (from 1: an entry of kind 0 was never set).
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
        if (const cause c = text_cause(display, 400); c != cause::none) return c;
        // From and Sender have one entry each; set again, it is replaced.
        address_entry* e = k == kind_from ? &from_ : k == kind_sender ? &sender_ : nullptr;
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
        custom_writer_ = &custom_step;
        return result(header_cause(list, cap, name, value));
    }
    cause header_cause(custom_header* list, std::size_t cap, std::string_view name, std::string_view value) noexcept {
        if (!valid_field_name(name)) return cause::bad_header;
        for (std::string_view own : field::refused_as_custom) {
            own.remove_suffix(2); // ": "
            if (mailwire::detail::iequals(name, own)) return cause::header_reserved;
        }
        if (const cause c = text_cause(value, max_header_text); c != cause::none) return c;
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
        if (!valid_content_type(type)) return cause::bad_header;
        if (const cause c = text_cause(filename, max_file_name); c != cause::none) return c;
        if (part_count_ == cap) return cause::too_many;
        part& p = list[part_count_++];
        set_slot(p.src, src);
        p.filename = filename;
        p.type = type;
        p.content_id = cid;
        return cause::none;
    }
    error set_subject(std::string_view text) {
        if (const cause c = text_cause(text, max_header_text); c != cause::none) return result(c);
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
        env.sender = from_.address;
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
        // The size is counted only for a server that takes SIZE= (RFC 1870).
        set_usage(err, prepare_cause(caps.eightbitmime, caps.smtputf8, caps.size));
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
    cause prepare_cause(bool eightbitmime, bool smtputf8, bool count_size = true) {
        if (first_refusal_ != cause::none) return first_refusal_;
        if (from_.address.empty()) return cause::bad_address;
        // The recipients (To, Cc, Bcc) counted, and whether any address needs SMTPUTF8, in one pass.
        bool recipients = false, utf8 = from_.utf8 || sender_.utf8;
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
        size_ = 0;
        if (MAILWIRE_MAIL_PARAMETERS && count_size) {
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
    /// Without HTML and inline parts (no rich_writer_), the text and the attachments: one level.
    /// Then the optional writers that were set are called with st_done: the Date and Message-ID
    /// writers (on POSIX, the system's clock and /dev/urandom when none was set) fetch their
    /// values and say whether their header is written, rich_step plans the multiparts.
    void plan() {
        // (kinds_[0] is mp_mixed and inline_parts_ false unless rich_step sets them.)
        attachments_ = part_count_ != 0;
        levels_ = attachments_ ? 1 : 0;
        single_ref_ = levels_ != 0 ? 0 : ref_text;
#if defined(MAILWIRE_MESSAGE_POSIX)
        if (date_writer_ == nullptr) date_writer_ = &write_date;
        if (id_writer_ == nullptr) id_writer_ = &write_message_id;
#endif
        have_date_ = date_writer_ != nullptr && date_writer_(*this, st_done) != 0;
        have_message_id_ = id_writer_ != nullptr && id_writer_(*this, st_done) != 0;
        if (rich_writer_ != nullptr) (void)rich_writer_(*this, st_done);
    }

    // What only some messages have is written by optional writers, which the setters set
    // (date_writer_ and the others below): a firmware image that never calls html() has none of
    // the HTML code, one that sets no clock none of the date's. A writer is called with st_done
    // by prepare() (plan()), then with each of its stages: 1 when the stage has more to write.
    using stage_fn = int (*)(composer&, stage);
    /// The stage's output by writer w (nothing when w is not set): true when it has more.
    bool optional_step(stage_fn w) { return w != nullptr && w(*this, stage_) != 0; }
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
                const std::size_t k = out_len_ - out_pos_ < cap - n ? out_len_ - out_pos_ : cap - n;
                std::memcpy(buf + n, out_ + out_pos_, k);
                n += k;
                out_pos_ += k;
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
    void crlf() noexcept { put(token::crlf); }
    std::size_t room() const noexcept { return sizeof(out_) - out_len_; }
    /// Two hex digits: upper case for quoted-printable and RFC 2231 (RFC 2045 §6.7 requires it),
    /// lower case where it is a matter of taste (the Message-ID).
    void put_hex(unsigned c, bool lower_case = false) noexcept {
        const char* const digits = lower_case ? "0123456789abcdef" : "0123456789ABCDEF";
        put1(digits[(c >> 4) & 15]);
        put1(digits[c & 15]);
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
    void word(bool space_before, std::size_t len) noexcept;

    /// Header text, in one pass for both kinds (one scan, one choice among the three forms):
    /// unstructured text (display false: Subject, custom values) is words as they are when it is
    /// printable ASCII without "=?" and no word is too long to fold, else RFC 2047 encoded-words;
    /// a display name (true) is atoms, a quoted string, or encoded-words when it is not ASCII.
    void put_words(std::string_view text, bool display);
    /// Words separated by single spaces, each a foldable word.
    void put_phrase_words(std::string_view text);

    void put_mailbox(const address_entry& m, bool first_in_list);
    /// The header of addresses of kind k (From, Sender, To, Cc, Reply-To), one mailbox per step
    /// (so that a long list never overflows out_): true when one was written, false when the
    /// list is done (its line ended, if it had any).
    bool address_step(kind k, std::string_view field_name);

    /// A MIME parameter (RFC 2045 §5.1; RFC 2231 §4 for values that are not plain ASCII).
    /// "name" (file false) or "filename" (true); nothing when value is empty.
    void put_param(bool file, std::string_view value);

    /// The Content-Type of ref (RFC 2045 §5.1, RFC 2046 §5.1.1 for the boundary) and, but for a
    /// multipart, its Content-Transfer-Encoding; an attachment's or inline part's Content-ID and
    /// Content-Disposition (RFC 2183) after them.
    void put_content_headers(std::uint8_t ref);
    static std::string_view multipart_subtype(multipart_kind k) noexcept {
        static constexpr std::string_view by_kind[] = {token::mixed, token::related, token::alternative};
        return by_kind[k];
    }
    static std::string_view encoding_name(cte c) noexcept {
        static constexpr std::string_view by_cte[] = {token::cte_7bit, token::cte_8bit, token::cte_qp, token::cte_base64};
        return by_cte[c];
    }

    // The Date and Message-ID headers are written through pointers that date(), set_clock(),
    // set_random() (and on POSIX, prepare()) set: a firmware image that sets none of them (no
    // clock, no random source; the submission server adds both, RFC 6409 §8.3) has none of
    // their code.
    // Each is called twice: by prepare() (st_done) for whether the header is written, its
    // value fetched (1: written), then by the production to write it if so.
    static int write_date(composer& c, stage s);
    static int write_message_id(composer& c, stage s);

    /// RFC 5322 §3.3: "Mon, 23 Nov 2026 05:36:19 +0100".
    void put_date();

    /// One step: fills out_ with the next piece. 1: more to come, 0: finished, -1: a source failed.
    int step();

    /// The inline parts or the attachments, one per step (1), then the end of their multipart
    /// (0). The inline parts are in related, level 1 when there are attachments (mixed).
    int parts_step(bool want_inline);

    /// The custom headers, one per step, set by header() (st_custom).
    static int custom_step(composer& c, stage s);

    /// A boundary line (RFC 2046 §5.1.1): the CRLF before "--boundary" belongs to it, and the
    /// first boundary of the body has nothing before it to end; the close of a multipart, its
    /// last boundary, ends with "--".
    void boundary(std::uint8_t level, bool close = false);
    /// A part's boundary and headers (in a multipart), then its content.
    void begin_part(std::uint8_t level, std::uint8_t ref);
    /// The boundary of level, ref's headers and the blank line after them.
    void part_head(std::uint8_t level, std::uint8_t ref);

    // -- content encoding
    const source_slot& source_of(std::uint8_t ref) const noexcept;
    void begin_content(std::uint8_t ref);

    /// The next input from the current source: text in memory is read where it is, all at once
    /// (and is then at its end); a callback fills in_. Returns false on a source error.
    bool refill();

    /// The current part, encoded, until out_ is nearly full: base64 in lines of 76 (RFC 2045
    /// §6.8); quoted-printable (RFC 2045 §6.7) with every kind of line end made CRLF, lines of at
    /// most 76 with "=" soft breaks, "=", non-printables and trailing white space encoded, and a
    /// "." at the start of a line encoded too (so no line of the body starts with "."); 7bit and
    /// 8bit (only chosen for checked text in memory) with the line ends made CRLF.
    int content_step();
    void b64_group();
    /// MAILWIRE_BULK_CONTENT: a run of the current part at once (a whole base64 line, characters
    /// quoted-printable leaves as they are, 7bit/8bit text up to a line end), written as the
    /// octet loop would write it. False when the octet loop must take the next octet.
    bool bulk_run();
    /// One quoted-printable character (encoded: "=XX"), after a soft break when the line would
    /// pass 76 with it.
    void qp_out(unsigned char c, bool encoded);
    /// White space is held until the next character shows whether it ends a line (then it is
    /// encoded, RFC 2045 §6.7 rule 3).
    void qp_flush_ws(bool before_break);
    void line_break();

    // ------------------------------------------------------------------ state
    // All zeros before use: a static message needs no start-up code and sits in .bss.
    // basic_message's arrays, set by the setter that first fills each (read only while its
    // count is not zero).
    address_entry* addr_ = nullptr;
    custom_header* hdr_ = nullptr;
    part* parts_ = nullptr;

    address_entry from_ = {};
    address_entry sender_ = {};
    std::size_t address_count_ = 0;
    std::size_t header_count_ = 0;
    std::size_t part_count_ = 0;
    std::string_view subject_;
    source_slot body_[2] = {}; // text, HTML

    // The optional writers (null: that part of a message is not written).
    stage_fn date_writer_ = nullptr;   ///< Date: date(), set_clock() (on POSIX, prepare())
    stage_fn id_writer_ = nullptr;     ///< Message-ID: set_random() (on POSIX, prepare())
    stage_fn custom_writer_ = nullptr; ///< the custom headers: header()
    stage_fn rich_writer_ = nullptr;   ///< HTML and inline parts: html(), inline_part()
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
    // stops 96 octets before the end. With MAILWIRE_BULK_CONTENT (hosted builds) content steps
    // are longer: fewer steps per megabyte.
    char out_[MAILWIRE_BULK_CONTENT ? 16384 : 2048] = {};
    std::size_t out_len_ = 0, out_pos_ = 0;

    const source_slot* cur_ = nullptr;
    const char* in_at_ = nullptr; ///< the input: in_, or the text in memory
    // The input read from a callback or file: whole base64 lines (57 octets) of it; large reads
    // with MAILWIRE_BULK_CONTENT (288 lines, 16 KiB).
    char in_[MAILWIRE_BULK_CONTENT ? 57 * 288 : 57 * 10] = {};
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
    bool have_date_ = false, have_message_id_ = false; // their writers had a value at st_done
    bool needs_utf8_ = false, eight_bit_ = false;
    bool size_known_ = false;
    bool dry_ = false;
    multipart_kind kinds_[3] = {};
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

} // inline namespace MAILWIRE_ABI
} // namespace mailwire

// The definitions of the composer members whose chapters have a file of their own.
#include "mime_headers.hpp"
#include "mime_structure.hpp"
#include "mime_encoding.hpp"

#endif // MAILWIRE_COMPOSER_HPP
