// Invites and joining (node.h; the invite file's layout in sync/README.md, "Invite file"). An
// invite file carries the invite's key and the workspace's public control messages, never an
// epoch secret: a device that joins with it is pending until an admin approves it.
#include <sodium.h>

#include "dosti/replica.h"
#include "dosti/date.h"
#include "dosti/sync/wire.h"
#include "node_state.h"
#include "passphrase_lock.h"

namespace dosti::sync {
namespace {

constexpr std::string_view kInviteMagic = "DHINVIT2";
constexpr uint8_t kInviteInnerVersion = 2;
constexpr int64_t kDayMs = 86'400'000;
constexpr std::size_t kMinPassphrase = 8;

Error Unusable(std::string_view why) {
  return MakeError(ErrorCode::kDamaged, "sync.invite_unusable", {{"why", std::string(why)}});
}

}  // namespace

Result<Bytes> Node::CreateInvite(const InviteOptions& o, std::string_view passphrase) {
  State& s = *s_;
  DOSTI_TRY(s.RequireAdmin().map([](auto) {}));
  if (o.role == Role::kAdmin) return MakeError(ErrorCode::kInvalid, "sync.invite_role", {}, "role");
  if (passphrase.size() < kMinPassphrase) {
    return MakeError(ErrorCode::kInvalid, "sync.invite_passphrase_short",
                     {{"min", std::to_string(kMinPassphrase)}}, "passphrase");
  }
  if (o.expires_days < 1 || o.expires_days > 365) {
    return MakeError(ErrorCode::kInvalid, "sync.invite_expiry_range", {}, "expires_days");
  }
  int64_t now = s.Now();
  SigningKeys invite_key = SigningKeys::Generate();
  InviteBody invite;
  invite.id = RandomBytes(kIdBytes);
  invite.key_pk = invite_key.pk;
  invite.role = o.role;
  invite.office = o.office;
  invite.expires_ms = now + o.expires_days * kDayMs;
  int device_days = o.device_expires_days > 0 ? o.device_expires_days
                                              : (o.role == Role::kBooth ? 30 : 0);
  invite.device_expires_ms = device_days > 0 ? now + device_days * kDayMs : 0;
  auto offered = s.trust->Offer(SignControl(Kind::kInvite, s.workspace(), s.device,
                                            s.keys.sign.sk, EncodeInvite(invite)), now);
  if (!offered) return offered.error();
  DOSTI_TRY(s.SaveTrust());

  // The file: a clear header (the AEAD's associated data), then the encrypted inner part.
  Writer inner;
  inner.U8(kInviteInnerVersion).Raw(std::string_view(invite_key.sk).substr(0, 32));
  auto control = s.trust->ControlMessages();
  inner.U32(static_cast<uint32_t>(control.size()));
  for (const Bytes& m : control) inner.Sized(m);
  inner.Sized(o.relay_url);
  sodium_memzero(invite_key.sk.data(), invite_key.sk.size());
  Writer w;
  Bytes nonce;
  w.Raw(kInviteMagic).Raw(s.workspace()).Raw(invite.id);
  auto key = PassphraseLock::Write(w, passphrase, nonce);
  if (!key) return key.error();
  w.U32(static_cast<uint32_t>(inner.bytes().size() + kTagBytes));
  Bytes ad = w.bytes();
  w.Raw(Encrypt(key->bytes(), nonce, ad, inner.bytes()));
  sodium_memzero(inner.bytes().data(), inner.bytes().size());
  return w.Take();
}

Result<std::unique_ptr<Node>> Node::Join(Session& session, DeviceKeys keys,
                                         std::string_view file, std::string_view passphrase,
                                         Clock* clock) {
  DOSTI_TRY(InitCrypto());
  Reader r(file);
  if (r.Raw(kInviteMagic.size()) != kInviteMagic) return Unusable("wrong magic");
  Bytes ws(r.Raw(kIdBytes)), invite_id(r.Raw(kIdBytes));
  PassphraseLock lock = PassphraseLock::Read(r);
  std::size_t ad_len = r.position() + 4;
  std::string_view cipher = r.Sized(64u << 20);
  if (!r.done()) return Unusable("truncated or padded");
  auto key = lock.Open(passphrase, "sync.invite_wrong_passphrase");
  if (!key) return key.error();
  auto inner = Decrypt(key->bytes(), lock.nonce, file.substr(0, ad_len), cipher);
  if (!inner) return Unusable("it does not decrypt (altered)");
  Reader in(*inner);
  if (in.U8() != kInviteInnerVersion) return Unusable("unknown inner version");
  Bytes seed(in.Raw(32));
  uint32_t n = in.U32();
  std::vector<std::string_view> control;
  for (uint32_t i = 0; i < n && in.ok(); ++i) control.push_back(in.Sized(kMaxEnvelopeBytes));
  std::string relay(in.Sized(4096));
  if (!in.done() || control.empty()) return Unusable("malformed inner part");

  auto state = std::make_unique<State>(session, std::move(keys), clock);
  State& s = *state;
  auto trust = Trust::FromGenesis(control[0]);
  if (!trust) return Unusable(trust.error().message);
  if (trust->workspace() != ws) return Unusable("its roster is of another workspace");
  // The admin who wrote the invite judged this history already: restored, not judged again.
  for (std::size_t i = 1; i < control.size(); ++i) {
    auto ok = trust->Restore(control[i]);
    if (!ok) return Unusable(ok.error().message);
  }
  s.trust = std::move(*trust);
  auto invite = s.trust->Invite(invite_id);
  SigningKeys invite_key = SigningKeys::FromSeed(seed);
  sodium_memzero(seed.data(), seed.size());
  if (!invite || invite->key_pk != invite_key.pk) return Unusable("its invite does not verify");
  if (s.Now() > invite->expires_ms) {
    return MakeError(ErrorCode::kExpired, "sync.invite_expired",
                     {{"date", FormatDate(DateAt(invite->expires_ms, 0))}});
  }
  if (auto used = s.trust->InviteUsedBy(invite_id)) {
    return MakeError(ErrorCode::kAlreadyUsed, "sync.invite_already_used", {{"device", ToHex(*used)}});
  }
  auto joined = session.Atomically([&]() -> Result<void> {
    auto info = s.replica.JoinAsReplica(OfficeName(invite->office), ToHex(s.device),
                                      RoleName(invite->role));
    if (!info) return info.error();
    JoinBody join{invite_id, s.keys.sign.pk, s.keys.box.pk, s.Now(),
                  Sign(invite_key.sk, JoinProof(invite_id, s.keys.sign.pk, s.keys.box.pk))};
    auto ok = s.trust->Offer(
        SignControl(Kind::kJoin, ws, s.device, s.keys.sign.sk, EncodeJoin(join)), s.Now());
    if (!ok) return ok.error();
    DOSTI_TRY(s.replica.LocalPut(kSyncSpace, "workspace", ws));
    if (!relay.empty()) DOSTI_TRY(s.replica.LocalPut(kSyncSpace, "relay", relay));
    return s.SaveTrust();
  });
  sodium_memzero(invite_key.sk.data(), invite_key.sk.size());
  if (!joined) return joined.error();
  return std::unique_ptr<Node>(new Node(std::move(state)));
}

}  // namespace dosti::sync
