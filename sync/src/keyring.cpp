#include "keyring.h"

#include <sodium.h>

#include "dosti/replica.h"
#include "dosti/sync/envelope.h"
#include "dosti/sync/wire.h"
#include "local_keys.h"

namespace dosti::sync {
namespace {

constexpr std::string_view kSecret = "secret";

}  // namespace

Bytes EpochSecretMessage(std::string_view secret, uint32_t epoch, std::string_view workspace) {
  Writer w;
  w.Raw(secret).U32(epoch).Raw(workspace);
  return w.Take();
}

Bytes PreviousSecretAd(std::string_view workspace, uint32_t older, uint32_t newer) {
  Writer w;
  w.Raw(workspace).U32(older).U32(newer);
  return w.Take();
}

Keyring::~Keyring() {
  for (auto& [epoch, secret] : secrets_) sodium_memzero(secret.data(), secret.size());
}

Result<void> Keyring::Load() {
  auto sealed = replica_.LocalList(kSecret);
  if (!sealed) return sealed.error();
  for (const auto& [key, box] : *sealed) {
    auto secret = OpenSealed(keys_, box);
    if (!secret) return MakeError(ErrorCode::kUnauthentic, "sync.secret_does_not_open");
    secrets_[static_cast<uint32_t>(local::ReadBigEndian(key))] = std::move(*secret);
  }
  return {};
}

Result<void> Keyring::Add(uint32_t epoch, std::string_view secret) {
  if (secrets_.count(epoch)) return {};
  DOSTI_TRY(replica_.LocalPut(kSecret, local::BigEndian(epoch, 4), SealTo(keys_.pk, secret)));
  secrets_[epoch] = Bytes(secret);
  return {};
}

const Bytes* Keyring::Find(uint32_t epoch) const {
  auto it = secrets_.find(epoch);
  return it == secrets_.end() ? nullptr : &it->second;
}

// A box sealed to this device for `epoch`: kept when it opens to S ‖ epoch ‖ workspace; a box
// that does not open or names another epoch or workspace is ignored (it is someone else's, or
// an admin's mistake that other members may report).
Result<void> Keyring::TakeSealed(uint32_t epoch, std::string_view sealed,
                                 std::string_view workspace) {
  if (secrets_.count(epoch)) return {};
  auto plain = OpenSealed(keys_, sealed);
  if (!plain || plain->size() != 32 + 4 + kIdBytes) return {};
  Bytes secret = plain->substr(0, 32);
  bool ok = *plain == EpochSecretMessage(secret, epoch, workspace);
  sodium_memzero(plain->data(), plain->size());
  if (!ok) return {};
  return Add(epoch, secret);
}

Result<void> Keyring::Learn(const Trust& trust, std::string_view device) {
  const Bytes& ws = trust.workspace();
  for (const auto& [epoch, bytes] : trust.epochs()) {
    if (secrets_.count(epoch)) continue;
    auto env = ParseEnvelope(bytes);
    auto body = env ? DecodeEpoch(env->body()) : Result<EpochBody>(env.error());
    if (!body) continue;
    for (const auto& [id, box] : body->sealed) {
      if (id == device) DOSTI_TRY(TakeSealed(epoch, box, ws));
    }
  }
  for (const auto& [epoch, bytes] : trust.GrantsTo(device)) {
    auto env = ParseEnvelope(bytes);
    auto body = env ? DecodeGrant(env->body()) : Result<GrantBody>(env.error());
    if (body && body->epoch == epoch) DOSTI_TRY(TakeSealed(epoch, body->sealed, ws));
  }
  // Down the chain: each held secret e opens e-1 from epoch e's message.
  for (uint32_t e = newest(); e > 1; --e) {
    const Bytes* newer = Find(e);
    if (!newer || secrets_.count(e - 1)) continue;
    auto msg = trust.epochs().find(e);
    if (msg == trust.epochs().end()) continue;
    auto env = ParseEnvelope(msg->second);
    auto body = env ? DecodeEpoch(env->body()) : Result<EpochBody>(env.error());
    if (!body) continue;
    auto older = Decrypt(PreviousEpochKey(*newer), body->prev_nonce, PreviousSecretAd(ws, e - 1, e),
                         body->prev_secret);
    if (!older || older->size() != 32) continue;
    DOSTI_TRY(Add(e - 1, *older));
    sodium_memzero(older->data(), older->size());
  }
  return {};
}

}  // namespace dosti::sync
