// A cheaper CLOCK_REALTIME for per-message timestamps (see CFastClock.h).
//
// Each thread keeps a base: one clock_gettime() reading and the TSC value taken with it. Within
// a resynchronisation window (about 1 ms of ticks) the time is base + ticks * ns-per-tick; after
// it, or when the TSC reads lower than the base (another CPU), the base is taken again. The
// ns-per-tick factor is measured once against CLOCK_MONOTONIC_RAW over at least 20 ms; until
// then every call is a plain clock_gettime().
#define _GNU_SOURCE
#include "CFastClock.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#if defined(__x86_64__)
#include <x86intrin.h>

enum { STATE_UNKNOWN = 0, STATE_CALIBRATING = 1, STATE_READY = 2, STATE_OFF = 3 };

static _Atomic int g_state = STATE_UNKNOWN;
/// ns per tick in 32.32 fixed point.
static _Atomic uint64_t g_mult = 0;
/// Ticks in one resynchronisation window.
static _Atomic uint64_t g_window = 0;
static uint64_t g_cal_tsc;
static int64_t g_cal_ns;
static _Atomic int g_cal_lock = 0;

static __thread uint64_t t_base_tsc;
static __thread int64_t t_base_ns;
static __thread int t_has_base;

static int64_t realtime_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t monotonic_raw_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/// The kernel trusts the TSC (synchronised across CPUs, constant rate) only when it uses it
/// as its own clock source.
static int kernel_uses_tsc(void) {
    FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "re");
    if (f == NULL) return 0;
    char name[32] = {0};
    int ok = fgets(name, sizeof name, f) != NULL && strncmp(name, "tsc", 3) == 0
        && (name[3] == '\n' || name[3] == '\0');
    fclose(f);
    return ok;
}

static int64_t slow_path(int state) {
    if (state == STATE_OFF) return realtime_now();
    if (atomic_exchange_explicit(&g_cal_lock, 1, memory_order_acquire) != 0) return realtime_now();
    state = atomic_load_explicit(&g_state, memory_order_relaxed);
    if (state == STATE_UNKNOWN) {
        if (kernel_uses_tsc()) {
            g_cal_ns = monotonic_raw_now();
            g_cal_tsc = __rdtsc();
            atomic_store_explicit(&g_state, STATE_CALIBRATING, memory_order_release);
        } else {
            atomic_store_explicit(&g_state, STATE_OFF, memory_order_release);
        }
    } else if (state == STATE_CALIBRATING) {
        int64_t ns = monotonic_raw_now();
        uint64_t tsc = __rdtsc();
        if (ns - g_cal_ns >= 20000000 && tsc > g_cal_tsc) {
            uint64_t ticks = tsc - g_cal_tsc;
            unsigned __int128 mult = ((unsigned __int128)(uint64_t)(ns - g_cal_ns) << 32) / ticks;
            uint64_t window = (uint64_t)((1000000ULL * (unsigned __int128)ticks) / (uint64_t)(ns - g_cal_ns));
            if (mult > 0 && window > 0) {
                atomic_store_explicit(&g_mult, (uint64_t)mult, memory_order_relaxed);
                atomic_store_explicit(&g_window, window, memory_order_relaxed);
                atomic_store_explicit(&g_state, STATE_READY, memory_order_release);
            } else {
                atomic_store_explicit(&g_state, STATE_OFF, memory_order_release);
            }
        }
    }
    atomic_store_explicit(&g_cal_lock, 0, memory_order_release);
    return realtime_now();
}

int64_t ssw_realtime_ns(void) {
    int state = atomic_load_explicit(&g_state, memory_order_acquire);
    if (state != STATE_READY) return slow_path(state);
    uint64_t now = __rdtsc();
    uint64_t elapsed = now - t_base_tsc;
    if (t_has_base && elapsed < atomic_load_explicit(&g_window, memory_order_relaxed)) {
        uint64_t mult = atomic_load_explicit(&g_mult, memory_order_relaxed);
        return t_base_ns + (int64_t)(((unsigned __int128)elapsed * mult) >> 32);
    }
    t_base_tsc = __rdtsc();
    t_base_ns = realtime_now();
    t_has_base = 1;
    return t_base_ns;
}

#else

int64_t ssw_realtime_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#endif
