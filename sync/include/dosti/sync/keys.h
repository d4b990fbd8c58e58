// A device's identity: an Ed25519 signing key pair and a separate X25519 key pair (never
// converted from one another), and the key file that keeps them at rest (sync/README.md,
// "Key file"): readable only by its OS user, optionally wrapped with a passphrase (Argon2id).
#pragma once

#include <string>
#include <string_view>

#include "dosti/result.h"
#include "dosti/sync/crypto.h"

namespace dosti::sync {

struct DeviceKeys {
  SigningKeys sign;
  BoxKeys box;
  static DeviceKeys Generate();
  // The device id: BLAKE2b-128("DH-devid-v1" ‖ ed_pk ‖ x_pk).
  Bytes id() const;
};

// The key file beside a database: "<db>.key".
std::string KeyFilePath(const std::string& db_path);

// Encodes the keys (wrapped when `passphrase` is not empty) / decodes them (kWrongPassphrase,
// kDamaged; a wrapped file without a passphrase: kWrongPassphrase saying how to give one).
Bytes EncodeKeyFile(const DeviceKeys& keys, std::string_view passphrase);
Result<DeviceKeys> DecodeKeyFile(std::string_view bytes, std::string_view passphrase);

// Writes a new key file with mode 0600 (kAlreadyInitialised if one exists: keys are never
// overwritten) / reads one (kIo when missing, saying what to do).
Result<void> SaveKeyFile(const std::string& path, const DeviceKeys& keys,
                         std::string_view passphrase);
Result<DeviceKeys> LoadKeyFile(const std::string& path, std::string_view passphrase);

}  // namespace dosti::sync
