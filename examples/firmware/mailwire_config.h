/* mailwire's settings for this firmware (include/mailwire/config.hpp includes the first
 * mailwire_config.h on the include path, the way lwIP reads lwipopts.h). Smaller than the
 * defaults for a client object under 1 KB:
 *   - a 128-octet receive buffer: a reply line longer than that keeps its first 64 octets (plenty
 *     for the code, the enhanced status and the start of the text; EHLO keywords are short), and
 *     the 512-octet bound of RFC 5321 §4.5.3.1.5 is still enforced;
 *   - a 128-octet send buffer: pipelined commands go out in more writes, longer commands stream;
 *   - 64 octets of reply text kept in an error and in each recipient's result;
 *   - no dialogue trace (a production image has nowhere to show it), and of the SASL mechanisms
 *     PLAIN, LOGIN and XOAUTH2 (OAUTHBEARER compiled out, as lwIP's smtp.c compiles its own). */
#ifndef FIRMWARE_MAILWIRE_CONFIG_H
#define FIRMWARE_MAILWIRE_CONFIG_H

#define MAILWIRE_RX_BUFFER_SIZE 128
#define MAILWIRE_TX_BUFFER_SIZE 128
#define MAILWIRE_REPLY_TEXT_SIZE 64
#define MAILWIRE_TRACE 0
#define MAILWIRE_AUTH_OAUTHBEARER 0
#ifndef MAILWIRE_ADVICE_SHORT /* -DMAILWIRE_ADVICE_SHORT=0 measures the full texts */
#define MAILWIRE_ADVICE_SHORT 1 /* one short line of advice per failure: about 1.8 KB instead of 8.3 KB */
#endif

#endif
