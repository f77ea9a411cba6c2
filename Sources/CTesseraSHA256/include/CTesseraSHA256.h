#ifndef CTESSERA_SHA256_H
#define CTESSERA_SHA256_H

#include <stddef.h>
#include <stdint.h>

/// SHA-256 (FIPS 180-4) whose whole state is one plain struct, so a computation can be stopped after
/// any update, its state stored (for example in a database row, between the parts of a multipart
/// upload, across a server restart), and resumed later by feeding the rest to a copy of that state.
///
/// On x86_64 processors with the SHA extensions the compression runs on those instructions (chosen at
/// run time); elsewhere a portable C compression function is used. Both give identical states, so a
/// state saved on one machine can be resumed on another of the same byte order.
///
/// The functions keep no global state other than a cached CPU feature check and are safe to call from
/// any thread; one `tessera_sha256_state` must not be updated from two threads at once.

/// The complete state of a SHA-256 computation; plain bytes, safe to copy and to store.
///
/// The integers are in host byte order and the layout is fixed: `h` at offset 0, `length` at 32, `buffer`
/// at 40, `buffered` at 104, then on 64-bit platforms 4 bytes of tail padding (112 bytes in all).
/// `buffered` always equals `length % 64`, and the functions keep the unused end of `buffer` and (via
/// `tessera_sha256_init`) the padding zero, so two states fed the same bytes, however split, are equal
/// byte for byte when copied as bytes. Any bit pattern is memory-safe to pass to the functions below,
/// but a state that none of them produced gives a meaningless digest.
typedef struct {
    uint32_t h[8];        // chaining value
    uint64_t length;      // total bytes fed so far
    uint8_t buffer[64];   // bytes not yet compressed (the first `buffered` are valid)
    uint32_t buffered;    // 0..63
} tessera_sha256_state;

/// Starts a new computation (the digest of nothing fed is that of the empty input).
void tessera_sha256_init(tessera_sha256_state *state);

/// Feeds `length` more bytes. Any split of the input into updates gives the same result; a 0-byte
/// update does nothing (and `data` may then be NULL).
void tessera_sha256_update(tessera_sha256_state *state, const void *data, size_t length);

/// Writes the digest of everything fed so far; does not change `state` (more updates may follow).
void tessera_sha256_final(const tessera_sha256_state *state, uint8_t digest[32]);

/// 1 when the SHA-NI (x86 SHA extensions) path is in use, 0 for the portable one.
int tessera_sha256_uses_hardware(void);

#endif
