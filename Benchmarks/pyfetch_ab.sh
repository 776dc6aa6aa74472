#!/usr/bin/env bash
# Python fetcher A/B: syslog-ng 3.38 (A) vs syslog-swift (B): a python-fetcher() returning one
# LogMessage per fetch() as fast as it can into file() (daemonbench.py ab pysrc --variant fetcher).
# Usage: Benchmarks/pyfetch_ab.sh [COUNT=1000000] [RUNS=5] [daemonbench options, e.g. --hog 1 --io-hog]
# (a benchmark: prints, asserts nothing)
exec "$(dirname "$0")/pysrc_ab.sh" "${1:-1000000}" "${2:-5}" --variant fetcher "${@:3}"
