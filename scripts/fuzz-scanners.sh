#!/usr/bin/env bash
# Fuzzes the csv-parser(), kv-parser(), json-parser() and date-parser() scanners with libFuzzer for a bounded
# time (default 60 s), seeded with the inputs of the parser golden cases. A crash leaves its
# input in .fuzz-scanners/ and exits non-zero.
# regexp-parser() is PCRE2 matching patterns the configuration gives: the library is not ours
# to fuzz; its use (group ranges) is covered by the golden case.
# Usage: scripts/fuzz-scanners.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
out=.fuzz-scanners
mkdir -p "$out/corpus"
i=0
for f in Tests/Golden/{csv-parser,kv-parser,json-regexp-parser,date-parser}/input; do
    while IFS= read -r line; do
        for mode in A H I Q q; do printf '%s%s' "$mode" "$line" > "$out/corpus/seed-$i"; i=$((i + 1)); done
    done < "$f"
done
source scripts/fuzz-common.sh
fuzz_build ScannerFuzz Sources/SyslogParsers/Scanners/*.swift Fuzz/ScannerFuzz.swift
mv "$out/ScannerFuzz" "$out/scanner-fuzz"
"$out/scanner-fuzz" -max_total_time="$secs" -max_len=4096 -artifact_prefix="$out/" "$out/corpus"
