# SPDX-License-Identifier: BSL-1.0
# mbedtls_tls.hpp's mbedTLS 4.x code path compiles: `cmake -DCXX=... -DROOT=... -DOUT=... -P this`.
# The shim directory makes Debian's 2.28 headers report version 4.0 and adds the two 3.x/4.x calls
# 2.28 lacks; the policy and a client using it are compiled (-fsyntax-only, -Werror) with it, and
# once more without it as the control (the same file must compile against the real 2.28 too). The
# real 4.x run (the TLS suite against mbedTLS 4.0.0 built from source) is recorded in docs/tls.md.
foreach(var CXX ROOT OUT)
    if(NOT ${var})
        message(FATAL_ERROR "pass -D${var}=...")
    endif()
endforeach()
set(shim "${CMAKE_CURRENT_LIST_DIR}/shim")
file(MAKE_DIRECTORY "${OUT}")
file(WRITE "${OUT}/mbedtls4_path.cpp" [=[
#include <mailwire/mailwire.hpp>
#include <mailwire/mbedtls_tls.hpp>
#if MAILWIRE_EXPECT_MBEDTLS4 && MBEDTLS_VERSION_MAJOR != 4
#error "the shim did not take effect"
#endif
int main() {
    mailwire::client<mailwire::posix_transport, mailwire::mbedtls_tls, mailwire::profiles::submission> c;
    c.tls().settings().tls12_only = true;
    return c.is_open() ? 1 : 0;
}
]=])
foreach(variant IN ITEMS 4 control)
    set(flags -std=c++17 -fsyntax-only -Wall -Wextra -Werror "-I${ROOT}/include")
    if(variant STREQUAL "4")
        list(PREPEND flags "-I${shim}" -DMAILWIRE_EXPECT_MBEDTLS4=1)
    endif()
    execute_process(COMMAND "${CXX}" ${flags} "${OUT}/mbedtls4_path.cpp"
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "the mbedtls_tls.hpp code path for mbedTLS ${variant} does not compile:\n${out}${err}")
    endif()
endforeach()
message(STATUS "mbedtls_tls.hpp compiles on its mbedTLS 4.x path (over 2.28's headers) and on 2.28's")
