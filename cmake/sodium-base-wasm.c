/* The wasm builds' libsodium without its 30 KiB table of base-point multiples.

   libsodium 1.0.18 multiplies Ed25519's base point B through a precomputed table (base[32][8]
   in crypto_core/ed25519/ref10/ed25519_ref10.c, ge25519_scalarmult_base). Signing, both key
   generations and crypto_box_seal reach it, and so does every X25519 use: the X25519
   implementation's record names its base-point function beside the ladder, so a link that
   computes any shared secret keeps the table. After brotli the table is 29 KiB of the booth's
   engine (bench/README.md, wasm_core_brotli_bytes).

   The wasm links replace it (wasm-ld --wrap=ge25519_scalarmult_base, cmake/wasm.cmake) by
   libsodium's own variable-base multiplication, constant-time in the scalar, applied to B. The
   point is the same, so keys, signatures and shared secrets are the same bytes; the cost is a
   slower multiplication (keys made, envelopes signed: a few per sync), verification is
   untouched. The wasm test suite checks the RFC 8032 and RFC 7748 known answers through it.

   These two are libsodium's internal functions (private/ed25519_ref10.h, 1.0.18): the
   Debian version is pinned by scripts/setup. Their point type is four field elements of 40
   bytes each (int32_t[10] or uint64_t[5], whichever the build chose), so it is declared here by
   size and alignment only; nothing here reads inside it. */
#include <stdint.h>

typedef struct {
  uint64_t limbs[20]; /* X, Y, Z, T: 4 x 40 bytes */
} ge25519_p3;

int ge25519_frombytes(ge25519_p3 *h, const unsigned char *s);
void ge25519_scalarmult(ge25519_p3 *h, const unsigned char *a, const ge25519_p3 *p);

/* B encoded: y = 4/5, x even (RFC 8032 section 5.1). */
static const unsigned char kBase[32] = {
    0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
    0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66};

/* h = a * B, with ge25519_scalarmult_base's precondition a[31] <= 127 (ge25519_scalarmult has
   the same one). */
void __wrap_ge25519_scalarmult_base(ge25519_p3 *h, const unsigned char *a) {
  ge25519_p3 base;
  (void)ge25519_frombytes(&base, kBase); /* a valid encoding: never fails */
  ge25519_scalarmult(h, a, &base);
}
