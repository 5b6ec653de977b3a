// SPDX-License-Identifier: BSL-1.0
// Must not compile: the composer keeps views of what it is given, so a temporary std::string
// would dangle before the message is sent. The deleted text_ref constructor says "would dangle".
// Control (-DMAILWIRE_CONTROL): the same string kept in a variable compiles.
#include <mailwire/mailwire.hpp>

#include <string>

int main() {
    mailwire::message m;
    const std::string name = "report";
#ifdef MAILWIRE_CONTROL
    const std::string subject = name + " for today";
    return m.subject(subject).ok() ? 0 : 1;
#else
    return m.subject(name + " for today").ok() ? 0 : 1;
#endif
}
