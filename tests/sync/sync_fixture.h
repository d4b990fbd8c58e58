// Devices and the control messages an admin or a joining device would write, made by hand, for
// the sync tests below the Node (envelope_test, trust_test, relay_test, relay_abuse_test) and
// bench/relay_abuse. Devices made FromSeed give the same bytes in the native and the wasm build
// (Ed25519 is deterministic); only sealed boxes and changes envelopes carry fresh randomness.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "dosti/sync/crypto.h"
#include "dosti/sync/envelope.h"
#include "dosti/sync/protocol.h"
#include "dosti/sync/trust.h"
#include "dosti/sync/wire.h"

namespace dosti::sync::testing {

inline void RequireCrypto() {
  if (!InitCrypto()) throw std::runtime_error("libsodium did not initialise");
}

// n bytes, each `fill`.
inline Bytes Filled(std::size_t n, uint8_t fill) { return Bytes(n, static_cast<char>(fill)); }

// 2026-01-01T00:00:00Z and friends: fixed instants for expiries and join times.
inline constexpr int64_t kT0 = 1'767'225'600'000;
inline constexpr int64_t kDay = 86'400'000;

struct Device {
  // Fresh random keys, unless made FromSeed.
  SigningKeys ed = SigningKeys::Generate();
  BoxKeys x = BoxKeys::Generate();
  Bytes id = DeviceIdOf(ed.pk, x.pk);

  // Ed25519 seed = 32 × n, X25519 secret = 32 × (n | 0x80).
  static Device FromSeed(uint8_t n) {
    Device d{SigningKeys::FromSeed(Filled(32, n)), BoxKeys::FromSecret(Filled(32, n | 0x80)), {}};
    d.id = DeviceIdOf(d.ed.pk, d.x.pk);
    return d;
  }
  Member AsMember(Role role, Office office = Office::kBeijing, int64_t expires_ms = 0) const {
    Member m;
    m.id = id;
    m.ed_pk = ed.pk;
    m.x_pk = x.pk;
    m.role = role;
    m.office = office;
    m.expires_ms = expires_ms;
    m.invite = Filled(kIdBytes, 0);
    return m;
  }
};

// A genesis (roster version 1) signed by `signer`; the workspace id is derived from its body
// unless `workspace` is given (a forged one).
inline Bytes MakeGenesis(const Device& signer, const std::vector<Member>& members,
                         int64_t issued_ms = kT0, Bytes workspace = {}) {
  RosterBody r;
  r.version = 1;
  r.nonce = Filled(16, 0x6e);
  r.issued_ms = issued_ms;
  r.members = members;
  Bytes body = EncodeRoster(r);
  if (workspace.empty()) workspace = WorkspaceIdOf(body);
  return SignControl(Kind::kRoster, workspace, signer.id, signer.ed.sk, body);
}

inline Bytes WorkspaceOf(const Bytes& genesis) {
  auto env = ParseEnvelope(genesis);
  if (!env) throw std::runtime_error(env.error().message);
  return env->header.workspace;
}

inline Bytes EnvelopeId(std::string_view bytes) {
  auto env = ParseEnvelope(bytes);
  if (!env) throw std::runtime_error(env.error().message);
  return env->Id();
}

inline Bytes SignRoster(const Bytes& workspace, const Device& signer, const RosterBody& roster) {
  return SignControl(Kind::kRoster, workspace, signer.id, signer.ed.sk, EncodeRoster(roster));
}

struct Invitation {
  InviteBody body;
  SigningKeys key;  // the invite key: its secret travels in the invite file only
  Bytes envelope;   // the public half, signed by the admin
};

inline Invitation MakeInvite(const Bytes& workspace, const Device& admin, uint8_t n, Role role,
                             Office office, int64_t expires_ms, int64_t device_expires_ms = 0) {
  Invitation inv;
  inv.key = SigningKeys::FromSeed(Filled(32, n));
  inv.body.id = Filled(kIdBytes, n);
  inv.body.key_pk = inv.key.pk;
  inv.body.role = role;
  inv.body.office = office;
  inv.body.expires_ms = expires_ms;
  inv.body.device_expires_ms = device_expires_ms;
  inv.envelope = SignControl(Kind::kInvite, workspace, admin.id, admin.ed.sk,
                             EncodeInvite(inv.body));
  return inv;
}

// A join by `device` with `invite`; the proof is signed with `proof_key` (the invite's own key
// unless a forger's is given).
inline Bytes MakeJoin(const Bytes& workspace, const Invitation& invite, const Device& device,
                      int64_t joined_ms, const SigningKeys* proof_key = nullptr) {
  JoinBody j;
  j.invite = invite.body.id;
  j.ed_pk = device.ed.pk;
  j.x_pk = device.x.pk;
  j.joined_ms = joined_ms;
  const SigningKeys& key = proof_key ? *proof_key : invite.key;
  j.invite_sig = Sign(key.sk, JoinProof(j.invite, j.ed_pk, j.x_pk));
  return SignControl(Kind::kJoin, workspace, device.id, device.ed.sk, EncodeJoin(j));
}

// The plaintext sealed to each member for epoch e: S ‖ u32 e ‖ workspace.
inline Bytes EpochGrant(const Bytes& secret, uint32_t epoch, const Bytes& workspace) {
  Writer w;
  w.Raw(secret).U32(epoch).Raw(workspace);
  return w.Take();
}
// The associated data of an epoch's previous secret: workspace ‖ u32 e-1 ‖ u32 e.
inline Bytes PrevSecretAd(const Bytes& workspace, uint32_t epoch) {
  Writer w;
  w.Raw(workspace).U32(epoch - 1).U32(epoch);
  return w.Take();
}

// An epoch message as an admin makes it: `secret` sealed to every member, the previous secret
// (epoch > 1) encrypted under K_prev(secret) with `prev_nonce`.
inline Bytes MakeEpoch(const Bytes& workspace, const Device& signer, uint32_t epoch,
                       const Bytes& roster_id, const Bytes& secret,
                       const std::vector<Member>& members, const Bytes& prev_secret = {},
                       const Bytes& prev_nonce = Filled(kNonceBytes, 0x4e)) {
  EpochBody e;
  e.epoch = epoch;
  e.roster = roster_id;
  for (const Member& m : members) {
    e.sealed.emplace_back(m.id, SealTo(m.x_pk, EpochGrant(secret, epoch, workspace)));
  }
  if (epoch > 1) {
    e.prev_nonce = prev_nonce;
    e.prev_secret =
        Encrypt(PreviousEpochKey(secret), prev_nonce, PrevSecretAd(workspace, epoch), prev_secret);
  }
  return SignControl(Kind::kEpoch, workspace, signer.id, signer.ed.sk, EncodeEpoch(e));
}

// The cast of the trust tests: an admin (Beijing) and an office device (Islamabad) in the
// genesis; an outsider in no roster.
struct Cast {
  Device admin = Device::FromSeed(0x01);
  Device office = Device::FromSeed(0x02);
  Device booth = Device::FromSeed(0x03);
  Device booth2 = Device::FromSeed(0x04);
  Device outsider = Device::FromSeed(0x0f);
  Bytes genesis;
  Bytes ws;

  Cast() {
    RequireCrypto();
    genesis = MakeGenesis(admin, {admin.AsMember(Role::kAdmin, Office::kBeijing),
                                  office.AsMember(Role::kOffice, Office::kIslamabad)});
    ws = WorkspaceOf(genesis);
  }
  Trust Fresh() const {
    auto t = Trust::FromGenesis(genesis);
    if (!t) throw std::runtime_error(t.error().message);
    return std::move(*t);
  }
};

// Roster `version` of 4,096 well-formed members (each id the hash of its keys, as the decoder
// checks) authored by `author`, whoever that is: about 471 KB, the largest a roster can be;
// `salt` makes each one different.
inline Bytes StrangerRoster(const Bytes& workspace, const Device& author, uint32_t version,
                            uint32_t salt, int64_t issued_ms) {
  RosterBody r;
  r.version = version;
  r.prev = Filled(kHashBytes, 0x11);
  r.nonce = Filled(16, 0x22);
  r.issued_ms = issued_ms;
  for (uint32_t i = 0; i < 4096; ++i) {
    Member m;
    Writer w;
    w.U32(i).U32(salt);
    m.ed_pk = w.Take() + Filled(24, 0x33);
    m.x_pk = Filled(32, 0x44);
    m.id = DeviceIdOf(m.ed_pk, m.x_pk);
    m.invite = Filled(kIdBytes, 0);
    r.members.push_back(m);
  }
  return SignRoster(workspace, author, r);
}

// A body of frames (u32 length ‖ bytes)*, as the relay's POST routes take.
inline Bytes Framed(const std::vector<Bytes>& items) {
  return EncodeFrames(std::vector<std::string_view>(items.begin(), items.end()));
}

}  // namespace dosti::sync::testing
