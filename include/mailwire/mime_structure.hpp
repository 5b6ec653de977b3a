// SPDX-License-Identifier: BSL-1.0
// mailwire - how the composer walks a message's MIME structure: the definitions of the composer
// members that produce it step by step, the headers, then the bodies, inline parts and attachments
// in their multiparts (RFC 2046 §5.1), with their boundaries.
#ifndef MAILWIRE_MIME_STRUCTURE_HPP
#define MAILWIRE_MIME_STRUCTURE_HPP

#include "composer.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mailwire {
inline namespace MAILWIRE_ABI {
namespace detail {
namespace mime {

inline int composer::step() {
    if (in_content_) return content_step();
    switch (stage_) {
    case st_date:
        if (optional_step(date_writer_)) return 1;
        break;
    case st_from:
        if (address_step(kind_from, field::from)) return 1;
        break;
    case st_sender:
        if (address_step(kind_sender, field::sender)) return 1;
        break;
    case st_to:
        if (address_step(kind_to, field::to)) return 1;
        break;
    case st_cc:
        if (address_step(kind_cc, field::cc)) return 1;
        break;
    case st_reply_to:
        if (address_step(kind_reply_to, field::reply_to)) return 1;
        break;
    case st_subject:
        if (!subject_.empty()) {
            put(field::subject);
            put_words(subject_, false);
            crlf();
        }
        break;
    case st_message_id:
        if (optional_step(id_writer_)) return 1;
        break;
    case st_custom:
        if (optional_step(custom_writer_)) return 1;
        break;
    case st_mime:
        put(field::mime_version);
        put(token::mime_1_0);
        crlf();
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
    case st_html:
    case st_alt_close:
    case st_inline:
        if (optional_step(rich_writer_)) return 1;
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

inline bool composer::address_step(kind k, std::string_view field_name) {
    // From and Sender are lists of one, whose entry has its kind only once set (all zeros before).
    const bool own = k == kind_from || k == kind_sender;
    const address_entry* list = k == kind_from ? &from_ : k == kind_sender ? &sender_ : addr_;
    const std::size_t count = own ? 1 : address_count_;
    while (index_ < count && list[index_].k != k) ++index_;
    if (index_ < count) {
        if (sub_ == 0) put(field_name);
        put_mailbox(list[index_], sub_ == 0);
        sub_ = 1;
        ++index_;
        return true;
    }
    if (sub_ != 0) crlf();
    index_ = 0;
    sub_ = 0;
    return false;
}

inline int composer::parts_step(bool want_inline) {
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

inline int composer::custom_step(composer& c, stage s) {
    if (s != st_done && c.index_ < c.header_count_) {
        const custom_header& h = c.hdr_[c.index_++];
        c.put(h.name);
        c.put(": ");
        c.put_words(h.value, false);
        c.crlf();
        return 1;
    }
    c.index_ = 0;
    return 0;
}

inline void composer::boundary(std::uint8_t level, bool close) {
    if (opened_ || close) crlf();
    opened_ = true;
    put(token::boundary_dashes);
    put(token::boundary_prefix);
    put1(static_cast<char>('0' + level));
    if (close) {
        put(token::boundary_dashes);
    } else {
        crlf();
    }
}

inline void composer::begin_part(std::uint8_t level, std::uint8_t ref) {
    if (single_ref_ == 0) part_head(level, ref);
    begin_content(ref);
}

inline void composer::part_head(std::uint8_t level, std::uint8_t ref) {
    boundary(level);
    put_content_headers(ref);
    crlf();
}

} // namespace mime
} // namespace detail
} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_MIME_STRUCTURE_HPP
