// Device keys and the key file (keys.h; layout in sync/README.md, "Key file").
#include "dosti/sync/keys.h"

#include <sodium.h>

#include "dosti/sync/trust.h"
#include "dosti/sync/wire.h"
#include "passphrase_lock.h"

namespace dosti::sync {
namespace {

constexpr std::string_view kMagic = "DHKEY001";
constexpr std::size_t kSecretBytes = 64;  // Ed25519 seed ‖ X25519 secret

Error Damaged(std::string_view why) {
  return MakeError(ErrorCode::kDamaged, "sync.keys_damaged", {{"why", std::string(why)}});
}

}  // namespace

DeviceKeys DeviceKeys::Generate() { return {SigningKeys::Generate(), BoxKeys::Generate()}; }

Bytes DeviceKeys::id() const { return DeviceIdOf(sign.pk, box.pk); }

Bytes EncodeKeyFile(const DeviceKeys& keys, std::string_view passphrase) {
  Bytes secret = keys.sign.sk.substr(0, 32) + keys.box.sk;
  Writer w;
  w.Raw(kMagic);
  if (passphrase.empty()) {
    w.U8(0).Raw(secret).Raw(Hash("DH-keyfile-v1", {secret}));
  } else {
    Bytes nonce;
    w.U8(1);
    LockKey key = *PassphraseLock::Write(w, passphrase, nonce);  // default parameters: cannot fail
    Bytes ad = w.bytes();
    w.Raw(Encrypt(key.bytes(), nonce, ad, secret));
  }
  sodium_memzero(secret.data(), secret.size());
  return w.Take();
}

Result<DeviceKeys> DecodeKeyFile(std::string_view bytes, std::string_view passphrase) {
  Reader r(bytes);
  if (r.Raw(kMagic.size()) != kMagic) return Damaged("it is not a Dosti key file");
  uint8_t wrapped = r.U8();
  Bytes secret;
  if (wrapped == 0) {
    secret = Bytes(r.Raw(kSecretBytes));
    std::string_view check = r.Raw(32);
    if (!r.done()) return Damaged("wrong length");
    if (!SameBytes(check, Hash("DH-keyfile-v1", {secret}))) return Damaged("its checksum fails");
  } else if (wrapped == 1) {
    PassphraseLock lock = PassphraseLock::Read(r);
    std::size_t ad_len = r.position();
    std::string_view cipher = r.Raw(kSecretBytes + kTagBytes);
    if (!r.done()) return Damaged("wrong length");
    if (passphrase.empty()) {
      return MakeError(ErrorCode::kWrongPassphrase, "sync.keys_need_passphrase");
    }
    auto key = lock.Open(passphrase, "sync.keys_wrong_passphrase");
    if (!key) return key.error();
    auto plain = Decrypt(key->bytes(), lock.nonce, bytes.substr(0, ad_len), cipher);
    if (!plain) return Damaged("it does not decrypt");
    secret = std::move(*plain);
  } else {
    return Damaged("unknown wrapping " + std::to_string(wrapped));
  }
  DeviceKeys keys{SigningKeys::FromSeed(secret.substr(0, 32)),
                  BoxKeys::FromSecret(secret.substr(32))};
  sodium_memzero(secret.data(), secret.size());
  return keys;
}

}  // namespace dosti::sync
