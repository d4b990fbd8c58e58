// A device's key pairs: an Ed25519 signing pair and a separate X25519 pair (never converted from
// one another), and their encoding at rest (sync/README.md, "Key file"), optionally wrapped with
// a passphrase (Argon2id). Where the bytes live is identity.h's KeyStore.
// Thread-safety: plain values and pure functions.
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

// Encodes the keys (wrapped when `passphrase` is not empty) / decodes them (kWrongPassphrase,
// kDamaged; a wrapped file without a passphrase: kWrongPassphrase).
Bytes EncodeKeyFile(const DeviceKeys& keys, std::string_view passphrase);
Result<DeviceKeys> DecodeKeyFile(std::string_view bytes, std::string_view passphrase);

}  // namespace dosti::sync
