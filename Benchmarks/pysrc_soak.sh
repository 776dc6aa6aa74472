#!/usr/bin/env bash
# Soak: runs the Syslog-Swift side of the shared Python source benchmark RUNS times (default 20,
# 5,000,000 messages each, with --io-hog: page-cache writeback competing with the daemon's own
# writes) and reports the messages lost in every run. A benchmark, not a test: prints, asserts
# nothing. Extra arguments go to daemonbench.py (e.g. --hog 1).
# Usage: Benchmarks/pysrc_soak.sh [RUNS=20] [COUNT=5000000] [daemonbench options…]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-20}"
count="${2:-5000000}"
shift $(( $# > 2 ? 2 : $# ))
bench="../shared/bench/daemonbench.py"
[ -f "$bench" ] || { echo "needs $bench (the shared benchmark driver)" >&2; exit 1; }
swift build -c release --product syslog-swift >&2
out="$(mktemp)"
/usr/bin/python3 "$bench" pysrc --io-hog "$@" \
    --daemon "SYSLOG_SWIFT_PYTHON_DIR=$PWD/python $PWD/.build/release/syslog-swift -F -e -f {conf} -R {persist} -p {pidfile} -c {ctl} --no-caps" \
    --name swift --count "$count" --runs "$runs" | tee "$out"
echo
lost="$(grep '^\[swift\] pysrc run' "$out" | grep -o 'lost [0-9,]*' | awk '{print $2}')"
echo "lost per run: $(echo "$lost" | paste -sd' ')"
echo "runs with loss: $(echo "$lost" | grep -vc '^0$') of $runs"
rm -f "$out"
