// The epoch secrets this device holds (DESIGN.md §4, "Epoch keys"): each learnt from an epoch
// message or a grant sealed to this device's X25519 key, and older ones by walking back the
// chain (each secret encrypts its predecessor). Kept in the local space "secret" (u32 BE epoch →
// the secret sealed again to this device's own key, so the database alone does not reveal it).
// Internal to sync/src; used from the Node's thread.
#pragma once

#include <cstdint>
#include <map>
#include <string_view>

#include "dosti/replica.h"
#include "dosti/session.h"
#include "dosti/sync/crypto.h"
#include "dosti/sync/trust.h"

namespace dosti::sync {

// The plaintext sealed to a device for epoch e: S ‖ u32 e ‖ workspace.
Bytes EpochSecretMessage(std::string_view secret, uint32_t epoch, std::string_view workspace);
// The associated data of an epoch's previous secret: workspace ‖ u32 older ‖ u32 newer.
Bytes PreviousSecretAd(std::string_view workspace, uint32_t older, uint32_t newer);

class Keyring {
 public:
  // The session outlives this; `keys` are this device's X25519 keys.
  Keyring(Session& session, const BoxKeys& keys) : replica_(session), keys_(keys) {}
  ~Keyring();
  // Opens the stored secrets: kUnauthentic when one does not open with this device's key.
  Result<void> Load();
  // Learns what the control messages hold for `device` in `trust`: epoch messages and grants
  // sealed to it, then every older secret down the chain. Stores what is new.
  Result<void> Learn(const Trust& trust, std::string_view device);
  // Adds a secret this device made (an admin's new epoch).
  Result<void> Add(uint32_t epoch, std::string_view secret);

  // The secret of `epoch`, or nullptr.
  const Bytes* Find(uint32_t epoch) const;
  // The newest epoch held (0: none).
  uint32_t newest() const { return secrets_.empty() ? 0 : secrets_.rbegin()->first; }
  const std::map<uint32_t, Bytes>& all() const { return secrets_; }

 private:
  Result<void> TakeSealed(uint32_t epoch, std::string_view sealed, std::string_view workspace);
  Replica replica_;
  const BoxKeys& keys_;
  std::map<uint32_t, Bytes> secrets_;
};

}  // namespace dosti::sync
