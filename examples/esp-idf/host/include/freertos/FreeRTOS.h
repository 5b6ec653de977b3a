// SPDX-License-Identifier: BSL-1.0
// Host stand-in for ESP-IDF's FreeRTOS.h: the types ESP-IDF's port gives them.
#pragma once
#include <stdint.h>

typedef int BaseType_t;
typedef unsigned int UBaseType_t;
typedef uint32_t TickType_t;
#define configSTACK_DEPTH_TYPE uint32_t // ESP-IDF: stack sizes are in bytes
#define pdTRUE ((BaseType_t)1)
#define pdFALSE ((BaseType_t)0)
#define pdPASS (pdTRUE)
#define pdFAIL (pdFALSE)
