#!/usr/bin/env bash
# Fuzzes the RFC 3164 / RFC 5424 parsers with libFuzzer for a bounded time (default 60 s), seeded
# with Tests/Fixtures/rfc3164/lines.txt. A crash leaves its input in .fuzz/ and exits non-zero.
# Usage: scripts/fuzz-parsers.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
out=.fuzz
mkdir -p "$out/corpus"
# Seeds: one file per line of the parser fixture.
i=0
while IFS= read -r line; do
    printf '%s' "$line" > "$out/corpus/seed-$i"
    i=$((i + 1))
done < Tests/Fixtures/rfc3164/lines.txt
source scripts/fuzz-common.sh
fuzz_build ParserFuzz Fuzz/ParserFuzz.swift
mv "$out/ParserFuzz" "$out/parser-fuzz"
"$out/parser-fuzz" -max_total_time="$secs" -max_len=4096 -artifact_prefix="$out/" "$out/corpus"
