// SPDX-License-Identifier: BSL-1.0
/* mailwire's settings for this firmware (include/mailwire/config.hpp includes the first
 * mailwire_config.h on the include path, the way lwIP reads lwipopts.h). Smaller than the
 * defaults for a client object under 1 KB:
 *   - a 128-octet receive buffer: a reply line longer than that keeps its first 64 octets (plenty
 *     for the code, the enhanced status and the start of the text; EHLO keywords are short), and
 *     the 512-octet bound of RFC 5321 §4.5.3.1.5 is still enforced;
 *   - a 128-octet send buffer: pipelined commands go out in more writes, longer commands stream;
 *   - 64 octets of reply text kept in an error and in each recipient's result;
 *   - no dialogue trace (a production image has nowhere to show it), and of the SASL mechanisms
 *     PLAIN, LOGIN and XOAUTH2 (OAUTHBEARER compiled out, as lwIP's smtp.c compiles its own);
 *   - no SIZE, 8BITMIME or SMTPUTF8 parameters on MAIL FROM: the sensor's messages are small and
 *     ASCII (its UTF-8 subject goes as an RFC 2047 encoded word, which needs none of them);
 *   - addresses checked for what keeps the command line whole (no controls, spaces or angle
 *     brackets; the length limits), not for the whole RFC 5321 syntax: they are the firmware's
 *     own constants, and the server judges them. */
#ifndef FIRMWARE_MAILWIRE_CONFIG_H
#define FIRMWARE_MAILWIRE_CONFIG_H

#define MAILWIRE_RX_BUFFER_SIZE 128
#define MAILWIRE_TX_BUFFER_SIZE 128
#define MAILWIRE_REPLY_TEXT_SIZE 64
#define MAILWIRE_TRACE 0
#define MAILWIRE_AUTH_OAUTHBEARER 0
#define MAILWIRE_CHUNKING 0 /* DATA only: BDAT's chunk assembly stays out of the image */
/* -D...=1 measures these features (bench/footprint/run.sh: plain-allfeatures) */
#ifndef MAILWIRE_MAIL_PARAMETERS
#define MAILWIRE_MAIL_PARAMETERS 0
#endif
#ifndef MAILWIRE_ADDRESS_SYNTAX
#define MAILWIRE_ADDRESS_SYNTAX 0
#endif
#ifndef MAILWIRE_ADVICE_SHORT /* -DMAILWIRE_ADVICE_SHORT=0 measures the full texts */
#define MAILWIRE_ADVICE_SHORT 1 /* one short line of advice per failure: about 1.8 KB instead of 8.3 KB */
#endif

#endif
