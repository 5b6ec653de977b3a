// SPDX-License-Identifier: BSL-1.0
// Host stand-in for the sdkconfig.h that `idf.py menuconfig` generates: main/Kconfig.projbuild's
// defaults. scripts/esp-idf-host.sh sets the values of its run with -D.
#pragma once
#ifndef CONFIG_MAILWIRE_SMTP_HOST
#define CONFIG_MAILWIRE_SMTP_HOST "smtp.example.org"
#endif
#if !defined(CONFIG_MAILWIRE_PROFILE_SUBMISSION) && !defined(CONFIG_MAILWIRE_PROFILE_SUBMISSIONS)
#define CONFIG_MAILWIRE_PROFILE_SUBMISSION 1
#endif
#ifndef CONFIG_MAILWIRE_SMTP_PORT
#define CONFIG_MAILWIRE_SMTP_PORT 0
#endif
#ifndef CONFIG_MAILWIRE_SMTP_USER
#define CONFIG_MAILWIRE_SMTP_USER ""
#endif
#ifndef CONFIG_MAILWIRE_SMTP_PASSWORD
#define CONFIG_MAILWIRE_SMTP_PASSWORD ""
#endif
#ifndef CONFIG_MAILWIRE_MAIL_FROM
#define CONFIG_MAILWIRE_MAIL_FROM "device@example.org"
#endif
#ifndef CONFIG_MAILWIRE_MAIL_TO
#define CONFIG_MAILWIRE_MAIL_TO "ops@example.org"
#endif
#ifndef CONFIG_MAILWIRE_ATTACHMENT
#define CONFIG_MAILWIRE_ATTACHMENT "/spiffs/readings.csv"
#endif
// CONFIG_MAILWIRE_TRACE: a bool that is off is not defined at all, as in the real sdkconfig.h.
