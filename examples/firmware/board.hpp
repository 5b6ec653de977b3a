// SPDX-License-Identifier: BSL-1.0
// The board support a firmware project already has: a millisecond tick (SysTick) and a UART to a
// modem, with received bytes put into a ring buffer by the UART interrupt. Register addresses are
// an STM32F4's (USART1, RCC, the RNG) at 168 MHz, which is also QEMU's netduinoplus2: the plain
// image runs there (scripts/firmware-qemu.sh).
#ifndef MAILWIRE_FIRMWARE_BOARD_HPP
#define MAILWIRE_FIRMWARE_BOARD_HPP

#include <cstddef>
#include <cstdint>

namespace board {

extern volatile std::uint32_t ticks; // incremented every millisecond by SysTick_Handler

struct usart_regs {
    volatile std::uint32_t sr, dr, brr, cr1, cr2, cr3, gtpr;
};
inline usart_regs* const usart1 = reinterpret_cast<usart_regs*>(0x40011000u);
constexpr std::uint32_t sr_txe = 1u << 7;

/// Filled by USART1_IRQHandler, drained by the transport.
struct ring {
    volatile std::uint8_t data[512];
    volatile std::uint16_t head = 0; // written by the interrupt
    volatile std::uint16_t tail = 0; // written by the reader
};
extern ring uart_rx;

/// Starts the tick and the modem's UART; Reset_Handler calls it before main.
void start();

/// The hardware random number generator (an STM32F4's RNG: 32 bits of analog noise per read),
/// the TLS image's entropy source. rng_start enables its clock and the generator.
struct rng_regs {
    volatile std::uint32_t cr, sr, dr;
};
inline rng_regs* const rng = reinterpret_cast<rng_regs*>(0x50060800u);
inline volatile std::uint32_t* const rcc_ahb2enr = reinterpret_cast<volatile std::uint32_t*>(0x40023834u);
inline void rng_start() {
    *rcc_ahb2enr = *rcc_ahb2enr | (1u << 6); // RNGEN
    rng->cr = 1u << 2;                       // RNGEN
}
/// Fills out with len random bytes; false on a seed or clock error (SR.SECS, SR.CECS), or when
/// no word is ready within `spins` polls.
inline bool rng_fill(unsigned char* out, std::size_t len, std::uint32_t spins = 100000) {
    while (len > 0) {
        std::uint32_t wait = spins;
        while ((rng->sr & 1u) == 0) { // DRDY
            if ((rng->sr & 0x6u) != 0 || --wait == 0) return false;
        }
        std::uint32_t word = rng->dr;
        for (int i = 0; i < 4 && len > 0; ++i, --len) {
            *out++ = static_cast<unsigned char>(word);
            word >>= 8;
        }
    }
    return true;
}

} // namespace board

#endif
