// Device keys and the key file (keys.h; layout in sync/README.md, "Key file").
#include "dosti/sync/keys.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "dosti/sync/trust.h"
#include "dosti/sync/wire.h"

namespace dosti::sync {
namespace {

constexpr std::string_view kMagic = "DHKEY001";
constexpr std::size_t kSecretBytes = 64;  // Ed25519 seed ‖ X25519 secret

Error Damaged(const std::string& why) {
  return MakeErrorText(ErrorCode::kDamaged, "the key file is damaged: " + why);
}

}  // namespace

DeviceKeys DeviceKeys::Generate() { return {SigningKeys::Generate(), BoxKeys::Generate()}; }

Bytes DeviceKeys::id() const { return DeviceIdOf(sign.pk, box.pk); }

std::string KeyFilePath(const std::string& db_path) { return db_path + ".key"; }

Bytes EncodeKeyFile(const DeviceKeys& keys, std::string_view passphrase) {
  Bytes secret = keys.sign.sk.substr(0, 32) + keys.box.sk;
  Writer w;
  w.Raw(kMagic);
  if (passphrase.empty()) {
    w.U8(0).Raw(secret).Raw(Hash("DH-keyfile-v1", {secret}));
  } else {
    Bytes salt = RandomBytes(kSaltBytes), nonce = RandomBytes(kNonceBytes);
    Bytes key = *PasswordKey(passphrase, salt, kPwOps, kPwMemKiB);
    w.U8(1).Raw(salt).U32(kPwOps).U32(kPwMemKiB).Raw(nonce);
    w.Raw(KeyedHash(key, "DH-commit-v1", {nonce}));
    Bytes ad = w.bytes();
    w.Raw(Encrypt(key, nonce, ad, secret));
    sodium_memzero(key.data(), key.size());
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
    std::string_view salt = r.Raw(kSaltBytes);
    uint32_t ops = r.U32(), mem = r.U32();
    std::string_view nonce = r.Raw(kNonceBytes), commit = r.Raw(32);
    std::size_t ad_len = r.position();
    std::string_view cipher = r.Raw(kSecretBytes + kTagBytes);
    if (!r.done()) return Damaged("wrong length");
    if (passphrase.empty()) {
      return MakeErrorText(ErrorCode::kWrongPassphrase,
                       "the key file is protected by a passphrase: give it with "
                       "--key-passphrase-file FILE or DOSTI_KEY_PASSPHRASE");
    }
    auto key = PasswordKey(passphrase, salt, ops, mem);
    if (!key) return key.error();
    // Key commitment first (libsodium aead.md, "Robustness"): a wrong passphrase is told apart
    // before any decryption is attempted.
    if (!SameBytes(commit, KeyedHash(*key, "DH-commit-v1", {nonce}))) {
      return MakeErrorText(ErrorCode::kWrongPassphrase, "wrong key passphrase");
    }
    auto plain = Decrypt(*key, nonce, bytes.substr(0, ad_len), cipher);
    sodium_memzero(key->data(), key->size());
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

Result<void> SaveKeyFile(const std::string& path, const DeviceKeys& keys,
                         std::string_view passphrase) {
  Bytes bytes = EncodeKeyFile(keys, passphrase);
  // O_EXCL: an existing key file is never overwritten; 0600: only this OS user reads it.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return MakeErrorText(ErrorCode::kAlreadyInitialised,
                       path + " already exists; keys are never overwritten");
    }
    return MakeErrorText(ErrorCode::kIo, "cannot create " + path + ": " + std::strerror(errno));
  }
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) {
      ::close(fd);
      ::unlink(path.c_str());
      return MakeErrorText(ErrorCode::kIo, "cannot write " + path);
    }
    done += static_cast<std::size_t>(n);
  }
  ::fsync(fd);
  ::close(fd);
  return {};
}

Result<DeviceKeys> LoadKeyFile(const std::string& path, std::string_view passphrase) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return MakeErrorText(ErrorCode::kIo, "this device's key file " + path +
                                         " is missing; it is made by `dosti init` or `dosti join`");
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  return DecodeKeyFile(buf.str(), passphrase);
}

}  // namespace dosti::sync
