// Checks the CTesseraSHA256 library against digests computed elsewhere (run.sh computes them with
// Python's hashlib), feeding every input in many different splits and saving and restoring the state
// as bytes between updates, the way the server keeps it in its database between upload parts.
//
//   check cases <data-file> <cases-file> <seed> <expected-hardware: 0|1>
//       Each line of the cases file is "<name> <offset> <length> <sha256-hex>", naming a range of the
//       data file. Exits 1 on any mismatch.
//   check bench <mebibytes> <update-bytes> <passes> <sha256-hex>
//       Hashes a buffer of the given size whose byte i is i % 256, `passes` times into one state in
//       updates of the given size, prints the throughput, and compares the digest of the whole
//       stream (passes * mebibytes MiB) with the expected one. Exits 1 on a mismatch.

#define _POSIX_C_SOURCE 200809L

#include "CTesseraSHA256.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// MARK: - Helpers

static uint64_t rng_state;

// SplitMix64: a small, well-mixed generator; the seed comes from the command line so failures can be
// reproduced.
static uint64_t rng_next(void) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// Uniform enough in [0, bound) for test purposes; bound > 0.
static size_t rng_below(size_t bound) {
    return (size_t)(rng_next() % (uint64_t)bound);
}

static void to_hex(const uint8_t digest[32], char hex[65]) {
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[64] = '\0';
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void digest_of(const uint8_t *data, size_t length, char hex[65]) {
    tessera_sha256_state state;
    tessera_sha256_init(&state);
    tessera_sha256_update(&state, data, length);
    uint8_t digest[32];
    tessera_sha256_final(&state, digest);
    to_hex(digest, hex);
}

// Saves the state as bytes and restores it into a struct that held garbage, as a database round trip
// (possibly across a restart) would.
static void save_and_restore(tessera_sha256_state *state) {
    unsigned char saved[sizeof(tessera_sha256_state)];
    memcpy(saved, state, sizeof saved);
    tessera_sha256_state fresh;
    memset(&fresh, 0xA5, sizeof fresh);
    memcpy(&fresh, saved, sizeof saved);
    memset(state, 0x5A, sizeof *state);
    *state = fresh;
}

static long failures = 0;
static long checks = 0;

static void fail(const char *name, const char *what, const char *got, const char *want) {
    failures++;
    if (failures <= 20) {
        fprintf(stderr, "FAIL %s: %s\n    got  %s\n    want %s\n", name, what, got, want);
    }
}

// The invariants the header promises after every update.
static void check_invariants(const char *name, const tessera_sha256_state *state, uint64_t fed) {
    checks++;
    if (state->length != fed || state->buffered != (uint32_t)(fed % 64)) {
        char got[64], want[64];
        snprintf(got, sizeof got, "length %" PRIu64 " buffered %" PRIu32, state->length, state->buffered);
        snprintf(want, sizeof want, "length %" PRIu64 " buffered %" PRIu64, fed, fed % 64);
        fail(name, "state counters", got, want);
        return;
    }
    for (uint32_t i = state->buffered; i < 64; i++) {
        if (state->buffer[i] != 0) {
            fail(name, "unused end of buffer not zero", "nonzero", "zero");
            return;
        }
    }
}

// MARK: - Split feeding

enum { MAX_CUTS = 64 };

// Chooses where to cut an input of `length` bytes into updates; returns the number of updates.
// `ends[i]` is where update i stops; the last is always `length`. Cuts may repeat (0-byte updates).
static size_t choose_split(size_t length, size_t *ends, size_t capacity, const char **how) {
    size_t count = 0;
    switch (rng_below(5)) {
    case 0: {   // a few random cut points, sorted, repeats allowed
        *how = "random cuts";
        size_t cuts = 1 + rng_below(12);
        for (size_t i = 0; i < cuts && count + 1 < capacity; i++) {
            ends[count++] = length == 0 ? 0 : rng_below(length + 1);
        }
        for (size_t i = 1; i < count; i++) {   // insertion sort
            size_t v = ends[i], j = i;
            while (j > 0 && ends[j - 1] > v) {
                ends[j] = ends[j - 1];
                j--;
            }
            ends[j] = v;
        }
        break;
    }
    case 1: {   // cuts near block boundaries, where the buffering logic changes course
        *how = "cuts near block boundaries";
        size_t at = 0;
        while (count + 1 < capacity) {
            size_t blocks = rng_below(4 + length / 64 / 8);
            size_t next = at + blocks * 64;
            next = next + rng_below(3) - (next > 0 ? 1 : 0);   // boundary - 1, boundary, boundary + 1
            if (next > length || next < at) {
                break;
            }
            ends[count++] = next;
            at = next;
        }
        break;
    }
    case 2: {   // equal chunks of a random size (small inputs: small chunks)
        *how = "equal chunks";
        size_t chunk = length <= 4096 ? 1 + rng_below(130) : 1 + rng_below(length / (MAX_CUTS / 2) + 1);
        if (chunk * (capacity - 1) < length) {
            chunk = length / (capacity - 1) + 1;
        }
        for (size_t at = chunk; at < length && count + 1 < capacity; at += chunk) {
            ends[count++] = at;
        }
        break;
    }
    case 3: {   // 0-byte updates scattered among a few cuts
        *how = "0-byte updates";
        size_t cuts = rng_below(4);
        for (size_t i = 0; i < cuts && count + 3 < capacity; i++) {
            size_t at = length == 0 ? 0 : rng_below(length + 1);
            if (count > 0 && at < ends[count - 1]) {
                at = ends[count - 1];
            }
            ends[count++] = at;
            ends[count++] = at;
        }
        break;
    }
    default:    // one update
        *how = "one update";
        break;
    }
    ends[count++] = length;
    return count;
}

// Feeds data[0..length) as the split `ends` says, saving and restoring the state between updates,
// and checks the result, the invariants, and that final() in the middle changes nothing.
static void feed_split(const char *name, const uint8_t *data, size_t length, const size_t *ends,
                       size_t count, const char *how, const char *want) {
    tessera_sha256_state state;
    tessera_sha256_init(&state);
    size_t at = 0;
    size_t peek_after = rng_below(count);
    for (size_t i = 0; i < count; i++) {
        size_t end = ends[i];
        // A 0-byte update sometimes comes with a NULL pointer, which the header allows.
        const void *pointer = (end == at && rng_below(2) == 0) ? NULL : data + at;
        tessera_sha256_update(&state, pointer, end - at);
        at = end;
        check_invariants(name, &state, at);
        save_and_restore(&state);
        if (i == peek_after) {
            tessera_sha256_state before = state;
            uint8_t digest[32];
            tessera_sha256_final(&state, digest);
            checks++;
            if (memcmp(&before, &state, sizeof state) != 0) {
                fail(name, "final() changed the state", "changed", "unchanged");
            }
            char got[65], prefix[65];
            to_hex(digest, got);
            digest_of(data, at, prefix);
            checks++;
            if (strcmp(got, prefix) != 0) {
                fail(name, "final() in the middle differs from the digest of that prefix", got, prefix);
            }
        }
    }
    uint8_t digest[32];
    tessera_sha256_final(&state, digest);
    char got[65];
    to_hex(digest, got);
    checks++;
    if (strcmp(got, want) != 0) {
        char what[160];
        snprintf(what, sizeof what, "length %zu fed in %zu updates (%s)", length, count, how);
        fail(name, what, got, want);
    }

    // However the input was split, the state ends up byte for byte the same.
    tessera_sha256_state whole;
    tessera_sha256_init(&whole);
    tessera_sha256_update(&whole, data, length);
    checks++;
    if (memcmp(&whole, &state, sizeof state) != 0) {
        fail(name, "state after split feeding differs from state after one update", "differs", "equal");
    }
}

static void check_case(const char *name, const uint8_t *data, size_t length, const char *want) {
    char got[65];
    digest_of(data, length, got);
    checks++;
    if (strcmp(got, want) != 0) {
        fail(name, "one update", got, want);
    }

    size_t ends[MAX_CUTS];
    int rounds = length <= 100000 ? 4 : 2;
    for (int r = 0; r < rounds; r++) {
        const char *how = "";
        size_t count = choose_split(length, ends, MAX_CUTS, &how);
        feed_split(name, data, length, ends, count, how, want);
    }

    // Short inputs: every single cut point, and byte by byte.
    if (length <= 256) {
        for (size_t cut = 0; cut <= length; cut++) {
            ends[0] = cut;
            ends[1] = length;
            feed_split(name, data, length, ends, 2, "every cut point", want);
        }
        tessera_sha256_state state;
        tessera_sha256_init(&state);
        for (size_t i = 0; i < length; i++) {
            tessera_sha256_update(&state, data + i, 1);
            save_and_restore(&state);
        }
        uint8_t digest[32];
        tessera_sha256_final(&state, digest);
        to_hex(digest, got);
        checks++;
        if (strcmp(got, want) != 0) {
            fail(name, "byte by byte", got, want);
        }
    }
}

// A damaged stored state must give a wrong digest at worst, never a read or write outside the struct
// (run under AddressSanitizer, an out-of-bounds access would stop the program here).
static void check_damaged_state(const uint8_t *data, size_t length) {
    for (int i = 0; i < 1000; i++) {
        tessera_sha256_state state;
        for (size_t k = 0; k < sizeof state; k++) {
            ((unsigned char *)&state)[k] = (unsigned char)rng_next();
        }
        if (i % 2 == 0) {
            state.buffered = (uint32_t)rng_next() | 0x80000000u;
        }
        size_t n = rng_below(length < 300 ? length + 1 : 300);
        tessera_sha256_update(&state, data, n);
        uint8_t digest[32];
        tessera_sha256_final(&state, digest);
        checks++;
    }
}

static uint8_t *read_file(const char *path, size_t *length) {
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
        exit(2);
    }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    uint8_t *bytes = malloc((size_t)size + 1);
    if (bytes == NULL || fread(bytes, 1, (size_t)size, file) != (size_t)size) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    fclose(file);
    *length = (size_t)size;
    return bytes;
}

static const char *path_name(int hardware) {
    return hardware ? "SHA-NI" : "portable";
}

static int run_cases(const char *data_path, const char *cases_path, uint64_t seed, int expected_hardware) {
    rng_state = seed;
    int hardware = tessera_sha256_uses_hardware();
    if (hardware != expected_hardware) {
        fprintf(stderr, "FAIL: the %s path is in use, expected the %s path\n", path_name(hardware),
                path_name(expected_hardware));
        return 1;
    }

    size_t data_length;
    uint8_t *data = read_file(data_path, &data_length);
    FILE *cases = fopen(cases_path, "r");
    if (cases == NULL) {
        fprintf(stderr, "cannot open %s: %s\n", cases_path, strerror(errno));
        return 2;
    }
    char name[128], want[80];
    size_t offset, length;
    long count = 0;
    while (fscanf(cases, "%127s %zu %zu %79s", name, &offset, &length, want) == 4) {
        if (offset > data_length || length > data_length - offset || strlen(want) != 64) {
            fprintf(stderr, "bad case line for %s\n", name);
            return 2;
        }
        check_case(name, data + offset, length, want);
        count++;
    }
    fclose(cases);
    check_damaged_state(data, data_length);
    free(data);
    printf("  %s path: %ld inputs, %ld checks, %ld failures (seed %" PRIu64 ")\n", path_name(hardware),
           count, checks, failures, seed);
    return failures == 0 && count > 0 ? 0 : 1;
}

// MARK: - Throughput

static int run_bench(size_t mebibytes, size_t update_bytes, int passes, const char *want) {
    size_t length = mebibytes << 20;
    uint8_t *buffer = malloc(length);
    if (buffer == NULL || update_bytes == 0) {
        fprintf(stderr, "cannot allocate %zu MiB\n", mebibytes);
        return 2;
    }
    for (size_t i = 0; i < length; i++) {
        buffer[i] = (uint8_t)i;
    }

    tessera_sha256_state state;
    tessera_sha256_init(&state);
    double best = 0, total = 0;
    for (int p = 0; p < passes; p++) {
        double start = now_seconds();
        for (size_t at = 0; at < length; at += update_bytes) {
            size_t n = length - at < update_bytes ? length - at : update_bytes;
            tessera_sha256_update(&state, buffer + at, n);
        }
        double seconds = now_seconds() - start;
        double rate = (double)length / seconds / 1e6;
        total += seconds;
        if (rate > best) {
            best = rate;
        }
    }
    uint8_t digest[32];
    tessera_sha256_final(&state, digest);
    char got[65];
    to_hex(digest, got);
    free(buffer);

    printf("  %-8s %4zu MiB x %d in %7zu-byte updates: best %7.1f MB/s, mean %7.1f MB/s\n",
           path_name(tessera_sha256_uses_hardware()), mebibytes, passes, update_bytes, best,
           (double)length * passes / total / 1e6);
    if (strcmp(got, want) != 0) {
        fail("bench", "digest of the whole stream", got, want);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 6 && strcmp(argv[1], "cases") == 0) {
        return run_cases(argv[2], argv[3], strtoull(argv[4], NULL, 10), atoi(argv[5]));
    }
    if (argc == 6 && strcmp(argv[1], "bench") == 0) {
        return run_bench(strtoull(argv[2], NULL, 10), strtoull(argv[3], NULL, 10), atoi(argv[4]), argv[5]);
    }
    fprintf(stderr, "usage: %s cases <data-file> <cases-file> <seed> <expected-hardware>\n"
                    "       %s bench <mebibytes> <update-bytes> <passes> <sha256-hex>\n",
            argv[0], argv[0]);
    return 2;
}
