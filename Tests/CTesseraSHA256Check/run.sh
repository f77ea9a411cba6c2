#!/usr/bin/env bash
# Checks Sources/CTesseraSHA256 against Python's hashlib on both compression paths (SHA-NI where the
# processor has it, and the portable C one, forced by compiling with TESSERA_SHA256_PORTABLE_ONLY),
# unoptimized and optimized, then measures throughput beside `openssl speed`.
#
# Environment:
#   CC           compiler (default: the Swift toolchain's clang, else clang)
#   SEED         seed for the random inputs and splits (default: random, printed)
#   SANITIZE=0   skip the AddressSanitizer/UndefinedBehaviorSanitizer run
#   BENCH=0      skip the throughput measurements
#   BENCH_MIB    size of the benchmark buffer in MiB (default 256)
#   BENCH_PASSES passes over it, all into one state (default 4, so the bit count passes 2^32)
#
# Exits non-zero on any mismatch.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
library="$here/../../Sources/CTesseraSHA256"

if [[ -z "${CC:-}" ]]; then
    if [[ -x /opt/swift/usr/bin/clang ]]; then CC=/opt/swift/usr/bin/clang; else CC=clang; fi
fi
SEED="${SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}"
BENCH_MIB="${BENCH_MIB:-256}"
BENCH_PASSES="${BENCH_PASSES:-4}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

hardware=0
if [[ "$(uname -m)" == x86_64 ]] && grep -qw sha_ni /proc/cpuinfo 2>/dev/null; then
    hardware=1
fi

echo "== compiler: $("$CC" --version | head -n1)"
echo "== seed: $SEED; this processor has SHA-NI: $([[ $hardware == 1 ]] && echo yes || echo no)"

# name, expected hardware flag, flags. -O0 is what a debug `swift build` uses for C targets.
builds=(
    "default-O0 $hardware -O0"
    "default-O2 $hardware -O2"
    "portable-O2 0 -O2 -DTESSERA_SHA256_PORTABLE_ONLY"
)
sanitize_flags="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
# The gold linker, the Swift toolchain's default, warns at length about the sanitizer runtime; lld
# does not.
if echo 'int main(void){return 0;}' | "$CC" -x c - -fuse-ld=lld -o "$work/lld-probe" 2>/dev/null; then
    sanitize_flags+=" -fuse-ld=lld"
fi
if [[ "${SANITIZE:-1}" != 0 ]]; then
    builds+=("default-asan $hardware $sanitize_flags" "portable-asan 0 $sanitize_flags -DTESSERA_SHA256_PORTABLE_ONLY")
fi

echo "== building"
for build in "${builds[@]}"; do
    read -r name _ flags <<<"$build"
    # shellcheck disable=SC2086
    "$CC" -std=c11 -Wall -Wextra -Werror $flags -I"$library/include" \
        "$here/check.c" "$library"/*.c -o "$work/check-$name"
done

echo "== generating inputs and hashlib digests"
python3 - "$SEED" "$work/data" "$work/cases" <<'EOF'
import hashlib, random, sys

seed, data_path, cases_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rng = random.Random(seed)
MiB = 1 << 20
pool = rng.randbytes(16 * MiB)
data = bytearray(pool)
cases = []

def literal(name, value):
    cases.append((name, len(data), len(value)))
    data.extend(value)

# FIPS 180-4 example messages.
literal("empty", b"")
literal("abc", b"abc")
literal("fips-448-bit", b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
literal("fips-896-bit", b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")
literal("million-a", b"a" * 1000000)

# Random bytes of every length from 0 to 10,000, then a few of several MiB.
for n in range(10001):
    cases.append((f"random-{n}", rng.randrange(len(pool) - n + 1), n))
for n in (MiB, 3 * MiB + 1, 5 * MiB - 1, 8 * MiB + 37, 16 * MiB - 63):
    cases.append((f"random-{n}", rng.randrange(len(pool) - n + 1), n))

view = memoryview(data)
with open(data_path, "wb") as f:
    f.write(data)
with open(cases_path, "w") as f:
    for name, offset, length in cases:
        f.write(f"{name} {offset} {length} {hashlib.sha256(view[offset:offset + length]).hexdigest()}\n")
print(f"  {len(cases)} inputs, {sum(c[2] for c in cases) / 1e6:.1f} MB in all")
EOF

status=0
echo "== checking (every input: one update, random splits with the state saved and restored between"
echo "   updates, and for inputs up to 256 bytes every cut point and byte by byte)"
for build in "${builds[@]}"; do
    read -r name expect _ <<<"$build"
    printf '%-14s' "$name"
    if ! "$work/check-$name" cases "$work/data" "$work/cases" "$SEED" "$expect"; then
        echo "  $name: FAILED"
        status=1
    fi
done

if [[ "${BENCH:-1}" != 0 ]]; then
    echo "== throughput (MB = 10^6 bytes)"
    want="$(python3 - "$BENCH_MIB" "$BENCH_PASSES" <<'EOF'
import hashlib, sys
mib, passes = int(sys.argv[1]), int(sys.argv[2])
block = bytes(range(256)) * (mib * 4096)
h = hashlib.sha256()
for _ in range(passes):
    h.update(block)
print(h.hexdigest())
EOF
)"
    runs=("default-O2 1048576" "default-O2 16384" "portable-O2 1048576")
    [[ $hardware == 1 ]] || runs=("portable-O2 1048576")
    for run in "${runs[@]}"; do
        read -r name update <<<"$run"
        if ! "$work/check-$name" bench "$BENCH_MIB" "$update" "$BENCH_PASSES" "$want"; then
            echo "  $name: FAILED"
            status=1
        fi
    done
    if command -v openssl >/dev/null; then
        # OpenSSL reports thousands of bytes per second.
        openssl speed -seconds 3 -evp sha256 -bytes 16384 2>/dev/null |
            awk '$1 == "sha256" { v = $2; sub(/k$/, "", v); printf "  openssl speed -evp sha256 -bytes 16384: %.1f MB/s\n", v / 1000 }'
    fi
fi

if [[ $status == 0 ]]; then echo "== all passed"; else echo "== FAILURES"; fi
exit $status
