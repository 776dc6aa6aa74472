#ifndef SYSLOG_SWIFT_SYSTEM_SHIMS_H
#define SYSLOG_SWIFT_SYSTEM_SHIMS_H

/// Small system helpers Swift cannot reach directly (TSC reads, thread-local state, GNU
/// extensions).

#include <stdint.h>

/// Wall-clock time in nanoseconds since the Unix epoch, as CLOCK_REALTIME.
///
/// On x86-64 machines whose kernel clock source is the TSC, most calls read the TSC and add the
/// ticks elapsed since this thread last read CLOCK_REALTIME (at most about a millisecond ago),
/// which costs a third of a clock_gettime() call. Everywhere else it is clock_gettime().
int64_t ssw_realtime_ns(void);

/// Names the calling thread (the first 15 bytes of `name`), as `top -H` and debuggers show it.
void ssw_set_thread_name(const char *name);

#endif
