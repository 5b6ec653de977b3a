// SPDX-License-Identifier: BSL-1.0
// mailwire - how the composer encodes a part's content: the definitions of the composer members (composer.hpp)
// that read the part's source and write it as base64 in lines of 76 (RFC 2045 §6.8),
// quoted-printable (RFC 2045 §6.7) or as it is (7bit, 8bit), every line end made CRLF.
#ifndef MAILWIRE_MIME_ENCODING_HPP
#define MAILWIRE_MIME_ENCODING_HPP

#include "composer.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace mailwire {
inline namespace MAILWIRE_ABI {
namespace detail {
namespace mime {

inline const source_slot& composer::source_of(std::uint8_t ref) const noexcept {
    return ref >= ref_text ? body_[ref - ref_text] : parts_[ref].src;
}

inline void composer::begin_content(std::uint8_t ref) {
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

inline bool composer::refill() {
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

inline int composer::content_step() {
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
        if (MAILWIRE_BULK_CONTENT && bulk_run()) continue;
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

inline bool composer::bulk_run() {
    const std::size_t avail = e_.in_len - e_.in_pos;
    const char* const p = in_at_ + e_.in_pos;
    const std::size_t space = room() - 96; // content_step leaves 96 octets (room() > 96 here)
    std::size_t k = 0;
    if (cur_cte_ == cte_base64) {
        // A whole line: 57 octets, 76 characters and CRLF (RFC 2045 §6.8).
        if (e_.b64_carry != 0 || e_.b64_col != 0 || avail < 57 || space < 78) return false;
        const auto out = [this](char ch) {
            out_[out_len_++] = ch;
            return true;
        };
        for (std::size_t g = 0; g < 57; g += 3)
            (void)base64_quad(reinterpret_cast<const unsigned char*>(p) + g, 3, out);
        e_.in_pos += 57;
        crlf();
        return true;
    }
    if (e_.pending_cr || e_.held_ws != 0) return false;
    if (cur_cte_ == cte_qp) {
        // Characters that stand for themselves (RFC 2045 §6.7 rule 2), while the line has room
        // for them before a soft break; a "." at a line's start is encoded (qp_out).
        const std::size_t line_room = e_.qp_line < 75 ? 75 - e_.qp_line : 0;
        const std::size_t most = avail < line_room ? avail : line_room;
        while (k < most && k < space) {
            const unsigned char c = static_cast<unsigned char>(p[k]);
            if (c < 33 || c > 126 || c == '=' || (k == 0 && !e_.mid_line && c == '.')) break;
            ++k;
        }
    } else {
        // 7bit and 8bit (checked text in memory): as it is, up to the next line end.
        while (k < avail && k < space && p[k] != '\r' && p[k] != '\n') ++k;
    }
    if (k < 2) return false;
    if (cur_cte_ == cte_qp) e_.qp_line += k;
    std::memcpy(out_ + out_len_, p, k);
    out_len_ += k;
    col_ += k;
    e_.in_pos += k;
    e_.mid_line = true;
    return true;
}

inline void composer::b64_group() {
    put_b64(e_.b64_in, e_.b64_carry);
    e_.b64_carry = 0;
    e_.b64_col += 4;
    if (e_.b64_col == 76) {
        crlf();
        e_.b64_col = 0;
    }
}

inline void composer::qp_out(unsigned char c, bool encoded) {
    const std::size_t n = encoded ? 3 : 1;
    if (e_.qp_line + n > 75) {
        put(token::qp_soft_break);
        e_.qp_line = 0;
    }
    e_.qp_line += n;
    put1(encoded ? '=' : static_cast<char>(c));
    if (encoded) put_hex(c);
}

inline void composer::qp_flush_ws(bool before_break) {
    if (e_.held_ws == 0) return;
    const unsigned char w = e_.held_ws;
    e_.held_ws = 0;
    qp_out(w, before_break);
}

inline void composer::line_break() {
    qp_flush_ws(true);
    crlf();
    e_.pending_cr = false;
    e_.qp_line = 0;
    e_.mid_line = false;
}

} // namespace mime
} // namespace detail
} // inline namespace MAILWIRE_ABI
} // namespace mailwire

#endif // MAILWIRE_MIME_ENCODING_HPP
