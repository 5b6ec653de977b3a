// SPDX-License-Identifier: BSL-1.0
// Minimal Cortex-M4 startup: the vector table, .data and .bss set up, constructors run, main().
#include "board.hpp"

extern "C" {
extern std::uint32_t _data_load, _data_start, _data_end, _bss_start, _bss_end, _stack_top;
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
int main();

[[noreturn]] void Reset_Handler() {
    // The FPU first (CPACR: full access to CP10 and CP11): code built with -mfloat-abi=hard may
    // use its registers anywhere, a block copy included, and without it faults (UsageFault NOCP;
    // found by running the composer image on QEMU).
    volatile std::uint32_t* const cpacr = reinterpret_cast<volatile std::uint32_t*>(0xE000ED88u);
    *cpacr = *cpacr | (0xFu << 20);
    __asm volatile("dsb\n\tisb" ::: "memory");
    std::uint32_t* src = &_data_load;
    for (std::uint32_t* dst = &_data_start; dst < &_data_end;) *dst++ = *src++;
    for (std::uint32_t* dst = &_bss_start; dst < &_bss_end;) *dst++ = 0;
    for (void (**f)() = __init_array_start; f < __init_array_end; ++f) (*f)();
    board::start();
    main();
    for (;;) {
    }
}
void Default_Handler() {
    for (;;) {
    }
}
// Global objects' destructors never run on this target: registering them does nothing.
void* __dso_handle = nullptr;
int __aeabi_atexit(void*, void (*)(void*), void*) { return 0; }

void SysTick_Handler() { board::ticks = board::ticks + 1; }
void USART1_IRQHandler() {
    const std::uint8_t byte = static_cast<std::uint8_t>(board::usart1->dr);
    const std::uint16_t next = static_cast<std::uint16_t>((board::uart_rx.head + 1) % sizeof(board::uart_rx.data));
    if (next != board::uart_rx.tail) {
        board::uart_rx.data[board::uart_rx.head] = byte;
        board::uart_rx.head = next;
    }
}

// Cortex-M4 vectors: stack top, reset, 14 system exceptions, then the interrupts (USART1 is 37).
__attribute__((section(".isr_vector"), used)) void* const vectors[16 + 38] = {
    &_stack_top,
    reinterpret_cast<void*>(&Reset_Handler),
    reinterpret_cast<void*>(&Default_Handler), // NMI
    reinterpret_cast<void*>(&Default_Handler), // HardFault
    nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
    reinterpret_cast<void*>(&Default_Handler), // PendSV
    reinterpret_cast<void*>(&SysTick_Handler),
    nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
    nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
    nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
    nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
    reinterpret_cast<void*>(&USART1_IRQHandler),
};
}

namespace board {
volatile std::uint32_t ticks = 0;
ring uart_rx;

void start() {
    // SysTick: every millisecond from the 168 MHz core clock.
    volatile std::uint32_t* const syst = reinterpret_cast<volatile std::uint32_t*>(0xE000E010u);
    syst[1] = 168000u - 1u; // LOAD
    syst[2] = 0;            // VAL
    syst[0] = 7u;           // CTRL: ENABLE | TICKINT | CLKSOURCE (the processor clock)
    // USART1 (on APB2 at 84 MHz): its clock on, 115200 baud 8N1, receive interrupt.
    volatile std::uint32_t* const rcc_apb2enr = reinterpret_cast<volatile std::uint32_t*>(0x40023844u);
    *rcc_apb2enr = *rcc_apb2enr | (1u << 4);
    usart1->brr = 84000000u / 115200u;
    usart1->cr1 = (1u << 13) | (1u << 5) | (1u << 3) | (1u << 2); // UE | RXNEIE | TE | RE
    // NVIC: enable interrupt 37 (USART1).
    volatile std::uint32_t* const nvic_iser1 = reinterpret_cast<volatile std::uint32_t*>(0xE000E104u);
    *nvic_iser1 = 1u << (37 - 32);
}
} // namespace board
