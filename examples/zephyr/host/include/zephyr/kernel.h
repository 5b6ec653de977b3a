// SPDX-License-Identifier: BSL-1.0
// Host stand-in for Zephyr's <zephyr/kernel.h>: only what mailwire and examples/zephyr use, with
// Zephyr's signatures (k_uptime_get, k_msleep, printk). Uptime counts from the program's start.
#pragma once
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

static inline int64_t k_uptime_get(void) {
    static int64_t start = -1;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    const int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    if (start < 0) start = now;
    return now - start;
}
static inline int32_t k_msleep(int32_t ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
    return 0;
}
__attribute__((format(printf, 1, 2))) static inline void printk(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fflush(stdout);
}
