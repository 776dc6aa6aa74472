#include "CAllocatorConfig.h"

// One arena: the daemon has a handful of busy threads, and messages are allocated on source
// threads and freed on destination threads anyway. Separate arenas per thread only add
// metadata and partly used pages (measured: ~2 MiB less peak RSS, same throughput).
//
// Freed pages are given back after 20 ms instead of jemalloc's 10 s: messages are allocated on
// one thread and freed on another, and when the writer is descheduled (a busy machine) the
// freed pages were not reused before new ones were touched, so peak RSS grew to 30-70 MiB
// under load (23 MiB with this setting; no throughput cost measurable on the 2-core VM).
const char *malloc_conf = "narenas:1,dirty_decay_ms:20,muzzy_decay_ms:0";
