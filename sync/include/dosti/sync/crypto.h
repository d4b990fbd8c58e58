// The libsodium 1.0.18 primitives the sync layer uses (DESIGN.md §4), as small functions over
// byte strings. Only sync/src includes sodium.h. Byte strings are std::string (binary).
// Thread-safety: every function may be called from any thread after InitCrypto().
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "dosti/hex.h"
#include "dosti/result.h"

namespace dosti::sync {

using Bytes = std::string;

// sodium_init(); idempotent. Every other function here requires it.
Result<void> InitCrypto();

Bytes RandomBytes(std::size_t n);

// BLAKE2b of domain ‖ parts (crypto_generichash, unkeyed), `out` bytes long (16..64).
Bytes Hash(std::string_view domain, std::initializer_list<std::string_view> parts,
           std::size_t out = 32);
// Keyed BLAKE2b (a MAC; key 16..64 bytes) of domain ‖ parts, 32 bytes.
Bytes KeyedHash(std::string_view key, std::string_view domain,
                std::initializer_list<std::string_view> parts);

// Ed25519 (crypto_sign_detached: pure Ed25519, never the ph variant). A seed or secret key of
// the wrong size gives empty keys or an empty signature (which verifies nowhere); nothing here
// reads past the bytes it is given.
struct SigningKeys {
  Bytes pk;  // 32
  Bytes sk;  // 64 (seed ‖ pk)
  static SigningKeys Generate();
  static SigningKeys FromSeed(std::string_view seed32);
};
Bytes Sign(std::string_view sk, std::string_view message);  // 64 bytes
bool Verify(std::string_view pk, std::string_view message, std::string_view signature);

// X25519 for sealed boxes (a separate key pair: never converted from Ed25519). Keys of the
// wrong size: FromSecret gives empty keys, SealTo an empty box, OpenSealed nullopt.
struct BoxKeys {
  Bytes pk;  // 32
  Bytes sk;  // 32
  static BoxKeys Generate();
  static BoxKeys FromSecret(std::string_view sk32);
};
inline constexpr std::size_t kSealOverhead = 48;  // crypto_box_SEALBYTES
Bytes SealTo(std::string_view x_pk, std::string_view message);
std::optional<Bytes> OpenSealed(const BoxKeys& keys, std::string_view sealed);

// XChaCha20-Poly1305-IETF with a 24-byte nonce and a 16-byte tag.
inline constexpr std::size_t kKeyBytes = 32;
inline constexpr std::size_t kNonceBytes = 24;
inline constexpr std::size_t kTagBytes = 16;
Bytes Encrypt(std::string_view key, std::string_view nonce, std::string_view ad,
              std::string_view plain);
// nullopt when the tag does not verify.
std::optional<Bytes> Decrypt(std::string_view key, std::string_view nonce, std::string_view ad,
                             std::string_view cipher);
// The same into a caller's buffer (no allocation): out must hold plain.size() + kTagBytes.
void EncryptInto(uint8_t* out, std::string_view key, std::string_view nonce,
                 std::string_view ad, std::string_view plain);
// out must hold cipher.size() - kTagBytes; false when the tag does not verify.
bool DecryptInto(uint8_t* out, std::string_view key, std::string_view nonce,
                 std::string_view ad, std::string_view cipher);

// crypto_kdf_derive_from_key: a 32-byte sub-key number `id` of `master` (32 bytes) in an
// 8-character context.
Bytes DeriveKey(std::string_view master, uint64_t id, const char (&context)[9]);

// Argon2id for human secrets only. Parameters read from files are capped (a crafted file must
// not ask for gigabytes): ops ≤ kMaxPwOps, memory ≤ kMaxPwMemKiB; kDamaged beyond.
inline constexpr uint32_t kPwOps = 3;                // crypto_pwhash_OPSLIMIT_MODERATE
inline constexpr uint32_t kPwMemKiB = 64 * 1024;     // 64 MiB (INTERACTIVE's memory)
inline constexpr uint32_t kMaxPwOps = 4;
inline constexpr uint32_t kMaxPwMemKiB = 256 * 1024;
inline constexpr std::size_t kSaltBytes = 16;
Result<Bytes> PasswordKey(std::string_view passphrase, std::string_view salt, uint32_t ops,
                          uint32_t mem_kib);

// Constant-time comparison of equal-length byte strings (false when the lengths differ).
bool SameBytes(std::string_view a, std::string_view b);

// The core's one hex codec (dosti/hex.h), under the names the sync code has always used.
using ::dosti::FromHex;  // nullopt unless `hex` is an even number of hex digits
using ::dosti::ToHex;

}  // namespace dosti::sync
