#!/usr/bin/env bash
# Python fetcher A/B: syslog-ng 3.38 (A) vs syslog-swift (B) with the shared daemonbench driver.
# A python-fetcher() returns one LogMessage("benchmark message %07d") per fetch() as fast as it
# can, into file() with $MSG\n (daemonbench.py ab pysrc --variant fetcher).
# Usage: Benchmarks/pyfetch_ab.sh [COUNT=1000000] [RUNS=5] [daemonbench options, e.g. --hog 1 --io-hog]
# (a benchmark: prints, asserts nothing)
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-1000000}"
runs="${2:-5}"
shift $(( $# > 2 ? 2 : $# ))
bench="../shared/bench/daemonbench.py"
[ -f "$bench" ] || { echo "needs $bench (the shared benchmark driver)" >&2; exit 1; }
swift build -c release --product syslog-swift >&2
exec /usr/bin/python3 "$bench" ab pysrc --variant fetcher \
    --b "SYSLOG_SWIFT_PYTHON_DIR=$PWD/python $PWD/.build/release/syslog-swift -F -e -f {conf} -R {persist} -p {pidfile} -c {ctl} --no-caps" \
    --b-name swift --count "$count" --runs "$runs" "$@"
