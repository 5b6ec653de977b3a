// SPDX-License-Identifier: BSL-1.0
/* The platform functions mbedTLS needs on the firmware's TLS image, named by
 * examples/firmware/mbedtls_config.h (MBEDTLS_PLATFORM_*_MACRO): libc's would link malloc or
 * system calls this board does not have.
 *   mailwire_fw_snprintf   mbedtls_snprintf: newlib-nano's snprintf links malloc (its string
 *                          streams can grow); mbedTLS formats certificate names and
 *                          verification texts with it.
 *   mailwire_fw_fatal      mbedtls_exit: the static allocator found its heap corrupted (a double
 *                          free, an overrun). libc's exit needs _exit; this resets the MCU.
 *   mbedtls_platform_gmtime_r  with MAILWIRE_FW_TLS_TIME=1 only: newlib's reentrant gmtime_r
 *                          (mbedTLS would use gmtime, whose buffer newlib may allocate). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "mbedtls/platform.h" /* the configuration, and what it declares */
#if defined(MBEDTLS_HAVE_TIME_DATE)
#include "mbedtls/platform_util.h"
#include <time.h>
struct tm* mbedtls_platform_gmtime_r(const mbedtls_time_t* tt, struct tm* tm_buf) {
    const time_t t = (time_t)*tt;
    return gmtime_r(&t, tm_buf);
}
#endif

void mailwire_fw_fatal(int status) {
    (void)status;
    /* SCB->AIRCR: VECTKEY | SYSRESETREQ */
    *(volatile uint32_t*)0xE000ED0Cu = 0x05FA0004u;
    for (;;) {
    }
}

/* C99 semantics: writes at most n - 1 characters and a NUL, returns the length the whole output
 * would have had (negative on an unknown conversion). Supports %%, c, s, d, i, u, x, X with the
 * flags '-' and '0', a width and a precision (digits or '*'), and the length modifiers h, hh, l,
 * z: what mbedTLS's format strings use outside its debug module. Not ll: 32-bit arithmetic only
 * (64-bit division would link libgcc's __udivmoddi4, 700 bytes). */

typedef struct {
    char* s;
    size_t n;   /* capacity, NUL included */
    size_t len; /* characters produced so far (also beyond n) */
} out_t;

static void put(out_t* o, char c) {
    if (o->len + 1 < o->n) o->s[o->len] = c;
    ++o->len;
}

static void pad(out_t* o, char c, int count) {
    while (count-- > 0) put(o, c);
}

int mailwire_fw_snprintf(char* s, size_t n, const char* format, ...) {
    out_t o = {s, n, 0};
    va_list ap;
    va_start(ap, format);
    for (const char* f = format; *f != '\0'; ++f) {
        if (*f != '%') {
            put(&o, *f);
            continue;
        }
        ++f;
        int left = 0, zero = 0, width = 0, precision = -1, size = 0; /* size: 0 int, 1 long, 3 size_t */
        for (;; ++f) {
            if (*f == '-') left = 1;
            else if (*f == '0') zero = 1;
            else break;
        }
        if (*f == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                left = 1;
                width = -width;
            }
            ++f;
        } else {
            while (*f >= '0' && *f <= '9') width = width * 10 + (*f++ - '0');
        }
        if (*f == '.') {
            ++f;
            precision = 0;
            if (*f == '*') {
                precision = va_arg(ap, int);
                ++f;
            } else {
                while (*f >= '0' && *f <= '9') precision = precision * 10 + (*f++ - '0');
            }
        }
        for (;; ++f) {
            if (*f == 'h') continue; /* promoted to int anyway */
            if (*f == 'l' && size == 1) { va_end(ap); return -1; } /* ll */
            if (*f == 'l') size = 1;
            else if (*f == 'z') size = 3;
            else break;
        }
        char digits[24];
        int nd = 0;
        const char* str = digits;
        int len = 0;
        char sign = 0;
        switch (*f) {
        case '%': put(&o, '%'); continue;
        case 'c':
            digits[0] = (char)va_arg(ap, int);
            len = 1;
            break;
        case 's':
            str = va_arg(ap, const char*);
            if (str == NULL) str = "(null)";
            while (str[len] != '\0' && (precision < 0 || len < precision)) ++len;
            break;
        case 'd':
        case 'i':
        case 'u':
        case 'x':
        case 'X': {
            unsigned long v; /* long, int and size_t: 32 bits here */
            if (*f == 'd' || *f == 'i') {
                const long sv = size == 1 ? va_arg(ap, long) : size == 3 ? (long)va_arg(ap, size_t) : va_arg(ap, int);
                if (sv < 0) {
                    sign = '-';
                    v = 0ul - (unsigned long)sv;
                } else {
                    v = (unsigned long)sv;
                }
            } else {
                v = size == 1 ? va_arg(ap, unsigned long) : size == 3 ? va_arg(ap, size_t) : va_arg(ap, unsigned int);
            }
            const unsigned base = (*f == 'x' || *f == 'X') ? 16u : 10u;
            const char* hex = *f == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
            char rev[24];
            do {
                rev[nd++] = hex[v % base];
                v /= base;
            } while (v != 0);
            while (nd < precision && nd < (int)sizeof(rev)) rev[nd++] = '0';
            for (int i = 0; i < nd; ++i) digits[i] = rev[nd - 1 - i];
            len = nd;
            if (precision >= 0) zero = 0;
            break;
        }
        default: va_end(ap); return -1;
        }
        const int total = len + (sign ? 1 : 0);
        if (!left && !zero) pad(&o, ' ', width - total);
        if (sign) put(&o, sign);
        if (!left && zero) pad(&o, '0', width - total);
        for (int i = 0; i < len; ++i) put(&o, str[i]);
        if (left) pad(&o, ' ', width - total);
    }
    va_end(ap);
    if (n > 0) s[o.len < n ? o.len : n - 1] = '\0';
    return (int)o.len;
}
