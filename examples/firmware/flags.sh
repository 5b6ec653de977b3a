# SPDX-License-Identifier: BSL-1.0
# The Cortex-M4 build of examples/firmware, in one place: bench/footprint/run.sh measures it,
# bench/footprint/mbedtls.sh builds mbedTLS with it, scripts/firmware-qemu.sh runs it. Sourced by
# those scripts (bash), after they set fw to this directory.
# shellcheck shell=bash
fw_c_flags=(-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -Os -ffunction-sections -fdata-sections
            -DNDEBUG)
# C++: no exceptions, no RTTI, no thread-safe statics; the firmware's mailwire_config.h (in $fw)
# before mailwire's headers.
fw_cxx_flags=("${fw_c_flags[@]}" -std=c++17 -fno-exceptions -fno-rtti -fno-threadsafe-statics -Wall -Wextra
              -Werror -I "$fw" -I "$fw/../../include")
# No start files, newlib-nano, unused sections dropped, the board's memory map (no heap).
fw_link_flags=(-nostartfiles --specs=nano.specs -Wl,--gc-sections -T "$fw/link.ld")
