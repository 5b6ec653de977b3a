// Minimal Cortex-M4 startup: the vector table, .data and .bss set up, constructors run, main().
#include "board.hpp"

extern "C" {
extern std::uint32_t _data_load, _data_start, _data_end, _bss_start, _bss_end, _stack_top;
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
int main();

[[noreturn]] void Reset_Handler() {
    std::uint32_t* src = &_data_load;
    for (std::uint32_t* dst = &_data_start; dst < &_data_end;) *dst++ = *src++;
    for (std::uint32_t* dst = &_bss_start; dst < &_bss_end;) *dst++ = 0;
    for (void (**f)() = __init_array_start; f < __init_array_end; ++f) (*f)();
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
} // namespace board
