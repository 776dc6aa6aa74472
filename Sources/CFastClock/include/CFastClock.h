#ifndef SYSLOG_SWIFT_FAST_CLOCK_H
#define SYSLOG_SWIFT_FAST_CLOCK_H

#include <stdint.h>

/// Wall-clock time in nanoseconds since the Unix epoch, as CLOCK_REALTIME.
///
/// On x86-64 machines whose kernel clock source is the TSC, most calls read the TSC and add the
/// ticks elapsed since this thread last read CLOCK_REALTIME (at most about a millisecond ago),
/// which costs a third of a clock_gettime() call. Everywhere else it is clock_gettime().
int64_t ssw_realtime_ns(void);

#endif
