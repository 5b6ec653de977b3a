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
        c.put_text(t_colon);
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
    put_text(t_dashes);
    put_text(t_mw);
    put1(static_cast<char>('0' + level));
    if (close) {
        put_text(t_dashes);
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
