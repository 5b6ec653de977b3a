// SPDX-License-Identifier: BSL-1.0
// Host implementations of the ESP-IDF calls examples/esp-idf/main/main.cpp makes, so that it links
// and runs on Linux (scripts/esp-idf-host.sh):
//   - example_connect, nvs_flash_*, esp_netif_init, esp_event_loop_create_default,
//     esp_vfs_spiffs_register: nothing to do, the host's network is up and its files are there;
//   - esp_crt_bundle_attach: loads the CA file named by MAILWIRE_HOST_CA_FILE into the mbedTLS
//     configuration (the real one attaches ESP-IDF's bundle of public roots);
//   - xTaskCreate: runs the task on a thread whose stack is painted, so that
//     uxTaskGetStackHighWaterMark reports what the task really used (of the size it asked for);
//   - main: calls app_main, waits for the task to delete itself, prints what it measured: the
//     task's stack and its heap peak (malloc is interposed, as in tests/tls_memory).
#include "esp_crt_bundle.h"
#include "esp_event.h"
#include "esp_log.h"
#include "esp_netif.h"
#include "esp_spiffs.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "nvs_flash.h"
#include "protocol_examples_common.h"

#include <mailwire/mailwire.hpp>
#include <mailwire/mbedtls_tls.hpp>
#include <mailwire/posix_transport.hpp>

#include <mbedtls/x509_crt.h>

#include <atomic>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <malloc.h>
#include <pthread.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

extern "C" void app_main(void);

// ------------------------------------------------------------------------------------ the heap
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void __libc_free(void*);
}

namespace {
std::atomic<long long> heap_now{0};
std::atomic<long long> heap_peak{0};
long long heap_base = 0; // in use when the task was created

void took(void* p) {
    if (p == nullptr) return;
    const long long now = heap_now.fetch_add(static_cast<long long>(malloc_usable_size(p))) +
                          static_cast<long long>(malloc_usable_size(p));
    long long peak = heap_peak.load();
    while (now > peak && !heap_peak.compare_exchange_weak(peak, now)) {
    }
}
void gave(void* p) {
    if (p != nullptr) heap_now.fetch_sub(static_cast<long long>(malloc_usable_size(p)));
}
} // namespace

extern "C" {
void* malloc(std::size_t n) {
    void* p = __libc_malloc(n);
    took(p);
    return p;
}
void* calloc(std::size_t n, std::size_t size) {
    void* p = __libc_calloc(n, size);
    took(p);
    return p;
}
void* realloc(void* old, std::size_t n) {
    gave(old);
    void* p = __libc_realloc(old, n);
    took(p != nullptr ? p : (n != 0 ? old : nullptr));
    return p;
}
void free(void* p) {
    gave(p);
    __libc_free(p);
}
}

// ------------------------------------------------------------------------------------- logging
extern "C" uint32_t esp_log_timestamp(void) {
    static const std::uint64_t start = [] {
        timespec ts{};
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return static_cast<std::uint64_t>(ts.tv_sec) * 1000u + static_cast<std::uint64_t>(ts.tv_nsec / 1000000);
    }();
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint32_t>(static_cast<std::uint64_t>(ts.tv_sec) * 1000u +
                                 static_cast<std::uint64_t>(ts.tv_nsec / 1000000) - start);
}

extern "C" void esp_log_write(esp_log_level_t, const char*, const char* format, ...) {
    va_list ap;
    va_start(ap, format);
    std::vprintf(format, ap);
    va_end(ap);
    std::fflush(stdout);
}

// ------------------------------------------------------------------------- system and network
extern "C" esp_err_t nvs_flash_init(void) { return ESP_OK; }
extern "C" esp_err_t nvs_flash_erase(void) { return ESP_OK; }
// Nothing to mount: the host run's attachment is a host file (CONFIG_MAILWIRE_ATTACHMENT).
extern "C" esp_err_t esp_vfs_spiffs_register(const esp_vfs_spiffs_conf_t* conf) {
    return conf != nullptr && conf->base_path != nullptr ? ESP_OK : ESP_ERR_INVALID_ARG;
}
extern "C" esp_err_t esp_netif_init(void) { return ESP_OK; }
extern "C" esp_err_t esp_event_loop_create_default(void) { return ESP_OK; }
extern "C" esp_err_t example_connect(void) {
    ESP_LOGI("example_connect", "host: no Wi-Fi to join, the host's network is used");
    return ESP_OK;
}

// -------------------------------------------------------------------------- trust (the bundle)
extern "C" esp_err_t esp_crt_bundle_attach(void* conf) {
    static mbedtls_x509_crt ca; // lives as long as the configuration may (the real bundle is static too)
    static bool loaded = false;
    const char* file = std::getenv("MAILWIRE_HOST_CA_FILE");
    if (!loaded) {
        mbedtls_x509_crt_init(&ca);
        if (file == nullptr || mbedtls_x509_crt_parse_file(&ca, file) != 0) {
            ESP_LOGE("esp-x509-crt-bundle", "host: cannot load MAILWIRE_HOST_CA_FILE=%s", file ? file : "(unset)");
            return ESP_FAIL;
        }
        loaded = true;
    }
    if (conf != nullptr) mbedtls_ssl_conf_ca_chain(static_cast<mbedtls_ssl_config*>(conf), &ca, nullptr);
    return ESP_OK;
}

// --------------------------------------------------------------------------------------- tasks
namespace {
constexpr unsigned char paint = 0xA5;
constexpr std::size_t host_stack_size = 256 * 1024; // room to measure even a task that overruns

struct task {
    TaskFunction_t function;
    void* parameter;
    std::uint32_t requested;     // what the task asked for, in bytes (ESP-IDF's unit)
    unsigned char* stack;        // the thread's whole stack, painted
    std::uintptr_t entry = 0;    // the stack pointer's neighbourhood when the task function starts
    std::size_t used = 0;        // measured when it deletes itself
};
thread_local task* current = nullptr;
pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t done_signal = PTHREAD_COND_INITIALIZER;
task* finished = nullptr;

std::size_t stack_used(const task& t) {
    std::size_t untouched = 0;
    while (untouched < host_stack_size && t.stack[untouched] == paint) ++untouched;
    const std::uintptr_t lowest = reinterpret_cast<std::uintptr_t>(t.stack) + untouched;
    return t.entry > lowest ? t.entry - lowest : 0;
}

void* trampoline(void* arg) {
    task* t = static_cast<task*>(arg);
    current = t;
    volatile unsigned char here = 0; // the task's stack starts about here
    t->entry = reinterpret_cast<std::uintptr_t>(&here);
    t->function(t->parameter); // ends in vTaskDelete(nullptr)
    return nullptr;
}
} // namespace

extern "C" BaseType_t xTaskCreate(TaskFunction_t code, const char* const, const configSTACK_DEPTH_TYPE stack_bytes,
                                  void* const parameter, UBaseType_t, TaskHandle_t* const created) {
    void* stack = mmap(nullptr, host_stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (stack == MAP_FAILED) return pdFAIL;
    std::memset(stack, paint, host_stack_size);
    task* t = new task{code, parameter, stack_bytes, static_cast<unsigned char*>(stack)};
    heap_base = heap_now.load(); // the task's heap peak counts from here
    heap_peak.store(heap_base);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstack(&attr, stack, host_stack_size);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t thread;
    const int rc = pthread_create(&thread, &attr, trampoline, t);
    pthread_attr_destroy(&attr);
    if (rc != 0) return pdFAIL;
    if (created != nullptr) *created = reinterpret_cast<TaskHandle_t>(t);
    return pdPASS;
}

extern "C" UBaseType_t uxTaskGetStackHighWaterMark(TaskHandle_t handle) {
    const task* t = handle != nullptr ? reinterpret_cast<const task*>(handle) : current;
    if (t == nullptr) return 0;
    const std::size_t used = stack_used(*t);
    return used >= t->requested ? 0 : static_cast<UBaseType_t>(t->requested - used);
}

extern "C" void vTaskDelete(TaskHandle_t handle) {
    task* t = handle != nullptr ? reinterpret_cast<task*>(handle) : current;
    if (t == nullptr) return;
    t->used = stack_used(*t);
    pthread_mutex_lock(&done_lock);
    finished = t;
    pthread_cond_signal(&done_signal);
    pthread_mutex_unlock(&done_lock);
    if (t == current) {
        for (;;) pause(); // a deleted FreeRTOS task never runs again; main ends the process
    }
}

// ---------------------------------------------------------------------------------------- main
int main() {
    using smtp_client = mailwire::client<mailwire::posix_transport, mailwire::mbedtls_tls, mailwire::profiles::submission>;
    app_main();
    pthread_mutex_lock(&done_lock);
    while (finished == nullptr) pthread_cond_wait(&done_signal, &done_lock);
    const task result = *finished;
    pthread_mutex_unlock(&done_lock);
    std::printf("host: the task used %zu of the %u bytes of stack it asked for (x86-64, glibc printf)\n",
                result.used, static_cast<unsigned>(result.requested));
    std::printf("host: the task's heap peak %lld bytes (mbedTLS %s: its record buffers and the handshake); "
                "sizeof(client) %zu bytes (static)\n",
                heap_peak.load() - heap_base, MBEDTLS_VERSION_STRING, sizeof(smtp_client));
    std::fflush(stdout);
    return result.used <= result.requested ? 0 : 3;
}
