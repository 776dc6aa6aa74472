#!/usr/bin/env bash
# Fuzzes the RFC 3164 / RFC 5424 parsers with libFuzzer for a bounded time (default 60 s), seeded
# with Tests/Fixtures/rfc3164/lines.txt. A crash leaves its input in .fuzz/ and exits non-zero.
# Usage: scripts/fuzz-parsers.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
out=.fuzz
mkdir -p "$out/corpus" "$out/build"
# Seeds: one file per line of the parser fixture.
i=0
while IFS= read -r line; do
    printf '%s' "$line" > "$out/corpus/seed-$i"
    i=$((i + 1))
done < Tests/Fixtures/rfc3164/lines.txt
clang -c -O1 -fsanitize=fuzzer-no-link,address -ISources/CSystemShims/include \
    Sources/CSystemShims/fast_clock.c -o "$out/build/fast_clock.o"
clang -c -O1 -fsanitize=fuzzer-no-link,address -ISources/CSystemShims/include \
    Sources/CSystemShims/thread_name.c -o "$out/build/thread_name.o"
cat > "$out/build/module.modulemap" <<MAP
module CSystemShims { header "$PWD/Sources/CSystemShims/include/CSystemShims.h" export * }
MAP
swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name ParserFuzz \
    -Xcc -fmodule-map-file="$out/build/module.modulemap" \
    Sources/SyslogMessage/*.swift Fuzz/ParserFuzz.swift \
    "$out/build/fast_clock.o" "$out/build/thread_name.o" -o "$out/parser-fuzz"
"$out/parser-fuzz" -max_total_time="$secs" -max_len=4096 -artifact_prefix="$out/" "$out/corpus"
