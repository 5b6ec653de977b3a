// SPDX-License-Identifier: BSL-1.0
// Host stand-in for ESP-IDF's freertos/task.h. The host implementation (../../stubs.cpp) runs a
// task as a thread with a painted stack, so uxTaskGetStackHighWaterMark measures for real.
#pragma once
#include "FreeRTOS.h"

#ifdef __cplusplus
extern "C" {
#endif
typedef void (*TaskFunction_t)(void*);
typedef struct tskTaskControlBlock* TaskHandle_t;
BaseType_t xTaskCreate(TaskFunction_t pxTaskCode, const char* const pcName, const configSTACK_DEPTH_TYPE usStackDepth,
                       void* const pvParameters, UBaseType_t uxPriority, TaskHandle_t* const pxCreatedTask);
void vTaskDelete(TaskHandle_t xTaskToDelete);
UBaseType_t uxTaskGetStackHighWaterMark(TaskHandle_t xTask);
#ifdef __cplusplus
}
#endif
