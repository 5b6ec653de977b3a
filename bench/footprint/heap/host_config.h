// SPDX-License-Identifier: BSL-1.0
/* The firmware's mbedTLS configuration (examples/firmware/mbedtls_config.h) for a host build that
 * measures its heap: the same features, buffers and allocator, with the C library's snprintf and
 * exit instead of the firmware's, and MBEDTLS_MEMORY_DEBUG for the allocator's peak
 * (bench/footprint/heap/measure.sh). */
#ifndef MAILWIRE_HEAP_HOST_CONFIG_H
#define MAILWIRE_HEAP_HOST_CONFIG_H

#include <stdio.h>
#include <stdlib.h>

#include "../../../examples/firmware/mbedtls_config.h"

#undef MBEDTLS_HAVE_ASM /* the firmware's is Thumb-2's; C on the host */
#undef MBEDTLS_PLATFORM_SNPRINTF_MACRO
#define MBEDTLS_PLATFORM_SNPRINTF_MACRO snprintf
#undef MBEDTLS_PLATFORM_EXIT_MACRO
#define MBEDTLS_PLATFORM_EXIT_MACRO exit
#define MBEDTLS_PLATFORM_FPRINTF_MACRO fprintf
#define MBEDTLS_MEMORY_DEBUG

#endif
