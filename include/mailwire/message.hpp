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
//   mailwire::send_result r = mailwire::send_message(client, m);
#ifndef MAILWIRE_MESSAGE_HPP
#define MAILWIRE_MESSAGE_HPP

#include "text.hpp"

#include "address.hpp"
#include "base64.hpp"
#include "client.hpp"
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

/// Text the composer refers to without copying (it must outlive the send): a string literal, a
/// string_view, or a std::string that lives on. A temporary std::string would dangle, so it does
/// not compile: keep it in a variable first.
class text_ref {
public:
    constexpr text_ref() noexcept = default;
    constexpr text_ref(std::string_view s) noexcept : v_(s) {}
    constexpr text_ref(const char* s) noexcept : v_(s) {}
    template <class Alloc>
    text_ref(const std::basic_string<char, std::char_traits<char>, Alloc>& s) noexcept : v_(s) {}
    template <class Alloc>
    text_ref(std::basic_string<char, std::char_traits<char>, Alloc>&&) = delete; // would dangle
    constexpr std::string_view view() const noexcept { return v_; }

private:
    std::string_view v_;
};

/// Where a body or an attachment comes from: memory, or a function that fills a buffer (flash, a
/// sensor ring buffer, a file). `size` (octets) lets the composed size be known in advance, for
/// SIZE= and progress; -1 when unknown.
struct content_source {
    std::ptrdiff_t (*fill)(void* context, char* buf, std::size_t cap) = nullptr; ///< >0 bytes, 0 end, <0 error
    void* context = nullptr;
    std::int64_t size = -1;
    std::string_view memory; ///< used when fill is null
    /// Optional: back to the beginning, so the message can be prepared and sent again (a file
    /// can; a sensor stream cannot, and then sends once).
    bool (*rewind)(void* context) = nullptr;

    // cppcheck-suppress passedByValue ; a text_ref is a string_view: cheaper by value
    static content_source from_memory(text_ref data_ref) noexcept {
        const std::string_view data = data_ref.view();
        content_source s;
        s.memory = data;
        s.size = static_cast<std::int64_t>(data.size());
        return s;
    }
    static content_source callback(std::ptrdiff_t (*fill)(void*, char*, std::size_t), void* context,
                                   std::int64_t size = -1) noexcept {
        content_source s;
        s.fill = fill;
        s.context = context;
        s.size = size;
        return s;
    }
    bool in_memory() const noexcept { return fill == nullptr; }
};

#if defined(MAILWIRE_MESSAGE_POSIX)
/// A file, read with open/read (no stdio buffer, no heap). Keep it alive until the message is sent.
class file_reader {
public:
    file_reader() noexcept = default;
    explicit file_reader(const char* path) noexcept { open(path); }
    file_reader(const file_reader&) = delete;
    file_reader& operator=(const file_reader&) = delete;
    ~file_reader() { close(); }

    bool open(const char* path) noexcept {
        close();
        do {
            fd_ = ::open(path, O_RDONLY | O_CLOEXEC);
        } while (fd_ < 0 && errno == EINTR);
        if (fd_ < 0) return false;
        const off_t end = ::lseek(fd_, 0, SEEK_END);
        size_ = end < 0 ? -1 : static_cast<std::int64_t>(end);
        if (end < 0 || ::lseek(fd_, 0, SEEK_SET) != 0) size_ = -1;
        return true;
    }
    bool is_open() const noexcept { return fd_ >= 0; }
    std::int64_t size() const noexcept { return size_; }
    /// The source; each prepare() (so each send) starts reading from the beginning of the file.
    content_source source() noexcept {
        content_source s = content_source::callback(&fill, this, size_);
        s.rewind = [](void* self) { return static_cast<file_reader*>(self)->rewind(); };
        return s;
    }
    void close() noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }
    bool rewind() noexcept { return fd_ >= 0 && ::lseek(fd_, 0, SEEK_SET) == 0; }

private:
    static std::ptrdiff_t fill(void* self, char* buf, std::size_t cap) {
        file_reader& f = *static_cast<file_reader*>(self);
        if (f.fd_ < 0) return -1;
        for (;;) {
            const ssize_t n = ::read(f.fd_, buf, cap);
            if (n >= 0) return static_cast<std::ptrdiff_t>(n);
            if (errno != EINTR) return -1;
        }
    }
    int fd_ = -1;
    std::int64_t size_ = -1;
};
#endif

/// How a text part is encoded. automatic: 7bit when it is ASCII with short lines, 8bit when it is
/// not ASCII and the server offers 8BITMIME, quoted-printable otherwise (and always for text that
/// is not in memory, whose lines cannot be checked in advance).
enum class text_encoding : std::uint8_t { automatic, quoted_printable, base64 };

namespace detail::mime {

constexpr bool has_ctl_or_nul(std::string_view s) noexcept {
    for (char ch : s)
        if (ch == '\r' || ch == '\n' || ch == '\0') return true;
    return false;
}
constexpr bool is_ascii_printable(std::string_view s) noexcept {
    for (char ch : s) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c < 32 || c > 126) return false;
    }
    return true;
}
/// RFC 2045 §5.1 token characters (for type and subtype).
constexpr bool is_token_char(unsigned char c) noexcept {
    return c > 32 && c < 127 && c != '(' && c != ')' && c != '<' && c != '>' && c != '@' && c != ',' && c != ';' &&
           c != ':' && c != '\\' && c != '"' && c != '/' && c != '[' && c != ']' && c != '?' && c != '=';
}
constexpr bool valid_content_type(std::string_view t) noexcept {
    const std::size_t slash = t.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 >= t.size() || t.size() > 127) return false;
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
    if (id.empty() || id.size() > 250 || id.find('@') == std::string_view::npos) return false;
    for (char ch : id) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c <= 32 || c >= 127 || c == '<' || c == '>' || c == '"' || c == '\\') return false;
    }
    return true;
}
/// RFC 5322 §3.2.3 atext plus space: a phrase that needs no quoting.
constexpr bool is_plain_phrase(std::string_view s) noexcept {
    for (char ch : s) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c != ' ' && !mailwire::detail::is_atext(c)) return false;
    }
    return !s.empty() && s.front() != ' ' && s.back() != ' ';
}
/// Length of the UTF-8 sequence starting with lead byte c (1 for anything that is not a lead).
constexpr std::size_t utf8_len(unsigned char c) noexcept {
    return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

} // namespace detail::mime

/// The composer. Strings are not copied: every string_view and source given to it must outlive
/// the send. A setter that refuses its input returns the error and also keeps it: prepare() (and
/// so send_message) fails with the first one, so nothing is sent without what was refused. Capacities are template arguments (no heap): addresses (To + Cc + Bcc + Reply-To),
/// custom headers, and attachments plus inline parts.
template <std::size_t MaxAddresses = 16, std::size_t MaxHeaders = 8, std::size_t MaxAttachments = 8>
class basic_message {
public:
    /// Seconds since 1970 (UTC) and the local offset in minutes, for the Date header. POSIX uses
    /// time() and UTC when none is set; without a clock (firmware with no RTC) the Date header is
    /// left out and the submission server adds it (RFC 6409 §8.3).
    using clock_fn = bool (*)(void* context, std::int64_t* unix_seconds, int* utc_offset_minutes);
    /// Fills buf with random bytes (Message-ID). POSIX reads /dev/urandom when none is set;
    /// without one the Message-ID is left out and the submission server adds it (RFC 6409 §8.3).
    using random_fn = bool (*)(void* context, unsigned char* buf, std::size_t len);

    // prog_, out_ and in_ are written by prepare() and the steps before anything reads them.
    // cppcheck-suppress uninitMemberVar
    basic_message() noexcept = default;
    basic_message(const basic_message&) = delete;
    basic_message& operator=(const basic_message&) = delete;

    // ------------------------------------------------------------------ headers
    error from(text_ref address, text_ref display = {}) { return set_mailbox(from_, address.view(), display.view()); }
    /// Sender: when From names someone else (RFC 5322 §3.6.2).
    error sender(text_ref address, text_ref display = {}) {
        return set_mailbox(sender_, address.view(), display.view());
    }
    error to(text_ref address, text_ref display = {}) { return add(kind_to, address.view(), display.view()); }
    error cc(text_ref address, text_ref display = {}) { return add(kind_cc, address.view(), display.view()); }
    /// Bcc recipients go into the envelope only, never into a header.
    error bcc(text_ref address) { return add(kind_bcc, address.view(), {}); }
    error reply_to(text_ref address, text_ref display = {}) {
        return add(kind_reply_to, address.view(), display.view());
    }
    /// UTF-8; anything but plain ASCII becomes RFC 2047 encoded-words.
    error subject(text_ref subject_text) {
        const std::string_view text = subject_text.view();
        if (detail::mime::has_ctl_or_nul(text) || text.size() > max_header_text) return refuse(cause::bad_header);
        subject_ = text;
        return error{};
    }
    /// A header of your own. The name is checked (RFC 5322 §3.6.8); the value is unstructured
    /// text (encoded when not ASCII). Names the composer writes itself are refused.
    error header(text_ref name_ref, text_ref value_ref) {
        const std::string_view name = name_ref.view(), value = value_ref.view();
        if (!detail::mime::valid_field_name(name) || detail::mime::has_ctl_or_nul(value) || value.size() > max_header_text)
            return refuse(cause::bad_header);
        for (std::string_view own : {"from", "sender", "to", "cc", "bcc", "reply-to", "subject", "date", "message-id",
                                     "mime-version", "content-type", "content-transfer-encoding"})
            if (mailwire::detail::iequals(name, own)) return refuse(cause::bad_header);
        if (header_count_ == MaxHeaders) return refuse(cause::too_many);
        headers_[header_count_++] = {name, value};
        return error{};
    }
    void set_clock(clock_fn fn, void* context = nullptr) noexcept {
        clock_ = fn;
        clock_ctx_ = context;
    }
    void set_random(random_fn fn, void* context = nullptr) noexcept {
        random_ = fn;
        random_ctx_ = context;
    }
    /// A fixed Date instead of the clock's.
    void date(std::int64_t unix_seconds, int utc_offset_minutes = 0) noexcept {
        fixed_date_ = true;
        date_secs_ = unix_seconds;
        date_offset_ = utc_offset_minutes;
    }

    // ------------------------------------------------------------------ bodies
    error text(text_ref body, text_encoding enc = text_encoding::automatic) {
        return text(content_source::from_memory(body.view()), enc);
    }
    error text(content_source src, text_encoding enc = text_encoding::automatic) {
        text_ = src;
        has_text_ = true;
        text_enc_ = enc;
        return error{};
    }
    error html(text_ref body, text_encoding enc = text_encoding::automatic) {
        return html(content_source::from_memory(body.view()), enc);
    }
    error html(content_source src, text_encoding enc = text_encoding::automatic) {
        html_ = src;
        has_html_ = true;
        html_enc_ = enc;
        return error{};
    }
    /// An attachment (multipart/mixed), base64-encoded as it streams. filename: UTF-8.
    error attach(content_source src, text_ref filename, text_ref content_type = "application/octet-stream") {
        return add_part(src, filename.view(), content_type.view(), {});
    }
    /// An inline part for the HTML (multipart/related), referred to as "cid:<content_id>".
    error inline_part(content_source src, text_ref content_id, text_ref content_type, text_ref filename = {}) {
        if (!detail::mime::valid_content_id(content_id.view())) return refuse(cause::bad_header);
        return add_part(src, filename.view(), content_type.view(), content_id.view());
    }

    // ------------------------------------------------------------------ for sending
    /// Chooses the encodings for a server with these extensions, computes the size where every
    /// part's size is known, and starts reading from the beginning. send_message() calls it.
    error prepare(bool eightbitmime, bool smtputf8) {
        if (!first_error_.ok()) return first_error_;
        if (from_.address.empty()) return usage(cause::bad_address);
        if (recipient_count() == 0) return usage(cause::bad_argument);
        needs_utf8_ = from_.utf8 || sender_.utf8;
        for (std::size_t i = 0; i < address_count_; ++i) needs_utf8_ = needs_utf8_ || addresses_[i].utf8;
        if (needs_utf8_ && !smtputf8) return usage(cause::utf8_not_supported);
        eight_bit_ = false;
        if (has_text_) text_cte_ = choose(text_, text_enc_, eightbitmime);
        if (has_html_) html_cte_ = choose(html_, html_enc_, eightbitmime);
        if (!has_text_ && !has_html_ && part_count_ == 0) {
            has_text_ = true; // an empty text/plain body, so that the structure is valid
            text_ = content_source::from_memory({});
            text_cte_ = cte_7bit;
        }
        make_date_and_id();
        build_program();
        // The size: produce everything once without reading sources that are not in memory.
        size_known_ = true;
        start(true);
        char scratch[256];
        std::uint64_t n = 0;
        char last[2] = {0, 0};
        for (;;) {
            const std::ptrdiff_t got = read(scratch, sizeof(scratch));
            if (got < 0) return usage(cause::source_failed);
            if (got == 0) break;
            n += static_cast<std::uint64_t>(got);
            last[0] = got >= 2 ? scratch[got - 2] : last[1];
            last[1] = scratch[got - 1];
        }
        // A part whose size was computed (not read) ends with CRLF; then comes more structure.
        const bool ends_crlf = last[0] == '\r' && last[1] == '\n';
        size_ = size_known_ ? n + dry_extra_ + (ends_crlf || n == 0 ? 0 : 2) : 0;
        // Sources that can go back to their beginning do, so a message can be sent again.
        for (content_source* src : {&text_, &html_}) {
            if (src->rewind != nullptr && !src->rewind(src->context)) return usage(cause::source_failed);
        }
        for (std::size_t i = 0; i < part_count_; ++i) {
            const content_source& src = parts_[i].src;
            if (src.rewind != nullptr && !src.rewind(src.context)) return usage(cause::source_failed);
        }
        start(false);
        return error{};
    }

    /// The message's size in octets as SIZE= counts it (RFC 1870 §4), 0 when some part's size is
    /// not known in advance. Valid after prepare().
    std::uint64_t size() const noexcept { return size_; }
    /// Whether the composed content has 8-bit text (BODY=8BITMIME), after prepare().
    bool eight_bit() const noexcept { return eight_bit_; }
    bool needs_smtputf8() const noexcept { return needs_utf8_; }

    /// The source interface: the next piece of the composed message. After the last piece, 0;
    /// when a part's source fails, -1 (the client then aborts without the final ".").
    std::ptrdiff_t read(char* buf, std::size_t cap) {
        std::size_t n = 0;
        while (n < cap) {
            if (out_pos_ < out_len_) {
                const std::size_t k = (out_len_ - out_pos_ < cap - n) ? out_len_ - out_pos_ : cap - n;
                std::memcpy(buf + n, out_ + out_pos_, k);
                out_pos_ += k;
                n += k;
                continue;
            }
            out_pos_ = out_len_ = 0;
            const int r = step();
            if (r < 0) return n > 0 ? static_cast<std::ptrdiff_t>(n) : -1;
            if (r == 0 && out_len_ == 0) break;
        }
        return static_cast<std::ptrdiff_t>(n);
    }

    /// The envelope's recipients: To, Cc and Bcc (not Reply-To), in that order.
    std::size_t recipient_count() const noexcept {
        std::size_t n = 0;
        for (std::size_t i = 0; i < address_count_; ++i)
            if (addresses_[i].k != kind_reply_to) ++n;
        return n;
    }
    /// Fills the envelope for this message into `env`, with `storage` holding its recipients.
    void fill_envelope(envelope& env, recipient* storage, std::size_t capacity) const noexcept {
        std::size_t n = 0;
        for (std::size_t i = 0; i < address_count_ && n < capacity; ++i)
            if (addresses_[i].k != kind_reply_to) storage[n++] = recipient{addresses_[i].address, reply{}};
        env.sender = from_.address;
        env.recipients = storage;
        env.recipient_count = n;
        env.size = size_;
        env.eight_bit = eight_bit_;
    }

private:
    enum kind : std::uint8_t { kind_to, kind_cc, kind_bcc, kind_reply_to };
    enum cte : std::uint8_t { cte_7bit, cte_8bit, cte_qp, cte_base64 };
    struct address_entry {
        std::string_view address;
        std::string_view display;
        kind k = kind_to;
        bool utf8 = false;
    };
    struct custom_header {
        std::string_view name;
        std::string_view value;
    };
    struct part {
        content_source src;
        std::string_view filename;
        std::string_view type;
        std::string_view content_id; ///< inline parts
    };
    // The body as a program of steps, built by prepare().
    enum op_code : std::uint8_t { op_boundary, op_close, op_multipart_headers, op_part_headers, op_content, op_end };
    enum part_ref : std::uint8_t { ref_text = 250, ref_html = 251 };
    struct op {
        op_code code;
        std::uint8_t level;  ///< boundary level
        std::uint8_t target; ///< part index, ref_text, ref_html, or the multipart subtype
    };
    enum multipart_kind : std::uint8_t { mp_mixed, mp_related, mp_alternative };

    static error usage(cause c) noexcept {
        error e;
        e.kind = error_kind::usage;
        e.why = c;
        e.advice_text = advise(e, advice_context{});
        return e;
    }
    /// A setter's refusal. The first one is also kept, and prepare() returns it: a caller who
    /// ignores a setter's result still cannot send a message that lost a recipient or a header.
    error refuse(cause c) noexcept {
        const error e = usage(c);
        if (first_error_.ok()) first_error_ = e;
        return e;
    }

    error check_mailbox_and_display(std::string_view address, std::string_view display, bool& utf8) {
        switch (check_mailbox(address)) {
        case address_check::ok: utf8 = false; break;
        case address_check::ok_needs_utf8: utf8 = true; break;
        default: return refuse(cause::bad_address);
        }
        if (detail::mime::has_ctl_or_nul(display) || display.size() > 400) return refuse(cause::bad_header);
        return error{};
    }
    error set_mailbox(address_entry& m, std::string_view address, std::string_view display) {
        bool utf8 = false;
        if (error e = check_mailbox_and_display(address, display, utf8); !e.ok()) return e;
        m = address_entry{address, display, kind_to, utf8};
        return error{};
    }
    error add(kind k, std::string_view address, std::string_view display) {
        bool utf8 = false;
        if (error e = check_mailbox_and_display(address, display, utf8); !e.ok()) return e;
        if (address_count_ == MaxAddresses) return refuse(cause::too_many);
        addresses_[address_count_++] = address_entry{address, display, k, utf8};
        return error{};
    }
    error add_part(content_source src, std::string_view filename, std::string_view type, std::string_view cid) {
        if (!detail::mime::valid_content_type(type)) return refuse(cause::bad_header);
        if (detail::mime::has_ctl_or_nul(filename) || filename.size() > 255) return refuse(cause::bad_header);
        if (part_count_ == MaxAttachments) return refuse(cause::too_many);
        parts_[part_count_++] = part{src, filename, type, cid};
        return error{};
    }

    /// The transfer encoding of a text part. Text not in memory cannot be checked in advance, so
    /// it is quoted-printable (or base64, if asked).
    cte choose(const content_source& src, text_encoding want, bool eightbitmime) noexcept {
        if (want == text_encoding::base64) return cte_base64;
        if (want == text_encoding::quoted_printable || !src.in_memory()) return cte_qp;
        bool high = false;
        std::size_t line = 0, longest = 0;
        const std::string_view s = src.memory;
        for (std::size_t i = 0; i < s.size(); ++i) {
            const unsigned char c = static_cast<unsigned char>(s[i]);
            if (c == '\r' || c == '\n') {
                line = 0;
                continue;
            }
            if (c == 0) return cte_qp;
            if (c >= 0x80) high = true;
            if (++line > longest) longest = line;
        }
        // RFC 5322 §2.1.1: at most 998 octets per line. A line that looks like one of our
        // boundaries could end a part early: such text is encoded (QP turns "=" into "=3D").
        if (longest > 998 || s.find("--=_mw_") != std::string_view::npos) return cte_qp;
        if (!high) return cte_7bit;
        if (eightbitmime) {
            eight_bit_ = true;
            return cte_8bit;
        }
        return cte_qp;
    }

    void make_date_and_id() {
        have_date_ = false;
        std::int64_t secs = 0;
        int offset = 0;
        if (fixed_date_) {
            secs = date_secs_;
            offset = date_offset_;
            have_date_ = true;
        } else if (clock_ != nullptr) {
            have_date_ = clock_(clock_ctx_, &secs, &offset);
        } else {
#if defined(MAILWIRE_MESSAGE_POSIX)
            secs = static_cast<std::int64_t>(::time(nullptr));
            have_date_ = secs > 0;
#endif
        }
        if (have_date_) format_date(secs, offset);

        unsigned char rnd[12];
        have_id_ = false;
        if (random_ != nullptr) {
            have_id_ = random_(random_ctx_, rnd, sizeof(rnd));
        } else {
#if defined(MAILWIRE_MESSAGE_POSIX)
            int fd;
            do {
                fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
            } while (fd < 0 && errno == EINTR);
            if (fd >= 0) {
                have_id_ = ::read(fd, rnd, sizeof(rnd)) == static_cast<ssize_t>(sizeof(rnd));
                ::close(fd);
            }
#endif
        }
        if (have_id_) {
            static const char hex[] = "0123456789abcdef";
            std::size_t n = 0;
            for (unsigned char b : rnd) {
                id_[n++] = hex[b >> 4];
                id_[n++] = hex[b & 15];
            }
            id_len_ = n;
        }
    }

    /// RFC 5322 §3.3: "Mon, 23 Nov 2026 05:36:19 +0100".
    void format_date(std::int64_t secs, int offset_minutes) {
        // Clamped to the years 0000-9999 (RFC 5322 §3.3 writes four digits), so every step after
        // the first shift fits in 32 bits: a 64-bit division would pull the runtime's
        // __aeabi_ldivmod and __udivmoddi4 (about 900 bytes on a Cortex-M) into firmware.
        constexpr std::int64_t min_local = -62167219200; // 0000-01-01 00:00:00
        constexpr std::int64_t max_local = 253402300799; // 9999-12-31 23:59:59
        std::int64_t local = secs + static_cast<std::int64_t>(offset_minutes) * 60;
        if (local < min_local) local = min_local;
        if (local > max_local) local = max_local;
        // floor(local / 86400) as floor(floor(local / 128) / 675); |local / 128| < 2^31.
        const std::int32_t q = static_cast<std::int32_t>(local >= 0 ? local >> 7 : ~((~local) >> 7));
        const std::int32_t days = q >= 0 ? q / 675 : -((-q + 674) / 675);
        const std::int32_t rem = static_cast<std::int32_t>(local - static_cast<std::int64_t>(days) * 86400);
        // 1970-01-01 was a Thursday.
        static const char* const wd[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
        const char* weekday = wd[((days % 7) + 7) % 7];
        // Civil date from a day count (the proleptic Gregorian calendar, eras of 400 years).
        const std::int32_t z = days + 719468;
        const std::int32_t era = (z >= 0 ? z : z - 146096) / 146097;
        const std::int32_t doe = z - era * 146097;
        const std::int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        const std::int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        const std::int32_t mp = (5 * doy + 2) / 153;
        const std::int32_t d = doy - (153 * mp + 2) / 5 + 1;
        const std::int32_t m = mp < 10 ? mp + 3 : mp - 9;
        const std::int32_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
        static const char* const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        char* p = date_;
        auto put = [&](const char* s) {
            while (*s) *p++ = *s++;
        };
        auto num = [&](std::int32_t v, int width) {
            char tmp[12];
            int k = 0;
            do {
                tmp[k++] = static_cast<char>('0' + v % 10);
                v /= 10;
            } while (v > 0 && k < 11);
            while (k < width) tmp[k++] = '0';
            while (k > 0) *p++ = tmp[--k];
        };
        put(weekday);
        put(", ");
        num(d, 2);
        *p++ = ' ';
        put(mon[m - 1]);
        *p++ = ' ';
        num(y, 4);
        *p++ = ' ';
        num(rem / 3600, 2);
        *p++ = ':';
        num(rem / 60 % 60, 2);
        *p++ = ':';
        num(rem % 60, 2);
        *p++ = ' ';
        *p++ = offset_minutes < 0 ? '-' : '+';
        const int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
        num(off / 60, 2);
        num(off % 60, 2);
        date_len_ = static_cast<std::size_t>(p - date_);
    }

    void build_program() {
        prog_len_ = 0;
        std::size_t inline_count = 0, attach_count = 0;
        for (std::size_t i = 0; i < part_count_; ++i) (parts_[i].content_id.empty() ? attach_count : inline_count)++;
        const bool alternative = has_text_ && has_html_;
        const bool related = inline_count > 0;
        const bool mixed = attach_count > 0;
        std::uint8_t level = 0;
        top_multipart_ = mixed ? 0 : related ? 1 : alternative ? 2 : 3;
        auto emit = [&](op_code c, std::uint8_t lv, std::uint8_t target) { prog_[prog_len_++] = op{c, lv, target}; };
        auto body_of = [&](std::uint8_t ref) {
            emit(op_part_headers, 0, ref);
            emit(op_content, 0, ref);
        };
        // A multipart: its headers (the message's own for the outermost), then its parts.
        auto open = [&](multipart_kind k, bool outermost) {
            if (!outermost) emit(op_multipart_headers, level, k);
            return level++;
        };
        const std::uint8_t mixed_level = mixed ? open(mp_mixed, true) : 0;
        std::uint8_t related_level = 0;
        if (mixed) emit(op_boundary, mixed_level, 0);
        if (related) {
            related_level = open(mp_related, !mixed);
            emit(op_boundary, related_level, 0);
        }
        if (alternative) {
            const std::uint8_t alt = open(mp_alternative, !mixed && !related);
            emit(op_boundary, alt, 0);
            body_of(ref_text);
            emit(op_boundary, alt, 0);
            body_of(ref_html);
            emit(op_close, alt, 0);
        } else {
            body_of(has_html_ ? ref_html : ref_text);
        }
        if (related) {
            for (std::size_t i = 0; i < part_count_; ++i) {
                if (parts_[i].content_id.empty()) continue;
                emit(op_boundary, related_level, 0);
                body_of(static_cast<std::uint8_t>(i));
            }
            emit(op_close, related_level, 0);
        }
        if (mixed) {
            for (std::size_t i = 0; i < part_count_; ++i) {
                if (!parts_[i].content_id.empty()) continue;
                emit(op_boundary, mixed_level, 0);
                body_of(static_cast<std::uint8_t>(i));
            }
            emit(op_close, mixed_level, 0);
        }
        emit(op_end, 0, 0);
        // The outermost part's headers are the message's: a single part writes them there.
        single_ref_ = (!mixed && !related && !alternative) ? (has_html_ ? ref_html : ref_text) : 0;
    }

    // ------------------------------------------------------------------ production
    // The header section is a list of steps (stage_, index_): each step writes one header, or one
    // fold of one, into out_ (at most one line of 998 octets + CRLF). Then the body program runs.
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
        st_body,
        st_done,
    };

    void start(bool dry) {
        dry_ = dry;
        dry_extra_ = 0;
        stage_ = st_date;
        index_ = 0;
        sub_ = 0;
        pc_ = 0;
        in_content_ = false;
        out_len_ = out_pos_ = 0;
        col_ = 0;
    }

    // -- output helpers: out_ holds what read() hands out next
    void put(std::string_view s) noexcept {
        MAILWIRE_ASSERT(out_len_ + s.size() <= sizeof(out_)); // sized for the longest step, below
        for (char c : s) {
            if (out_len_ < sizeof(out_)) out_[out_len_++] = c;
        }
        for (char c : s) col_ = (c == '\n') ? 0 : col_ + 1;
    }
    void crlf() noexcept { put("\r\n"); }
    std::size_t room() const noexcept { return sizeof(out_) - out_len_; }

    /// Appends one word of a header, folding before it when the line would pass 78 octets
    /// (RFC 5322 §2.2.3: the fold is a CRLF before white space).
    void put_word(std::string_view word, bool space_before) {
        const std::size_t need = word.size() + (space_before ? 1 : 0);
        if (space_before && col_ > 1 && col_ + need > 78) {
            crlf();
            put(" ");
            put(word);
            return;
        }
        if (space_before) put(" ");
        put(word);
    }

    /// Unstructured text (Subject, custom values): words as they are when it is printable ASCII
    /// without "=?" and no word is too long to fold; else RFC 2047 encoded-words.
    void put_unstructured(std::string_view text) {
        // Plain only when folding can keep it exact: single spaces between words, none at either
        // end (a fold turns one space into CRLF SP, and no folded line may be only white space,
        // RFC 5322 §3.2.2). Anything else is encoded, which keeps every character.
        bool plain = detail::mime::is_ascii_printable(text) && text.find("=?") == std::string_view::npos &&
                     text.find("  ") == std::string_view::npos &&
                     (text.empty() || (text.front() != ' ' && text.back() != ' '));
        if (plain) {
            // Every word must fit a line: the first after "Name: ", the others after a fold.
            std::size_t run = 0;
            bool first_word = true;
            for (char c : text) {
                if (c == ' ' || c == '\t') {
                    if (run != 0) first_word = false;
                    run = 0;
                    continue;
                }
                ++run;
                if ((first_word ? col_ + run : 1 + run) > 78) plain = false;
            }
        }
        if (plain) {
            put_phrase_words(text);
        } else {
            put_encoded_words(text);
        }
    }
    void put_phrase_words(std::string_view text) {
        std::size_t i = 0;
        bool first = true;
        while (i < text.size()) {
            std::size_t j = text.find(' ', i);
            if (j == std::string_view::npos) j = text.size();
            if (j > i) {
                put_word(mailwire::detail::sub(text, i, j - i), !first);
                first = false;
            } else if (!first) {
                put(" "); // keep runs of spaces
            }
            i = j + 1;
        }
    }

    /// RFC 2047 §4.1 "B" encoded-words of UTF-8, each at most 75 octets and whole characters
    /// (§5), one per folded line after the first.
    void put_encoded_words(std::string_view text) {
        // "=?UTF-8?B?" + 4*ceil(n/3) + "?=" <= 75  ->  at most 45 octets of text per word; fewer
        // when that fits the rest of the current line (78), so the first word does not overflow it.
        std::size_t i = 0;
        bool first = true;
        while (i < text.size() || first) {
            const std::size_t used = col_ + (first ? 0 : 1) + 12;
            std::size_t max = used < 78 ? (78 - used) / 4 * 3 : 0;
            if (max < 6) {
                if (!first || col_ > 20) {
                    crlf(); // a fresh line has room for a whole word
                    put(" ");
                    first = true;
                }
                max = 45;
            }
            if (max > 45) max = 45;
            std::size_t n = 0;
            while (i + n < text.size()) {
                const std::size_t len = detail::mime::utf8_len(static_cast<unsigned char>(text[i + n]));
                if (n + len > max) break;
                n += len;
            }
            if (n == 0 && i < text.size()) n = 1; // a stray byte, so that progress is made
            char word[80] = "=?UTF-8?B?";
            std::size_t w = 10;
            w += base64_encode(mailwire::detail::sub(text, i, n), word + w, sizeof(word) - w - 2);
            word[w++] = '?';
            word[w++] = '=';
            put_word(std::string_view(word, w), !first);
            first = false;
            i += n;
            if (text.empty()) break;
        }
    }

    /// A display name: atoms, a quoted string, or encoded-words when it is not ASCII.
    void put_display(std::string_view d) {
        if (d.empty()) return;
        if (detail::mime::is_plain_phrase(d) && d.find("=?") == std::string_view::npos &&
            d.find("  ") == std::string_view::npos && d.size() <= 70) {
            put_phrase_words(d);
        } else if (detail::mime::is_ascii_printable(d) && quoted_size(d) <= 72 && d.find("=?") == std::string_view::npos) {
            char q[160];
            std::size_t n = 0;
            q[n++] = '"';
            for (char c : d) {
                if (c == '"' || c == '\\') q[n++] = '\\';
                q[n++] = c;
            }
            q[n++] = '"';
            put_word(std::string_view(q, n), false);
        } else {
            put_encoded_words(d);
        }
    }
    /// The length of d as a quoted-string (RFC 5322 §3.2.4): it cannot be folded inside, so a
    /// longer one is written as encoded-words instead.
    static std::size_t quoted_size(std::string_view d) noexcept {
        std::size_t n = 2;
        for (char c : d) n += (c == '"' || c == '\\') ? 2 : 1;
        return n;
    }
    void put_mailbox(const address_entry& m, bool first_in_list) {
        if (!first_in_list) put(",");
        if (!m.display.empty()) {
            if (!first_in_list) {
                if (col_ + 2 > 60) {
                    crlf();
                    put(" ");
                } else {
                    put(" ");
                }
            }
            put_display(m.display);
            char a[260];
            std::size_t n = 0;
            a[n++] = '<';
            std::memcpy(a + n, m.address.data(), m.address.size());
            n += m.address.size();
            a[n++] = '>';
            put_word(std::string_view(a, n), true);
        } else {
            put_word(m.address, !first_in_list);
        }
    }

    /// A MIME parameter value (RFC 2045 §5.1; RFC 2231 §4 for names that are not ASCII).
    void put_param(std::string_view name, std::string_view value) {
        put(";");
        bool simple = detail::mime::is_ascii_printable(value);
        for (char c : value)
            if (c == '"' || c == '\\') simple = false;
        char buf[800];
        std::size_t n = 0;
        auto add = [&](std::string_view s) {
            for (char c : s)
                if (n < sizeof(buf)) buf[n++] = c;
        };
        add(name);
        if (simple) {
            add("=\"");
            add(value);
            add("\"");
        } else {
            static const char hex[] = "0123456789ABCDEF";
            add("*=UTF-8''");
            for (char ch : value) {
                const unsigned char c = static_cast<unsigned char>(ch);
                if (mailwire::detail::is_let_dig(c) || c == '.' || c == '-' || c == '_') {
                    if (n < sizeof(buf)) buf[n++] = ch;
                } else if (n + 3 <= sizeof(buf)) {
                    buf[n++] = '%';
                    buf[n++] = hex[c >> 4];
                    buf[n++] = hex[c & 15];
                }
            }
        }
        put_word(std::string_view(buf, n), true);
    }

    void put_boundary_value(std::uint8_t level) {
        char b[12] = "=_mw_";
        b[5] = static_cast<char>('0' + level);
        put(std::string_view(b, 6));
    }

    void put_content_headers(std::uint8_t ref) {
        if (ref == ref_text || ref == ref_html) {
            put(ref == ref_text ? "Content-Type: text/plain; charset=utf-8" : "Content-Type: text/html; charset=utf-8");
            crlf();
            const cte c = ref == ref_text ? text_cte_ : html_cte_;
            put(c == cte_7bit ? "Content-Transfer-Encoding: 7bit"
                : c == cte_8bit ? "Content-Transfer-Encoding: 8bit"
                : c == cte_qp   ? "Content-Transfer-Encoding: quoted-printable"
                                : "Content-Transfer-Encoding: base64");
            crlf();
            return;
        }
        const part& p = parts_[ref];
        put("Content-Type: ");
        put(p.type);
        if (!p.filename.empty()) put_param("name", p.filename);
        crlf();
        put("Content-Transfer-Encoding: base64");
        crlf();
        if (!p.content_id.empty()) {
            put("Content-ID: <");
            put(p.content_id);
            put(">");
            crlf();
            put("Content-Disposition: inline");
        } else {
            put("Content-Disposition: attachment");
        }
        if (!p.filename.empty()) put_param("filename", p.filename);
        crlf();
    }

    void put_multipart_type(std::uint8_t kind, std::uint8_t level) {
        put(kind == mp_mixed ? "Content-Type: multipart/mixed; boundary=\""
            : kind == mp_related ? "Content-Type: multipart/related; boundary=\""
                                 : "Content-Type: multipart/alternative; boundary=\"");
        put_boundary_value(level);
        put("\"");
        crlf();
    }

    /// One step: fills out_ with the next piece. 1: more to come, 0: finished, -1: a source failed.
    int step() {
        switch (stage_) {
        case st_date:
            stage_ = st_from;
            if (have_date_) {
                put("Date: ");
                put(std::string_view(date_, date_len_));
                crlf();
            }
            return 1;
        case st_from:
            put("From: ");
            put_mailbox(from_, true);
            crlf();
            stage_ = st_sender;
            return 1;
        case st_sender:
            stage_ = st_to;
            if (!sender_.address.empty()) {
                put("Sender: ");
                put_mailbox(sender_, true);
                crlf();
            }
            return 1;
        case st_to:
        case st_cc:
        case st_reply_to: {
            const kind k = stage_ == st_to ? kind_to : stage_ == st_cc ? kind_cc : kind_reply_to;
            // One mailbox per step, so a long list never overflows out_.
            while (index_ < address_count_ && addresses_[index_].k != k) ++index_;
            if (index_ < address_count_) {
                if (sub_ == 0) put(k == kind_to ? "To: " : k == kind_cc ? "Cc: " : "Reply-To: ");
                put_mailbox(addresses_[index_], sub_ == 0);
                ++sub_;
                ++index_;
                return 1;
            }
            if (sub_ != 0) crlf();
            index_ = 0;
            sub_ = 0;
            stage_ = stage_ == st_to ? st_cc : stage_ == st_cc ? st_reply_to : st_subject;
            return 1;
        }
        case st_subject:
            stage_ = st_message_id;
            if (!subject_.empty()) {
                put("Subject: ");
                put_unstructured(subject_);
                crlf();
            }
            return 1;
        case st_message_id:
            stage_ = st_custom;
            if (have_id_) {
                const std::string_view addr = from_.address;
                const std::size_t at = addr.rfind('@');
                put("Message-ID: <");
                put(std::string_view(id_, id_len_));
                put(".mailwire@");
                put(mailwire::detail::sub(addr, at + 1));
                put(">");
                crlf();
            }
            return 1;
        case st_custom:
            if (index_ < header_count_) {
                put(headers_[index_].name);
                put(": ");
                put_unstructured(headers_[index_].value);
                crlf();
                ++index_;
                return 1;
            }
            index_ = 0;
            stage_ = st_mime;
            return 1;
        case st_mime:
            put("MIME-Version: 1.0");
            crlf();
            if (single_ref_ != 0) {
                put_content_headers(single_ref_);
            } else {
                put_multipart_type(top_multipart_, 0);
            }
            stage_ = st_blank;
            return 1;
        case st_blank:
            crlf();
            stage_ = st_body;
            return 1;
        case st_body: return run_program();
        case st_done: return 0;
        }
        return 0;
    }

    int run_program() {
        if (in_content_) return content_step();
        const op o = prog_[pc_];
        switch (o.code) {
        case op_boundary:
            ++pc_;
            // RFC 2046 §5.1.1: the CRLF before "--boundary" belongs to the boundary. The first
            // boundary of the body has nothing before it to end.
            if (pc_ != 1) crlf();
            put("--");
            put_boundary_value(o.level);
            crlf();
            return 1;
        case op_close:
            ++pc_;
            crlf();
            put("--");
            put_boundary_value(o.level);
            put("--");
            return 1;
        case op_multipart_headers:
            ++pc_;
            put_multipart_type(o.target, o.level);
            crlf();
            return 1;
        case op_part_headers:
            ++pc_;
            if (single_ref_ == 0) {
                put_content_headers(o.target);
                crlf();
            }
            return 1;
        case op_content:
            ++pc_;
            begin_content(o.target);
            return 1;
        case op_end:
            if (single_ref_ == 0) crlf();
            stage_ = st_done;
            return 1;
        }
        return 0;
    }

    // -- content encoding
    void begin_content(std::uint8_t ref) {
        in_content_ = true;
        cur_ = ref == ref_text ? text_ : ref == ref_html ? html_ : parts_[ref].src;
        cur_cte_ = ref == ref_text ? text_cte_ : ref == ref_html ? html_cte_ : cte_base64;
        mem_pos_ = 0;
        in_len_ = in_pos_ = 0;
        eof_ = false;
        qp_line_ = 0;
        pending_cr_ = false;
        held_ws_ = 0;
        b64_carry_ = 0;
        b64_col_ = 0;
        line_start_ = true;
        if (dry_ && !cur_.in_memory()) {
            // Not read now: base64 of a known size is computed; anything else makes the size unknown.
            if (cur_cte_ == cte_base64 && cur_.size >= 0) {
                const std::uint64_t enc = mailwire::detail::div_u64(static_cast<std::uint64_t>(cur_.size) + 2, 3) * 4;
                dry_extra_ += enc + mailwire::detail::div_u64(enc + 75, 76) * 2;
            } else {
                size_known_ = false;
            }
            in_content_ = false;
        }
    }

    /// Refills the input buffer from the current source. Returns false on a source error.
    bool refill() {
        in_pos_ = 0;
        in_len_ = 0;
        if (cur_.in_memory()) {
            const std::size_t left = cur_.memory.size() - mem_pos_;
            const std::size_t n = left < sizeof(in_) ? left : sizeof(in_);
            if (n != 0) std::memcpy(in_, cur_.memory.data() + mem_pos_, n); // data() may be null when empty
            mem_pos_ += n;
            in_len_ = n;
            if (n == 0) eof_ = true;
            return true;
        }
        const std::ptrdiff_t got = cur_.fill(cur_.context, in_, sizeof(in_));
        if (got < 0 || static_cast<std::size_t>(got) > sizeof(in_)) return false;
        if (got == 0) eof_ = true;
        in_len_ = static_cast<std::size_t>(got);
        return true;
    }

    int content_step() {
        while (room() > 96) {
            if (in_pos_ == in_len_ && !eof_) {
                if (!refill()) return -1;
            }
            if (in_pos_ == in_len_ && eof_) {
                finish_content();
                in_content_ = false;
                return 1;
            }
            switch (cur_cte_) {
            case cte_base64: base64_step(); break;
            case cte_qp: qp_step(); break;
            default: plain_step(); break;
            }
        }
        return 1;
    }

    // base64 in lines of 76 (RFC 2045 §6.8), 57 input octets per line.
    void base64_step() {
        while (in_pos_ < in_len_ && room() > 96) {
            b64_in_[b64_carry_++] = in_[in_pos_++];
            if (b64_carry_ == 3) emit_b64_group();
        }
    }
    void emit_b64_group() {
        char four[4];
        base64_encode(std::string_view(b64_in_, b64_carry_), four, 4);
        put(std::string_view(four, 4));
        b64_carry_ = 0;
        b64_col_ += 4;
        if (b64_col_ == 76) {
            crlf();
            b64_col_ = 0;
        }
    }

    // quoted-printable (RFC 2045 §6.7): line ends of any kind become CRLF, lines at most 76
    // with "=" soft breaks, "=" and non-printables and trailing white space encoded, and a "."
    // at the start of a line encoded too, so no line of the body starts with "." at all.
    void qp_put_encoded(unsigned char c) {
        static const char hex[] = "0123456789ABCDEF";
        const char e[3] = {'=', hex[c >> 4], hex[c & 15]};
        qp_token(std::string_view(e, 3));
    }
    void qp_token(std::string_view t) {
        if (qp_line_ + t.size() > 75) {
            put("=\r\n");
            qp_line_ = 0;
        }
        put(t);
        qp_line_ += t.size();
    }
    void qp_flush_ws(bool before_break) {
        if (held_ws_ == 0) return;
        const unsigned char w = held_ws_;
        held_ws_ = 0;
        if (before_break) qp_put_encoded(w);
        else qp_token(std::string_view(reinterpret_cast<const char*>(&w), 1));
    }
    void qp_break() {
        qp_flush_ws(true);
        crlf();
        qp_line_ = 0;
        line_start_ = true;
    }
    void qp_step() {
        while (in_pos_ < in_len_ && room() > 96) {
            const unsigned char c = static_cast<unsigned char>(in_[in_pos_++]);
            if (pending_cr_) {
                pending_cr_ = false;
                qp_break();
                if (c == '\n') continue;
            }
            if (c == '\r') {
                pending_cr_ = true;
                continue;
            }
            if (c == '\n') {
                qp_break();
                continue;
            }
            if (c == ' ' || c == '\t') {
                qp_flush_ws(false);
                held_ws_ = c;
                line_start_ = false;
                continue;
            }
            qp_flush_ws(false);
            if (c == '=' || c < 32 || c > 126 || (line_start_ && c == '.')) qp_put_encoded(c);
            else qp_token(std::string_view(reinterpret_cast<const char*>(&c), 1));
            line_start_ = false;
        }
    }

    // 7bit / 8bit: the text with its line ends made CRLF (only chosen for checked memory text).
    void plain_step() {
        while (in_pos_ < in_len_ && room() > 96) {
            const char c = in_[in_pos_++];
            if (pending_cr_) {
                pending_cr_ = false;
                crlf();
                line_start_ = true;
                if (c == '\n') continue;
            }
            if (c == '\r') {
                pending_cr_ = true;
            } else if (c == '\n') {
                crlf();
                line_start_ = true;
            } else {
                put(std::string_view(&c, 1));
                line_start_ = false;
            }
        }
    }

    void finish_content() {
        if (cur_cte_ == cte_base64) {
            if (b64_carry_ > 0) emit_b64_group();
            if (b64_col_ > 0) {
                crlf();
                b64_col_ = 0;
            }
        } else if (cur_cte_ == cte_qp) {
            // Text ends with a line end (RFC 5321 §4.1.1.4 wants one before the final "." anyway).
            if (pending_cr_ || !line_start_ || held_ws_ != 0) qp_break();
            pending_cr_ = false;
        } else if (pending_cr_ || !line_start_) {
            pending_cr_ = false;
            crlf();
        }
    }

    // ------------------------------------------------------------------ state
    error first_error_;
    address_entry from_;
    address_entry sender_;
    address_entry addresses_[MaxAddresses];
    std::size_t address_count_ = 0;
    custom_header headers_[MaxHeaders];
    std::size_t header_count_ = 0;
    std::string_view subject_;
    content_source text_, html_;
    part parts_[MaxAttachments];
    std::size_t part_count_ = 0;

    clock_fn clock_ = nullptr;
    void* clock_ctx_ = nullptr;
    random_fn random_ = nullptr;
    void* random_ctx_ = nullptr;
    std::int64_t date_secs_ = 0;
    int date_offset_ = 0;
    char date_[40] = {};
    std::size_t date_len_ = 0;
    char id_[32] = {};
    std::size_t id_len_ = 0;

    std::uint64_t size_ = 0;
    std::uint64_t dry_extra_ = 0;

    op prog_[MaxAttachments * 3 + 16];
    std::size_t prog_len_ = 0, pc_ = 0;

    std::size_t index_ = 0, sub_ = 0;
    std::size_t col_ = 0;
    // One step's output. The longest step is one header: a 900-octet subject or custom value as
    // encoded-words (at most 44 octets of text per 75-character word, 3 for each fold) is under
    // 1,700 octets with its name; a content step stops 96 octets before the end.
    char out_[2048];
    std::size_t out_len_ = 0, out_pos_ = 0;

    content_source cur_;
    std::size_t mem_pos_ = 0;
    char in_[570];
    std::size_t in_len_ = 0, in_pos_ = 0;
    std::size_t qp_line_ = 0;
    std::size_t b64_carry_ = 0, b64_col_ = 0;
    // The small members last, together, so they pack (clang-tidy's padding check).
    bool has_text_ = false, has_html_ = false;
    text_encoding text_enc_ = text_encoding::automatic, html_enc_ = text_encoding::automatic;
    cte text_cte_ = cte_7bit, html_cte_ = cte_7bit;
    bool fixed_date_ = false;
    bool have_date_ = false, have_id_ = false;
    bool needs_utf8_ = false, eight_bit_ = false;
    bool size_known_ = false;
    bool dry_ = false;
    std::uint8_t top_multipart_ = 0;
    std::uint8_t single_ref_ = 0;
    stage stage_ = st_date;
    bool in_content_ = false;
    cte cur_cte_ = cte_7bit;
    bool eof_ = false;
    bool pending_cr_ = false, line_start_ = true;
    unsigned char held_ws_ = 0;
    char b64_in_[3] = {};
};

using message = basic_message<>;

/// Prepares the message for this server (8BITMIME, SMTPUTF8), fills the envelope from its
/// recipients (To, Cc, Bcc) and sends it. `storage` holds the envelope's recipients and, after
/// the call, each one's reply; it needs room for every recipient.
template <class Client, std::size_t A, std::size_t H, std::size_t P>
send_result send_message(Client& client, basic_message<A, H, P>& msg, recipient* storage, std::size_t capacity) {
    send_result res;
    const capabilities& caps = client.server_capabilities();
    res.err = msg.prepare(caps.eightbitmime, caps.smtputf8);
    if (res.err.ok() && msg.recipient_count() > capacity) {
        res.err.kind = error_kind::usage;
        res.err.why = cause::too_many;
    }
    if (!res.err.ok()) {
        res.err.where = phase::mail;
        return res;
    }
    envelope env;
    msg.fill_envelope(env, storage, capacity);
    return client.send(env, msg);
}

} // namespace mailwire

#endif // MAILWIRE_MESSAGE_HPP
