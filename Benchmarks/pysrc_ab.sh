#!/usr/bin/env bash
# Python source A/B: syslog-ng 3.38 (A) vs syslog-swift (B) with the shared daemonbench driver.
# A Python source posts N LogMessage("benchmark message %07d") into file() with $MSG\n.
# Usage: Benchmarks/pysrc_ab.sh [COUNT=5000000] [RUNS=5] [daemonbench options, e.g. --hog 1 --io-hog]
# (a benchmark: prints, asserts nothing)
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-5000000}"
runs="${2:-5}"
shift $(( $# > 2 ? 2 : $# ))
bench="../shared/bench/daemonbench.py"
[ -f "$bench" ] || { echo "needs $bench (the shared benchmark driver)" >&2; exit 1; }
swift build -c release --product syslog-swift >&2
exec /usr/bin/python3 "$bench" ab pysrc \
    --b "SYSLOG_SWIFT_PYTHON_DIR=$PWD/python $PWD/.build/release/syslog-swift -F -e -f {conf} -R {persist} -p {pidfile} -c {ctl} --no-caps" \
    --b-name swift --count "$count" --runs "$runs" "$@"
