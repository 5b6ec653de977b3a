# SPDX-License-Identifier: BSL-1.0
# cmake -DPAGE=file.1 -DPROGRAM=name -DEXPECT=--a,--b -P check_man_page.cmake
# A generated man page is a man page of PROGRAM (.TH), has its examples as a section of their own,
# and documents every option in EXPECT (help2man writes "\-\-name").
file(READ "${PAGE}" text)
string(TOUPPER "${PROGRAM}" upper)
if(NOT text MATCHES "\\.TH ${upper} \"1\"")
    message(FATAL_ERROR "${PAGE}: no .TH ${upper} \"1\" line")
endif()
if(NOT text MATCHES "\\.SH EXAMPLES")
    message(FATAL_ERROR "${PAGE}: no EXAMPLES section")
endif()
string(REPLACE "," ";" EXPECT "${EXPECT}")
foreach(option IN LISTS EXPECT)
    string(REPLACE "-" "\\-" escaped "${option}")
    string(FIND "${text}" "${escaped}" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "${PAGE}: ${option} is not documented")
    endif()
endforeach()
message(STATUS "${PAGE}: ok")
