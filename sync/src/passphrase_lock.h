// The passphrase lock that wraps both a key file and an invite file (layouts in sync/README.md):
// salt ‖ ops ‖ memory ‖ nonce ‖ commitment, an Argon2id key (PasswordKey) and a key commitment,
// so a wrong passphrase is told apart before any decryption is attempted (libsodium aead.md,
// "Robustness"). The caller encrypts and decrypts with the key, under its own associated data.
#pragma once

#include <sodium.h>

#include <string_view>

#include "dosti/result.h"
#include "dosti/sync/crypto.h"
#include "dosti/sync/wire.h"

namespace dosti::sync {

// The key wiped when it goes out of scope.
class LockKey {
 public:
  explicit LockKey(Bytes key) : key_(std::move(key)) {}
  LockKey(const LockKey&) = delete;
  LockKey& operator=(const LockKey&) = delete;
  LockKey(LockKey&&) = default;
  ~LockKey() { sodium_memzero(key_.data(), key_.size()); }
  const Bytes& bytes() const { return key_; }

 private:
  Bytes key_;
};

struct PassphraseLock {
  std::string_view salt, nonce, commit;
  uint32_t ops = 0, mem_kib = 0;

  // Reads the lock's fields (the caller checks the reader's state).
  static PassphraseLock Read(Reader& r) {
    PassphraseLock lock;
    lock.salt = r.Raw(kSaltBytes);
    lock.ops = r.U32();
    lock.mem_kib = r.U32();
    lock.nonce = r.Raw(kNonceBytes);
    lock.commit = r.Raw(32);
    return lock;
  }

  // A new lock with the default parameters: its fields appended to `w`, its nonce in `nonce`.
  static Result<LockKey> Write(Writer& w, std::string_view passphrase, Bytes& nonce) {
    Bytes salt = RandomBytes(kSaltBytes);
    nonce = RandomBytes(kNonceBytes);
    auto key = PasswordKey(passphrase, salt, kPwOps, kPwMemKiB);
    if (!key) return key.error();
    LockKey locked(std::move(*key));
    w.Raw(salt).U32(kPwOps).U32(kPwMemKiB).Raw(nonce).Raw(Commitment(locked.bytes(), nonce));
    return locked;
  }

  // The key, if `passphrase` opens the lock; kWrongPassphrase with `wrong_key` if not.
  Result<LockKey> Open(std::string_view passphrase, const char* wrong_key) const {
    auto key = PasswordKey(passphrase, salt, ops, mem_kib);
    if (!key) return key.error();
    LockKey opened(std::move(*key));
    if (!SameBytes(commit, Commitment(opened.bytes(), nonce))) {
      return MakeError(ErrorCode::kWrongPassphrase, wrong_key);
    }
    return opened;
  }

  static Bytes Commitment(std::string_view key, std::string_view nonce) {
    return KeyedHash(key, "DH-commit-v1", {nonce});
  }
};

}  // namespace dosti::sync
