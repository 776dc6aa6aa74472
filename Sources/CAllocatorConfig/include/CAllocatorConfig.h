#ifndef SYSLOG_SWIFT_ALLOCATOR_CONFIG_H
#define SYSLOG_SWIFT_ALLOCATOR_CONFIG_H

/// The jemalloc options the daemon is built with (read by jemalloc at start-up; the
/// MALLOC_CONF environment variable still overrides them).
extern const char *malloc_conf;

#endif
