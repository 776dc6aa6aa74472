#!/usr/bin/env bash
# Fuzzes the csv-parser(), kv-parser() and json-parser() scanners with libFuzzer for a bounded
# time (default 60 s), seeded with the inputs of the parser golden cases. A crash leaves its
# input in .fuzz-scanners/ and exits non-zero.
# regexp-parser() is PCRE2 matching patterns the configuration gives: the library is not ours
# to fuzz; its use (group ranges) is covered by the golden case.
# Usage: scripts/fuzz-scanners.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
out=.fuzz-scanners
mkdir -p "$out/corpus" "$out/build"
i=0
for f in Tests/Golden/{csv-parser,kv-parser,json-regexp-parser}/input; do
    while IFS= read -r line; do
        for mode in A H I Q q; do printf '%s%s' "$mode" "$line" > "$out/corpus/seed-$i"; i=$((i + 1)); done
    done < "$f"
done
clang -c -O1 -fsanitize=fuzzer-no-link,address -ISources/CSystemShims/include \
    Sources/CSystemShims/fast_clock.c -o "$out/build/fast_clock.o"
clang -c -O1 -fsanitize=fuzzer-no-link,address -ISources/CSystemShims/include \
    Sources/CSystemShims/thread_name.c -o "$out/build/thread_name.o"
cat > "$out/build/module.modulemap" <<MAP
module CSystemShims { header "$PWD/Sources/CSystemShims/include/CSystemShims.h" export * }
MAP
swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name ScannerFuzz \
    -Xcc -fmodule-map-file="$out/build/module.modulemap" \
    Sources/SyslogMessage/*.swift Sources/SyslogParsers/Scanners/*.swift Fuzz/ScannerFuzz.swift \
    "$out/build/fast_clock.o" "$out/build/thread_name.o" -o "$out/scanner-fuzz"
"$out/scanner-fuzz" -max_total_time="$secs" -max_len=4096 -artifact_prefix="$out/" "$out/corpus"
