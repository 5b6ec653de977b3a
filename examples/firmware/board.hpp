// The board support a firmware project already has: a millisecond tick (SysTick) and a UART to a
// modem, with received bytes put into a ring buffer by the UART interrupt. Register addresses are
// an STM32F4's USART1; only the shape matters here (the images are built and measured, not run).
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

} // namespace board

#endif
