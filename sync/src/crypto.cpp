// libsodium 1.0.18 behind crypto.h. Facts from the 1.0.18 headers and libsodium-doc: kdf
// contexts are exactly 8 bytes; crypto_sign_detached is pure Ed25519; sealed boxes add 48
// bytes; crypto_pwhash needs its salt, ops and memory stored to reproduce a key.
#include "dosti/sync/crypto.h"

#include <sodium.h>

#include <cstring>

namespace dosti::sync {
namespace {

const unsigned char* U(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* U(Bytes& s) { return reinterpret_cast<unsigned char*>(s.data()); }

}  // namespace

Result<void> InitCrypto() {
  if (sodium_init() < 0) {
    return MakeError(ErrorCode::kInternal, "sync.crypto_init");
  }
  return {};
}

Bytes RandomBytes(std::size_t n) {
  Bytes out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

Bytes Hash(std::string_view domain, std::initializer_list<std::string_view> parts,
           std::size_t out) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, out);
  crypto_generichash_update(&st, U(domain), domain.size());
  for (std::string_view p : parts) crypto_generichash_update(&st, U(p), p.size());
  Bytes h(out, '\0');
  crypto_generichash_final(&st, U(h), out);
  return h;
}

Bytes KeyedHash(std::string_view key, std::string_view domain,
                std::initializer_list<std::string_view> parts) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, U(key), key.size(), 32);
  crypto_generichash_update(&st, U(domain), domain.size());
  for (std::string_view p : parts) crypto_generichash_update(&st, U(p), p.size());
  Bytes h(32, '\0');
  crypto_generichash_final(&st, U(h), 32);
  return h;
}

SigningKeys SigningKeys::Generate() {
  SigningKeys k{Bytes(crypto_sign_PUBLICKEYBYTES, '\0'), Bytes(crypto_sign_SECRETKEYBYTES, '\0')};
  crypto_sign_keypair(U(k.pk), U(k.sk));
  return k;
}

SigningKeys SigningKeys::FromSeed(std::string_view seed32) {
  if (seed32.size() != crypto_sign_SEEDBYTES) return {};
  SigningKeys k{Bytes(crypto_sign_PUBLICKEYBYTES, '\0'), Bytes(crypto_sign_SECRETKEYBYTES, '\0')};
  crypto_sign_seed_keypair(U(k.pk), U(k.sk), U(seed32));
  return k;
}

Bytes Sign(std::string_view sk, std::string_view message) {
  if (sk.size() != crypto_sign_SECRETKEYBYTES) return {};
  Bytes sig(crypto_sign_BYTES, '\0');
  crypto_sign_detached(U(sig), nullptr, U(message), message.size(), U(sk));
  return sig;
}

bool Verify(std::string_view pk, std::string_view message, std::string_view signature) {
  if (pk.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES) {
    return false;
  }
  return crypto_sign_verify_detached(U(signature), U(message), message.size(), U(pk)) == 0;
}

BoxKeys BoxKeys::Generate() {
  BoxKeys k{Bytes(crypto_box_PUBLICKEYBYTES, '\0'), Bytes(crypto_box_SECRETKEYBYTES, '\0')};
  crypto_box_keypair(U(k.pk), U(k.sk));
  return k;
}

BoxKeys BoxKeys::FromSecret(std::string_view sk32) {
  if (sk32.size() != crypto_box_SECRETKEYBYTES) return {};
  BoxKeys k{Bytes(crypto_box_PUBLICKEYBYTES, '\0'), Bytes(sk32)};
  crypto_scalarmult_base(U(k.pk), U(k.sk));
  return k;
}

Bytes SealTo(std::string_view x_pk, std::string_view message) {
  if (x_pk.size() != crypto_box_PUBLICKEYBYTES) return {};
  Bytes out(message.size() + crypto_box_SEALBYTES, '\0');
  crypto_box_seal(U(out), U(message), message.size(), U(x_pk));
  return out;
}

std::optional<Bytes> OpenSealed(const BoxKeys& keys, std::string_view sealed) {
  if (sealed.size() < crypto_box_SEALBYTES || keys.pk.size() != crypto_box_PUBLICKEYBYTES ||
      keys.sk.size() != crypto_box_SECRETKEYBYTES) {
    return std::nullopt;
  }
  Bytes out(sealed.size() - crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal_open(U(out), U(sealed), sealed.size(), U(keys.pk), U(keys.sk)) != 0) {
    return std::nullopt;
  }
  return out;
}

void EncryptInto(uint8_t* out, std::string_view key, std::string_view nonce, std::string_view ad,
                 std::string_view plain) {
  crypto_aead_xchacha20poly1305_ietf_encrypt(out, nullptr, U(plain), plain.size(), U(ad),
                                             ad.size(), nullptr, U(nonce), U(key));
}

bool DecryptInto(uint8_t* out, std::string_view key, std::string_view nonce, std::string_view ad,
                 std::string_view cipher) {
  if (cipher.size() < kTagBytes || key.size() != kKeyBytes || nonce.size() != kNonceBytes) {
    return false;
  }
  return crypto_aead_xchacha20poly1305_ietf_decrypt(out, nullptr, nullptr, U(cipher),
                                                    cipher.size(), U(ad), ad.size(), U(nonce),
                                                    U(key)) == 0;
}

Bytes Encrypt(std::string_view key, std::string_view nonce, std::string_view ad,
              std::string_view plain) {
  Bytes out(plain.size() + kTagBytes, '\0');
  EncryptInto(reinterpret_cast<uint8_t*>(out.data()), key, nonce, ad, plain);
  return out;
}

std::optional<Bytes> Decrypt(std::string_view key, std::string_view nonce, std::string_view ad,
                             std::string_view cipher) {
  if (cipher.size() < kTagBytes) return std::nullopt;
  Bytes out(cipher.size() - kTagBytes, '\0');
  if (!DecryptInto(reinterpret_cast<uint8_t*>(out.data()), key, nonce, ad, cipher)) {
    return std::nullopt;
  }
  return out;
}

Bytes DeriveKey(std::string_view master, uint64_t id, const char (&context)[9]) {
  Bytes out(32, '\0');
  crypto_kdf_derive_from_key(U(out), out.size(), id, context, U(master));
  return out;
}

Result<Bytes> PasswordKey(std::string_view passphrase, std::string_view salt, uint32_t ops,
                          uint32_t mem_kib) {
  if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > kMaxPwOps || mem_kib < 8 ||
      mem_kib > kMaxPwMemKiB || salt.size() != crypto_pwhash_SALTBYTES) {
    return MakeError(ErrorCode::kDamaged, "sync.pwhash_bounds",
                     {{"ops", std::to_string(ops)}, {"memory", std::to_string(mem_kib)}});
  }
  Bytes key(kKeyBytes, '\0');
  if (crypto_pwhash(U(key), key.size(), passphrase.data(), passphrase.size(), U(salt), ops,
                    static_cast<size_t>(mem_kib) * 1024, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return MakeError(ErrorCode::kInternal, "sync.pwhash_memory",
                     {{"mib", std::to_string(mem_kib / 1024)}});
  }
  return key;
}

bool SameBytes(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace dosti::sync
