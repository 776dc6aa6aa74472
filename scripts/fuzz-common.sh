# Sourced by the fuzz scripts: builds the C shims with the fuzzer's instrumentation into
# "$out/build" and writes a module map for them; then `fuzz_build NAME SOURCES…` links a
# libFuzzer binary "$out/NAME" from Swift sources (SyslogMessage's are always included).
mkdir -p "$out/corpus" "$out/build"
for c in fast_clock thread_name; do
    clang -c -O1 -fsanitize=fuzzer-no-link,address -ISources/CSystemShims/include \
        "Sources/CSystemShims/$c.c" -o "$out/build/$c.o"
done
cat > "$out/build/module.modulemap" <<MAP
module CSystemShims { header "$PWD/Sources/CSystemShims/include/CSystemShims.h" export * }
MAP

fuzz_build() {
    local name="$1"
    shift
    swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name "$name" \
        -Xcc -fmodule-map-file="$out/build/module.modulemap" \
        Sources/SyslogMessage/*.swift "$@" \
        "$out/build/fast_clock.o" "$out/build/thread_name.o" -o "$out/$name"
}
