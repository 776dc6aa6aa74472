// A cheaper CLOCK_REALTIME for per-message timestamps (see CSystemShims.h).
//
// Each thread keeps a base: one clock_gettime() reading and the TSC value taken with it. Within
// a resynchronisation window (about 1 ms of ticks) the time is base + ticks * ns-per-tick; after
// it, or when the TSC reads lower than the base (another CPU), the base is taken again. The
// ns-per-tick factor is measured against CLOCK_MONOTONIC_RAW, first over 20 ms (until then
// every call is a plain clock_gettime()), then again over ever longer spans (up to a minute),
// so it keeps getting more exact. A thread never sees time go back by less than a millisecond
// (estimates that would are held at the last value); real clock steps pass through.
#define _GNU_SOURCE
#include "CSystemShims.h"

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
/// The TSC value after which the factor is measured again (over a longer span).
static _Atomic uint64_t g_refine_at = UINT64_MAX;
static _Atomic int g_cal_lock = 0;

static __thread uint64_t t_base_tsc;
static __thread int64_t t_base_ns;
static __thread int64_t t_last_ns;
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

/// A (TSC, CLOCK_MONOTONIC_RAW) pair read close together: the tightest of a few tries, so a
/// preemption between the two reads does not skew the factor.
static void sample(uint64_t *tsc, int64_t *ns) {
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < 5; i++) {
        uint64_t before = __rdtsc();
        int64_t t = monotonic_raw_now();
        uint64_t after = __rdtsc();
        if (after >= before && after - before < best) {
            best = after - before;
            *tsc = before + (after - before) / 2;
            *ns = t;
        }
    }
}

/// Sets the factor from the calibration start to now; false when the span is unusable.
static int measure(void) {
    uint64_t tsc;
    int64_t ns;
    sample(&tsc, &ns);
    if (ns <= g_cal_ns || tsc <= g_cal_tsc) return 0;
    uint64_t ticks = tsc - g_cal_tsc;
    uint64_t span = (uint64_t)(ns - g_cal_ns);
    uint64_t mult = (uint64_t)(((unsigned __int128)span << 32) / ticks);
    uint64_t window = (uint64_t)(((unsigned __int128)ticks * 1000000u) / span);
    if (mult == 0 || window == 0) return 0;
    atomic_store_explicit(&g_mult, mult, memory_order_relaxed);
    atomic_store_explicit(&g_window, window, memory_order_relaxed);
    // Measure again once four times as much time has passed, up to a minute.
    uint64_t next = span < 60000000000ull ? ticks * 4 : UINT64_MAX;
    atomic_store_explicit(&g_refine_at, next == UINT64_MAX ? UINT64_MAX : g_cal_tsc + next,
                          memory_order_relaxed);
    return 1;
}

static void refine(void) {
    if (atomic_exchange_explicit(&g_cal_lock, 1, memory_order_acquire) != 0) return;
    if (__rdtsc() >= atomic_load_explicit(&g_refine_at, memory_order_relaxed)) (void)measure();
    atomic_store_explicit(&g_cal_lock, 0, memory_order_release);
}

static int64_t slow_path(int state) {
    if (state == STATE_OFF) return realtime_now();
    if (atomic_exchange_explicit(&g_cal_lock, 1, memory_order_acquire) != 0) return realtime_now();
    state = atomic_load_explicit(&g_state, memory_order_relaxed);
    if (state == STATE_UNKNOWN) {
        if (kernel_uses_tsc()) {
            sample(&g_cal_tsc, &g_cal_ns);
            atomic_store_explicit(&g_state, STATE_CALIBRATING, memory_order_release);
        } else {
            atomic_store_explicit(&g_state, STATE_OFF, memory_order_release);
        }
    } else if (state == STATE_CALIBRATING) {
        if (monotonic_raw_now() - g_cal_ns >= 20000000) {
            atomic_store_explicit(&g_state, measure() ? STATE_READY : STATE_OFF, memory_order_release);
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
    int64_t result;
    if (t_has_base && elapsed < atomic_load_explicit(&g_window, memory_order_relaxed)) {
        uint64_t mult = atomic_load_explicit(&g_mult, memory_order_relaxed);
        result = t_base_ns + (int64_t)(((unsigned __int128)elapsed * mult) >> 32);
    } else {
        if (now >= atomic_load_explicit(&g_refine_at, memory_order_relaxed)) refine();
        t_base_tsc = __rdtsc();
        t_base_ns = realtime_now();
        t_has_base = 1;
        result = t_base_ns;
    }
    if (result < t_last_ns && t_last_ns - result < 1000000) return t_last_ns;
    t_last_ns = result;
    return result;
}

#else

int64_t ssw_realtime_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#endif
