// SHA-256 as specified in FIPS 180-4, with a state that can be saved and resumed.
//
// The work is split in two layers:
// - the block layer (`compress_blocks`) runs the compression function over whole 64-byte blocks; it
//   has two implementations, one in portable C and one on the x86 SHA extensions ("SHA-NI"), picked
//   at run time from what the processor reports;
// - the stream layer (`tessera_sha256_update`, `tessera_sha256_final`) keeps the partial block and
//   the byte count in the state and applies the final padding.
//
// Defining TESSERA_SHA256_PORTABLE_ONLY when compiling leaves the SHA-NI code out, so the portable
// compression can be tested on a machine that has the extensions.

#include "CTesseraSHA256.h"

#include <string.h>

#if defined(__x86_64__) && !defined(TESSERA_SHA256_PORTABLE_ONLY)
#define TESSERA_SHA256_HAVE_SHANI 1
#include <cpuid.h>
#include <immintrin.h>
#include <stdatomic.h>
#else
#define TESSERA_SHA256_HAVE_SHANI 0
#endif

// The Swift side stores the struct as bytes; make sure its layout is the one the header promises.
_Static_assert(offsetof(tessera_sha256_state, h) == 0, "h at offset 0");
_Static_assert(offsetof(tessera_sha256_state, length) == 32, "length at offset 32");
_Static_assert(offsetof(tessera_sha256_state, buffer) == 40, "buffer at offset 40");
_Static_assert(offsetof(tessera_sha256_state, buffered) == 104, "buffered at offset 104");
#if UINTPTR_MAX > 0xFFFFFFFFu
_Static_assert(sizeof(tessera_sha256_state) == 112, "112 bytes on 64-bit platforms");
#endif

// The 64 round constants: the first 32 bits of the fractional parts of the cube roots of the first
// 64 primes (FIPS 180-4, section 4.2.2). Aligned so the SHA-NI path can load four at a time.
_Alignas(16) static const uint32_t round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

// The initial chaining value: the first 32 bits of the fractional parts of the square roots of the
// first 8 primes (FIPS 180-4, section 5.3.3).
static const uint32_t initial_hash[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static inline uint32_t load_be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static inline void store_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

// MARK: - Portable compression

static inline uint32_t rotr32(uint32_t x, unsigned n) {
    return (x >> n) | (x << (32 - n));
}

// The functions of FIPS 180-4, section 4.1.2. Ch picks bits of y where x is 1 and of z where it is 0,
// written with one operation fewer. Maj, 1 where at least two of x, y, z are, is computed inside
// SHA_ROUND.
#define SHA_CH(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define SHA_BSIG0(x) (rotr32((x), 2) ^ rotr32((x), 13) ^ rotr32((x), 22))
#define SHA_BSIG1(x) (rotr32((x), 6) ^ rotr32((x), 11) ^ rotr32((x), 25))
#define SHA_SSIG0(x) (rotr32((x), 7) ^ rotr32((x), 18) ^ ((x) >> 3))
#define SHA_SSIG1(x) (rotr32((x), 17) ^ rotr32((x), 19) ^ ((x) >> 10))

// One round on working variables that rotate by name instead of being moved: round t, with schedule
// word `wt`, computes the new `e` into `d` and the new `a` into `h`, so the next round is the same
// macro with the names shifted by one place.
//
// Maj(a, b, c) is b where a and b agree and c where they differ, that is b ^ ((a ^ b) & (b ^ c)). The
// b ^ c of one round is the a ^ b of the round before (the names have shifted by one), so each round
// computes a ^ b into `ab` and takes b ^ c from `bc`, and SHA_16_ROUNDS alternates the two names.
#define SHA_ROUND(a, b, c, d, e, f, g, h, t, wt, ab, bc)                                          \
    do {                                                                                          \
        uint32_t t1 = (h) + SHA_BSIG1(e) + SHA_CH((e), (f), (g)) + round_constants[t] + (wt);     \
        (ab) = (a) ^ (b);                                                                         \
        uint32_t t2 = SHA_BSIG0(a) + ((b) ^ ((ab) & (bc)));                                       \
        (d) += t1;                                                                                \
        (h) = t1 + t2;                                                                            \
    } while (0)

// The message schedule is kept as its last 16 words, word t in w[t % 16]. The rounds are unrolled by
// 16, so every index below is a constant and the words can live in registers. SHA_SCHEDULE(k)
// replaces word t - 16 (in w[k]) with word t, for t = 16 * n + k.
#define SHA_SCHEDULE(k) \
    (w[k] += SHA_SSIG1(w[((k) + 14) & 15]) + w[((k) + 9) & 15] + SHA_SSIG0(w[((k) + 1) & 15]))

#define SHA_16_ROUNDS(t, W)                                       \
    do {                                                          \
        SHA_ROUND(a, b, c, d, e, f, g, h, (t) + 0, W(0), x, y);   \
        SHA_ROUND(h, a, b, c, d, e, f, g, (t) + 1, W(1), y, x);   \
        SHA_ROUND(g, h, a, b, c, d, e, f, (t) + 2, W(2), x, y);   \
        SHA_ROUND(f, g, h, a, b, c, d, e, (t) + 3, W(3), y, x);   \
        SHA_ROUND(e, f, g, h, a, b, c, d, (t) + 4, W(4), x, y);   \
        SHA_ROUND(d, e, f, g, h, a, b, c, (t) + 5, W(5), y, x);   \
        SHA_ROUND(c, d, e, f, g, h, a, b, (t) + 6, W(6), x, y);   \
        SHA_ROUND(b, c, d, e, f, g, h, a, (t) + 7, W(7), y, x);   \
        SHA_ROUND(a, b, c, d, e, f, g, h, (t) + 8, W(8), x, y);   \
        SHA_ROUND(h, a, b, c, d, e, f, g, (t) + 9, W(9), y, x);   \
        SHA_ROUND(g, h, a, b, c, d, e, f, (t) + 10, W(10), x, y); \
        SHA_ROUND(f, g, h, a, b, c, d, e, (t) + 11, W(11), y, x); \
        SHA_ROUND(e, f, g, h, a, b, c, d, (t) + 12, W(12), x, y); \
        SHA_ROUND(d, e, f, g, h, a, b, c, (t) + 13, W(13), y, x); \
        SHA_ROUND(c, d, e, f, g, h, a, b, (t) + 14, W(14), x, y); \
        SHA_ROUND(b, c, d, e, f, g, h, a, (t) + 15, W(15), y, x); \
    } while (0)

// Schedule words for the first 16 rounds (the message itself), and for the later ones.
#define SHA_LOADED_WORD(k) w[k]
#define SHA_NEXT_WORD(k) SHA_SCHEDULE(k)

static void compress_portable(uint32_t state[8], const uint8_t *data, size_t blocks) {
    uint32_t w[16];
    while (blocks-- > 0) {
        uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
        uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
        uint32_t x, y = b ^ c;   // see SHA_ROUND
        for (int i = 0; i < 16; i++) {
            w[i] = load_be32(data + 4 * i);
        }
        SHA_16_ROUNDS(0, SHA_LOADED_WORD);
        SHA_16_ROUNDS(16, SHA_NEXT_WORD);
        SHA_16_ROUNDS(32, SHA_NEXT_WORD);
        SHA_16_ROUNDS(48, SHA_NEXT_WORD);
        state[0] += a; state[1] += b; state[2] += c; state[3] += d;
        state[4] += e; state[5] += f; state[6] += g; state[7] += h;
        data += 64;
    }
}

// MARK: - SHA-NI compression

#if TESSERA_SHA256_HAVE_SHANI

// How the SHA extensions see the state: SHA256RNDS2 performs two rounds on eight working variables
// held in two registers, one with A, B, E, F and one with C, D, G, H (from the highest 32-bit lane
// down), taking the two message-plus-constant words for those rounds in the low 64 bits of a third
// (the first round's word lowest). It returns the new A, B, E, F; after two rounds the new C, D, G, H
// are exactly the old A, B, E, F, so the two registers simply swap roles every two rounds.
//
// SHA256MSG1 and SHA256MSG2 compute the message schedule four words at a time: with schedule words
// held four per register in order (word t in lane t % 4), MSG1 of W[t-16..t-13] and W[t-12..t-9]
// gives W[t-16+i] + sigma0(W[t-15+i]) in lane i; adding W[t-7..t-4] and passing the sum with
// W[t-4..t-1] to MSG2 adds sigma1 of the word two places back to each lane, the last two lanes using
// the first two words it has just produced, which yields W[t..t+3].

// Four rounds starting at round t, with `msg` holding W[t..t+3].
#define SHANI_ROUNDS4(msg, t)                                                                   \
    do {                                                                                        \
        __m128i wk = _mm_add_epi32((msg), _mm_load_si128((const __m128i *)&round_constants[t])); \
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);                                           \
        abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));                  \
    } while (0)

// With m0..m3 holding W[t-16..t-1] four words each, replaces m0 with W[t..t+3].
#define SHANI_SCHEDULE(m0, m1, m2, m3) \
    ((m0) = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32((m0), (m1)), _mm_alignr_epi8((m3), (m2), 4)), (m3)))

__attribute__((target("sha,sse4.1,ssse3")))
static void compress_shani(uint32_t state[8], const uint8_t *data, size_t blocks) {
    // Byte order within each 32-bit lane reversed: the message words are big-endian.
    const __m128i byte_swap = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);

    // From A..H in memory order to the two registers the instructions want. Register names read from
    // the highest lane down, as the instruction descriptions do; the comments list lanes from the
    // lowest up.
    __m128i t0 = _mm_loadu_si128((const __m128i *)&state[0]);      // A B C D
    __m128i t1 = _mm_loadu_si128((const __m128i *)&state[4]);      // E F G H
    t0 = _mm_shuffle_epi32(t0, 0xB1);                              // B A D C
    t1 = _mm_shuffle_epi32(t1, 0x1B);                              // H G F E
    __m128i abef = _mm_alignr_epi8(t0, t1, 8);                     // F E B A
    __m128i cdgh = _mm_blend_epi16(t1, t0, 0xF0);                  // H G D C

    while (blocks-- > 0) {
        const __m128i abef_start = abef;
        const __m128i cdgh_start = cdgh;

        __m128i m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 0)), byte_swap);
        __m128i m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16)), byte_swap);
        __m128i m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 32)), byte_swap);
        __m128i m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 48)), byte_swap);

        SHANI_ROUNDS4(m0, 0);
        SHANI_ROUNDS4(m1, 4);
        SHANI_ROUNDS4(m2, 8);
        SHANI_ROUNDS4(m3, 12);
        for (int t = 16; t < 64; t += 16) {
            SHANI_SCHEDULE(m0, m1, m2, m3); SHANI_ROUNDS4(m0, t + 0);
            SHANI_SCHEDULE(m1, m2, m3, m0); SHANI_ROUNDS4(m1, t + 4);
            SHANI_SCHEDULE(m2, m3, m0, m1); SHANI_ROUNDS4(m2, t + 8);
            SHANI_SCHEDULE(m3, m0, m1, m2); SHANI_ROUNDS4(m3, t + 12);
        }

        abef = _mm_add_epi32(abef, abef_start);
        cdgh = _mm_add_epi32(cdgh, cdgh_start);
        data += 64;
    }

    // Back to A..H in memory order.
    t0 = _mm_shuffle_epi32(abef, 0x1B);                            // A B E F
    t1 = _mm_shuffle_epi32(cdgh, 0xB1);                            // G H C D
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(t0, t1, 0xF0));   // A B C D
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(t1, t0, 8));      // E F G H
}

// SSSE3 (PSHUFB, PALIGNR), SSE4.1 (PBLENDW) and the SHA extensions, as reported by CPUID.
static int cpu_has_shani(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) {
        return 0;
    }
    const int ssse3 = (ecx >> 9) & 1;
    const int sse41 = (ecx >> 19) & 1;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) {
        return 0;
    }
    const int sha = (ebx >> 29) & 1;
    return ssse3 && sse41 && sha;
}

#endif  // TESSERA_SHA256_HAVE_SHANI

// MARK: - Dispatch

#if TESSERA_SHA256_HAVE_SHANI
// 0 until the first call looks at the processor, then 1 (portable) or 2 (SHA-NI). Threads racing on
// the first call all compute and store the same value, so relaxed ordering is enough.
static _Atomic int selected_path = 0;

static int use_shani(void) {
    int path = atomic_load_explicit(&selected_path, memory_order_relaxed);
    if (path == 0) {
        path = cpu_has_shani() ? 2 : 1;
        atomic_store_explicit(&selected_path, path, memory_order_relaxed);
    }
    return path == 2;
}
#else
static int use_shani(void) {
    return 0;
}
#endif

static void compress_blocks(uint32_t state[8], const uint8_t *data, size_t blocks) {
#if TESSERA_SHA256_HAVE_SHANI
    if (use_shani()) {
        compress_shani(state, data, blocks);
        return;
    }
#endif
    compress_portable(state, data, blocks);
}

int tessera_sha256_uses_hardware(void) {
    return use_shani();
}

// MARK: - Stream

void tessera_sha256_init(tessera_sha256_state *state) {
    memset(state, 0, sizeof *state);
    memcpy(state->h, initial_hash, sizeof initial_hash);
}

void tessera_sha256_update(tessera_sha256_state *state, const void *data, size_t length) {
    if (length == 0) {
        return;
    }
    const uint8_t *bytes = data;
    // Masked so a damaged stored state cannot make the copies below leave the buffer.
    size_t used = state->buffered & 63;
    state->length += (uint64_t)length;

    if (used > 0) {
        size_t take = 64 - used;
        if (take > length) {
            take = length;
        }
        memcpy(state->buffer + used, bytes, take);
        used += take;
        bytes += take;
        length -= take;
        if (used < 64) {
            state->buffered = (uint32_t)used;
            return;
        }
        compress_blocks(state->h, state->buffer, 1);
    }

    const size_t blocks = length / 64;
    if (blocks > 0) {
        compress_blocks(state->h, bytes, blocks);
        bytes += blocks * 64;
        length -= blocks * 64;
    }

    // Fewer than 64 bytes left; the rest of the buffer is kept zero.
    memcpy(state->buffer, bytes, length);
    memset(state->buffer + length, 0, 64 - length);
    state->buffered = (uint32_t)length;
}

void tessera_sha256_final(const tessera_sha256_state *state, uint8_t digest[32]) {
    // Padding (FIPS 180-4, section 5.1.1): a 1 bit, zeros up to 8 bytes short of a block boundary,
    // then the message length in bits as a 64-bit big-endian number; one block, or two when fewer
    // than 9 bytes are left in the current one.
    uint8_t tail[128];
    const size_t used = state->buffered & 63;
    const size_t tail_length = used + 9 <= 64 ? 64 : 128;
    memcpy(tail, state->buffer, used);
    tail[used] = 0x80;
    memset(tail + used + 1, 0, tail_length - used - 1 - 8);
    const uint64_t bits = state->length << 3;
    store_be32(tail + tail_length - 8, (uint32_t)(bits >> 32));
    store_be32(tail + tail_length - 4, (uint32_t)bits);

    uint32_t h[8];
    memcpy(h, state->h, sizeof h);
    compress_blocks(h, tail, tail_length / 64);
    for (int i = 0; i < 8; i++) {
        store_be32(digest + 4 * i, h[i]);
    }
}
