// The roster, invites, joins and epochs of a workspace folded into one view (trust.h). Formats
// in sync/README.md, "Control messages".
#include "dosti/sync/trust.h"

#include <algorithm>

#include "dosti/sync/wire.h"

namespace dosti::sync {
namespace {

constexpr std::size_t kMaxMembers = 4096;
constexpr std::size_t kMaxWaiting = 1024;

Error Damaged(const char* what, const std::string& why) {
  return MakeErrorText(ErrorCode::kDamaged, std::string("malformed ") + what + ": " + why);
}

std::string Hex8(std::string_view id) { return ToHex(id).substr(0, 8); }

}  // namespace

const char* RoleName(Role role) {
  switch (role) {
    case Role::kAdmin: return "admin";
    case Role::kOffice: return "office";
    case Role::kBooth: return "booth";
  }
  return "?";
}
const char* OfficeName(Office office) {
  return office == Office::kBeijing ? "beijing" : "islamabad";
}
const char* StatusName(Status status) { return status == Status::kActive ? "active" : "revoked"; }
std::optional<Role> ParseRole(std::string_view name) {
  if (name == "admin") return Role::kAdmin;
  if (name == "office") return Role::kOffice;
  if (name == "booth") return Role::kBooth;
  return std::nullopt;
}
std::optional<Office> ParseOffice(std::string_view name) {
  if (name == "beijing") return Office::kBeijing;
  if (name == "islamabad") return Office::kIslamabad;
  return std::nullopt;
}

Bytes DeviceIdOf(std::string_view ed_pk, std::string_view x_pk) {
  return Hash("DH-devid-v1", {ed_pk, x_pk}, kIdBytes);
}

Bytes WorkspaceIdOf(std::string_view genesis_body) {
  return Hash("DH-ws-v1", {genesis_body}, kIdBytes);
}

// ---- bodies -------------------------------------------------------------------------------

Bytes EncodeRoster(const RosterBody& roster) {
  Writer w;
  w.U32(roster.version).Raw(roster.prev.empty() ? Bytes(kHashBytes, '\0') : roster.prev);
  w.Raw(roster.nonce).I64(roster.issued_ms).U16(static_cast<uint16_t>(roster.members.size()));
  for (const Member& m : roster.members) {
    w.Raw(m.id).Raw(m.ed_pk).Raw(m.x_pk);
    w.U8(static_cast<uint8_t>(m.role)).U8(static_cast<uint8_t>(m.office));
    w.U8(static_cast<uint8_t>(m.status)).I64(m.expires_ms).U64(m.cutoff);
    w.Raw(m.invite.empty() ? Bytes(kIdBytes, '\0') : m.invite);
  }
  return w.Take();
}

Result<RosterBody> DecodeRoster(std::string_view body) {
  Reader r(body);
  RosterBody out;
  out.version = r.U32();
  out.prev = Bytes(r.Raw(kHashBytes));
  out.nonce = Bytes(r.Raw(16));
  out.issued_ms = r.I64();
  uint16_t n = r.U16();
  if (!r.ok()) return Damaged("roster", "short header");
  if (n == 0 || n > kMaxMembers) return Damaged("roster", std::to_string(n) + " members");
  for (uint16_t i = 0; i < n; ++i) {
    Member m;
    m.id = Bytes(r.Raw(kIdBytes));
    m.ed_pk = Bytes(r.Raw(32));
    m.x_pk = Bytes(r.Raw(32));
    uint8_t role = r.U8(), office = r.U8(), status = r.U8();
    m.expires_ms = r.I64();
    m.cutoff = r.U64();
    m.invite = Bytes(r.Raw(kIdBytes));
    if (!r.ok()) return Damaged("roster", "truncated member " + std::to_string(i + 1));
    if (role < 1 || role > 3 || office < 1 || office > 2 || status < 1 || status > 2) {
      return Damaged("roster", "member " + std::to_string(i + 1) + " has an unknown role, office or status");
    }
    m.role = static_cast<Role>(role);
    m.office = static_cast<Office>(office);
    m.status = static_cast<Status>(status);
    if (m.id != DeviceIdOf(m.ed_pk, m.x_pk)) {
      return Damaged("roster", "member " + std::to_string(i + 1) + "'s id is not the hash of its keys");
    }
    for (const Member& other : out.members) {
      if (other.id == m.id) return Damaged("roster", "device " + Hex8(m.id) + " is listed twice");
    }
    out.members.push_back(std::move(m));
  }
  if (!r.done()) return Damaged("roster", "trailing bytes");
  if (out.version == 0) return Damaged("roster", "version 0");
  return out;
}

Bytes EncodeInvite(const InviteBody& v) {
  Writer w;
  w.Raw(v.id).Raw(v.key_pk).U8(static_cast<uint8_t>(v.role)).U8(static_cast<uint8_t>(v.office));
  w.I64(v.expires_ms).I64(v.device_expires_ms);
  return w.Take();
}

Result<InviteBody> DecodeInvite(std::string_view body) {
  Reader r(body);
  InviteBody v;
  v.id = Bytes(r.Raw(kIdBytes));
  v.key_pk = Bytes(r.Raw(32));
  uint8_t role = r.U8(), office = r.U8();
  v.expires_ms = r.I64();
  v.device_expires_ms = r.I64();
  if (!r.done()) return Damaged("invite", "wrong length");
  if (role < 2 || role > 3 || office < 1 || office > 2) {
    return Damaged("invite", "an invite is for an office or booth device of beijing or islamabad");
  }
  v.role = static_cast<Role>(role);
  v.office = static_cast<Office>(office);
  return v;
}

Bytes EncodeJoin(const JoinBody& j) {
  Writer w;
  w.Raw(j.invite).Raw(j.ed_pk).Raw(j.x_pk).I64(j.joined_ms).Raw(j.invite_sig);
  return w.Take();
}

Result<JoinBody> DecodeJoin(std::string_view body) {
  Reader r(body);
  JoinBody j;
  j.invite = Bytes(r.Raw(kIdBytes));
  j.ed_pk = Bytes(r.Raw(32));
  j.x_pk = Bytes(r.Raw(32));
  j.joined_ms = r.I64();
  j.invite_sig = Bytes(r.Raw(64));
  if (!r.done()) return Damaged("join", "wrong length");
  return j;
}

Bytes JoinProof(std::string_view invite_id, std::string_view ed_pk, std::string_view x_pk) {
  Bytes m("DH-join-v1");
  m.append(invite_id).append(ed_pk).append(x_pk);
  return m;
}

Bytes EncodeEpoch(const EpochBody& e) {
  Writer w;
  w.U32(e.epoch).Raw(e.roster).U16(static_cast<uint16_t>(e.sealed.size()));
  for (const auto& [device, box] : e.sealed) w.Raw(device).Raw(box);
  bool has_prev = !e.prev_secret.empty();
  w.U8(has_prev ? 1 : 0);
  if (has_prev) w.Raw(e.prev_nonce).Raw(e.prev_secret);
  return w.Take();
}

// A sealed epoch secret: SealTo(x_pk, S (32) ‖ u32 epoch ‖ workspace (16)).
constexpr std::size_t kSealedSecretBytes = 32 + 4 + kIdBytes + kSealOverhead;
constexpr std::size_t kPrevSecretBytes = 32 + kTagBytes;

Result<EpochBody> DecodeEpoch(std::string_view body) {
  Reader r(body);
  EpochBody e;
  e.epoch = r.U32();
  e.roster = Bytes(r.Raw(kHashBytes));
  uint16_t n = r.U16();
  if (!r.ok() || n > kMaxMembers) return Damaged("epoch message", "bad header");
  for (uint16_t i = 0; i < n; ++i) {
    Bytes device(r.Raw(kIdBytes));
    Bytes box(r.Raw(kSealedSecretBytes));
    e.sealed.emplace_back(std::move(device), std::move(box));
  }
  uint8_t has_prev = r.U8();
  if (has_prev == 1) {
    e.prev_nonce = Bytes(r.Raw(kNonceBytes));
    e.prev_secret = Bytes(r.Raw(kPrevSecretBytes));
  } else if (has_prev != 0) {
    r.Fail();
  }
  if (!r.done()) return Damaged("epoch message", "wrong length");
  if (e.epoch == 0 || (e.epoch > 1) != (has_prev == 1)) {
    return Damaged("epoch message", "epoch " + std::to_string(e.epoch) +
                                        " must carry the previous secret exactly when > 1");
  }
  return e;
}

Bytes EncodeReceipt(const ReceiptBody& rc) {
  Writer w;
  w.I64(rc.made_ms).U32(static_cast<uint32_t>(rc.applied.size()));
  for (const auto& [author, seq] : rc.applied) w.Raw(author).U64(seq);
  return w.Take();
}

Result<ReceiptBody> DecodeReceipt(std::string_view body) {
  Reader r(body);
  ReceiptBody rc;
  rc.made_ms = r.I64();
  uint32_t n = r.U32();
  if (!r.ok() || n > r.remaining() / (kIdBytes + 8)) return Damaged("receipt", "bad count");
  for (uint32_t i = 0; i < n; ++i) {
    Bytes author(r.Raw(kIdBytes));
    rc.applied[author] = r.U64();
  }
  if (!r.done()) return Damaged("receipt", "wrong length");
  return rc;
}

// ---- Trust --------------------------------------------------------------------------------

Result<Trust> Trust::FromGenesis(std::string_view envelope) {
  auto env = ParseEnvelope(envelope);
  if (!env) return env.error();
  if (env->header.kind != Kind::kRoster) {
    return MakeErrorText(ErrorCode::kDamaged, "a workspace starts with its roster version 1");
  }
  auto roster = DecodeRoster(env->body());
  if (!roster) return roster.error();
  if (roster->version != 1 || roster->prev != Bytes(kHashBytes, '\0')) {
    return MakeErrorText(ErrorCode::kDamaged, "a genesis is roster version 1 with no predecessor");
  }
  if (env->header.workspace != WorkspaceIdOf(env->body())) {
    return MakeErrorText(ErrorCode::kUnauthentic,
                     "the genesis does not hash to the workspace id it claims");
  }
  const Member* admin = nullptr;
  for (const Member& m : roster->members) {
    if (m.id == env->header.author) admin = &m;
  }
  if (!admin || admin->role != Role::kAdmin || admin->status != Status::kActive) {
    return MakeErrorText(ErrorCode::kUnknownDevice, "the genesis is not signed by one of its admins");
  }
  DOSTI_TRY(CheckSignature(*env, admin->ed_pk));
  Trust t;
  t.workspace_ = env->header.workspace;
  t.version_ = 1;
  t.roster_id_ = env->Id();
  t.nonce_ = roster->nonce;
  for (Member& m : roster->members) t.members_[m.id] = std::move(m);
  t.control_[t.roster_id_] = Bytes(envelope);
  t.order_.push_back(t.roster_id_);
  return t;
}

const Member* Trust::Find(std::string_view device) const {
  auto it = members_.find(Bytes(device));
  return it == members_.end() ? nullptr : &it->second;
}

std::vector<Member> Trust::Members() const {
  std::vector<Member> out;
  for (const auto& [id, m] : members_) out.push_back(m);
  return out;
}

std::optional<InviteBody> Trust::Invite(std::string_view id) const {
  auto it = invites_.find(Bytes(id));
  if (it == invites_.end()) return std::nullopt;
  return it->second;
}

std::optional<Bytes> Trust::InviteUsedBy(std::string_view id) const {
  auto it = used_.find(Bytes(id));
  if (it == used_.end()) return std::nullopt;
  return it->second;
}

std::vector<Bytes> Trust::ControlMessages() const {
  std::vector<Bytes> out;
  for (const Bytes& id : order_) out.push_back(control_.at(id));
  return out;
}

RosterBody Trust::NextRoster(int64_t now_ms) const {
  RosterBody r;
  r.version = version_ + 1;
  r.prev = roster_id_;
  r.nonce = nonce_;
  r.issued_ms = now_ms;
  for (const auto& [id, m] : members_) {
    Member copy = m;
    copy.provisional = false;
    r.members.push_back(copy);
  }
  return r;
}

Result<const Member*> Trust::CheckActive(std::string_view device, int64_t now_ms) const {
  const Member* m = Find(device);
  if (!m) {
    return MakeErrorText(ErrorCode::kUnknownDevice,
                     "device " + ToHex(device) + " is not in the roster of this workspace");
  }
  if (m->status == Status::kRevoked) {
    return MakeErrorText(ErrorCode::kRevoked, "device " + ToHex(device) + " has been revoked");
  }
  if (m->expires_ms != 0 && now_ms > m->expires_ms) {
    return MakeErrorText(ErrorCode::kRevoked, "device " + ToHex(device) + " expired");
  }
  return m;
}

Result<const Member*> Trust::CheckAuthor(const Envelope& env, int64_t now_ms) const {
  if (env.header.workspace != workspace_) {
    return MakeErrorText(ErrorCode::kWrongWorkspace,
                     "an envelope of another workspace (" + ToHex(env.header.workspace) + ")");
  }
  const Member* m = Find(env.header.author);
  if (!m) {
    return MakeErrorText(ErrorCode::kUnknownDevice, "an envelope from device " +
                                                    ToHex(env.header.author) +
                                                    ", which is not in the roster");
  }
  // Cheapest first (DESIGN.md §4): the roster's verdict before the signature.
  if (m->status == Status::kRevoked &&
      (env.header.kind != Kind::kChanges || env.header.seq > m->cutoff)) {
    return MakeErrorText(ErrorCode::kRevoked,
                     "device " + ToHex(m->id) + " was revoked; its envelopes after number " +
                         std::to_string(m->cutoff) + " are refused");
  }
  if (m->expires_ms != 0 && now_ms > m->expires_ms) {
    return MakeErrorText(ErrorCode::kRevoked, "device " + ToHex(m->id) + " expired");
  }
  DOSTI_TRY(CheckSignature(env, m->ed_pk));
  return m;
}

Result<Trust::Outcome> Trust::Offer(std::string_view envelope) {
  auto env = ParseEnvelope(envelope);
  if (!env) return env.error();
  if (env->header.workspace != workspace_) {
    return MakeErrorText(ErrorCode::kWrongWorkspace,
                     std::string("a ") + KindName(env->header.kind) +
                         " message of another workspace (" + ToHex(env->header.workspace) + ")");
  }
  if (env->header.kind == Kind::kChanges || env->header.kind == Kind::kReceipt) {
    return MakeErrorText(ErrorCode::kDamaged, std::string("a ") + KindName(env->header.kind) +
                                              " envelope is not a control message");
  }
  Bytes id = env->Id();
  if (control_.count(id)) return Outcome::kKnown;
  auto folded = Fold(*env);
  if (!folded) return folded.error();
  if (*folded == Outcome::kWaiting) {
    for (const Bytes& w : waiting_) {
      if (w == envelope) return Outcome::kWaiting;
    }
    if (waiting_.size() >= kMaxWaiting) {
      return MakeErrorText(ErrorCode::kTooLarge, "too many control messages wait for their "
                                             "predecessors; send the roster history first");
    }
    waiting_.emplace_back(envelope);
    return Outcome::kWaiting;
  }
  control_[id] = Bytes(envelope);
  order_.push_back(id);
  RetryWaiting();
  return Outcome::kAdded;
}

void Trust::RetryWaiting() {
  for (bool progress = true; progress;) {
    progress = false;
    for (std::size_t i = 0; i < waiting_.size(); ++i) {
      Bytes bytes = waiting_[i];
      auto env = ParseEnvelope(bytes);
      auto folded = env ? Fold(*env) : Result<Outcome>(env.error());
      if (folded && *folded == Outcome::kWaiting) continue;
      waiting_.erase(waiting_.begin() + static_cast<std::ptrdiff_t>(i));
      if (folded && *folded == Outcome::kAdded) {
        Bytes id = env->Id();
        if (!control_.count(id)) {
          control_[id] = bytes;
          order_.push_back(id);
        }
      }
      // Refused or folded, the list changed: scan it again from the start (a refused message
      // must not leave the ones after it parked).
      progress = true;
      break;
    }
  }
}

Result<Trust::Outcome> Trust::Fold(const Envelope& env) {
  const Header& h = env.header;
  // Admin-signed kinds: the signer must be an active admin of the current roster. An unknown
  // signer may be an admin of a roster version not here yet: wait.
  auto admin = [&]() -> Result<bool> {
    const Member* m = Find(h.author);
    if (!m) return false;
    if (m->role != Role::kAdmin || m->status != Status::kActive || m->provisional) {
      return MakeErrorText(ErrorCode::kNotPermitted, std::string("a ") + KindName(h.kind) +
                                                     " message signed by device " + Hex8(h.author) +
                                                     ", which is not an active admin");
    }
    DOSTI_TRY(CheckSignature(env, m->ed_pk));
    return true;
  };
  switch (h.kind) {
    case Kind::kRoster: {
      auto roster = DecodeRoster(env.body());
      if (!roster) return roster.error();
      if (roster->version > version_ + 1) return Outcome::kWaiting;
      // Authenticate before judging a fork: an unsigned or non-admin version is a forgery,
      // and must not raise an equivocation alarm.
      auto ok = admin();
      if (!ok) return ok.error();
      if (!*ok && roster->version <= version_) {
        return MakeErrorText(ErrorCode::kUnknownDevice,
                         "a roster version " + std::to_string(roster->version) +
                             " signed by device " + Hex8(h.author) + ", which is not in the roster");
      }
      if (!*ok) return Outcome::kWaiting;
      if (roster->version <= version_) {
        return MakeErrorText(ErrorCode::kEquivocation,
                         "a different roster version " + std::to_string(roster->version) +
                             " (this device holds version " + std::to_string(version_) +
                             "); two admins changed the roster at once: reissue the change");
      }
      if (roster->prev != roster_id_ || roster->nonce != nonce_) {
        return MakeErrorText(ErrorCode::kEquivocation,
                         "roster version " + std::to_string(roster->version) +
                             " does not follow the version held here");
      }
      std::map<Bytes, Member> next;
      for (Member& m : roster->members) next[m.id] = std::move(m);
      // Devices that joined since and are not in this version stay, still provisional.
      for (const auto& [id, m] : members_) {
        if (m.provisional && !next.count(id)) next[id] = m;
      }
      members_ = std::move(next);
      version_ = roster->version;
      roster_id_ = env.Id();
      return Outcome::kAdded;
    }
    case Kind::kInvite: {
      auto invite = DecodeInvite(env.body());
      if (!invite) return invite.error();
      auto ok = admin();
      if (!ok) return ok.error();
      if (!*ok) return Outcome::kWaiting;
      invites_[invite->id] = *invite;
      return Outcome::kAdded;
    }
    case Kind::kJoin: {
      auto join = DecodeJoin(env.body());
      if (!join) return join.error();
      Bytes device = DeviceIdOf(join->ed_pk, join->x_pk);
      if (device != h.author) {
        return MakeErrorText(ErrorCode::kUnauthentic, "a join whose author is not its keys' device");
      }
      DOSTI_TRY(CheckSignature(env, join->ed_pk));
      auto invite = invites_.find(join->invite);
      if (invite == invites_.end()) return Outcome::kWaiting;
      if (!Verify(invite->second.key_pk, JoinProof(join->invite, join->ed_pk, join->x_pk),
                  join->invite_sig)) {
        return MakeErrorText(ErrorCode::kUnauthentic,
                         "device " + Hex8(device) + " joined without holding the invite");
      }
      auto used = used_.find(join->invite);
      if (used != used_.end() && used->second != device) {
        return MakeErrorText(ErrorCode::kAlreadyUsed,
                         "device " + Hex8(device) + " joined with invite " +
                             Hex8(join->invite) + ", which device " + Hex8(used->second) +
                             " had already used; an invite is for one device");
      }
      if (join->joined_ms > invite->second.expires_ms) {
        return MakeErrorText(ErrorCode::kExpired, "device " + Hex8(device) +
                                                  " joined with an invite that had expired");
      }
      used_[join->invite] = device;
      if (!members_.count(device)) {
        Member m;
        m.id = device;
        m.ed_pk = join->ed_pk;
        m.x_pk = join->x_pk;
        m.role = invite->second.role;
        m.office = invite->second.office;
        m.expires_ms = invite->second.device_expires_ms;
        m.invite = join->invite;
        m.provisional = true;
        members_[device] = std::move(m);
      }
      return Outcome::kAdded;
    }
    case Kind::kEpoch: {
      auto epoch = DecodeEpoch(env.body());
      if (!epoch) return epoch.error();
      auto ok = admin();
      if (!ok) return ok.error();
      if (!*ok) return Outcome::kWaiting;
      auto have = epochs_.find(epoch->epoch);
      if (have != epochs_.end() && have->second != env.bytes) {
        return MakeErrorText(ErrorCode::kEquivocation,
                         "a second, different message for epoch " + std::to_string(epoch->epoch));
      }
      epochs_[epoch->epoch] = Bytes(env.bytes);
      return Outcome::kAdded;
    }
    default:
      return MakeErrorText(ErrorCode::kDamaged, "not a control message");
  }
}

// ---- checks before folding (relay input from strangers) ----------------------------------

std::vector<Bytes> Trust::ControlMessagesSince(std::size_t n) const {
  std::vector<Bytes> out;
  for (std::size_t i = n; i < order_.size(); ++i) out.push_back(control_.at(order_[i]));
  return out;
}

std::size_t Trust::waiting_bytes() const {
  std::size_t n = 0;
  for (const Bytes& w : waiting_) n += w.size();
  return n;
}

// Mirrors what Fold() asks of a signer, in the order that costs a stranger's message least:
// lookups first, then signatures, and nothing that scales with the body. Whatever Fold() would
// park (an unknown signer, a roster ahead of the next version, a join before its invite) is
// refused here instead, so a caller that checks first never has anything parked.
Result<void> Trust::CheckSigner(const Envelope& env) const {
  const Header& h = env.header;
  const std::string kind = KindName(h.kind);
  if (h.workspace != workspace_) {
    return MakeError(ErrorCode::kWrongWorkspace, "signer.wrong_workspace",
                     {{"kind", kind}, {"workspace", ToHex(h.workspace)}});
  }
  switch (h.kind) {
    case Kind::kEpoch:
    case Kind::kRoster:
    case Kind::kInvite: {
      const Member* m = Find(h.author);
      Args who{{"kind", kind}, {"device", ToHex(h.author)}, {"version", std::to_string(version_)}};
      if (!m) return MakeError(ErrorCode::kUnknownDevice, "signer.unknown", std::move(who));
      if (m->role != Role::kAdmin || m->status != Status::kActive || m->provisional) {
        return MakeError(ErrorCode::kNotPermitted, "signer.not_admin", std::move(who));
      }
      DOSTI_TRY(CheckSignature(env, m->ed_pk));
      if (h.kind == Kind::kRoster) {
        Reader r(env.body());
        uint32_t version = r.U32();
        if (!r.ok()) return Damaged("roster", "short header");
        if (version > version_ + 1) {
          return MakeError(
              ErrorCode::kNotFound, "signer.roster_ahead",
              {{"version", std::to_string(version)}, {"held", std::to_string(version_)}});
        }
      }
      return {};
    }
    case Kind::kJoin: {
      auto join = DecodeJoin(env.body());  // fixed size: 152 bytes or refused
      if (!join) return join.error();
      Bytes device = DeviceIdOf(join->ed_pk, join->x_pk);
      if (device != h.author) {
        return MakeError(ErrorCode::kUnauthentic, "signer.join_not_self",
                         {{"device", ToHex(h.author)}});
      }
      auto invite = invites_.find(join->invite);
      if (invite == invites_.end()) {
        return MakeError(ErrorCode::kNotFound, "signer.join_unknown_invite",
                         {{"device", ToHex(device)}, {"invite", ToHex(join->invite)}});
      }
      // The invite key's proof first: a stranger without the invite fails here.
      if (!Verify(invite->second.key_pk, JoinProof(join->invite, join->ed_pk, join->x_pk),
                  join->invite_sig)) {
        return MakeError(ErrorCode::kUnauthentic, "signer.join_no_invite_key",
                         {{"device", ToHex(device)}, {"invite", ToHex(join->invite)}});
      }
      return CheckSignature(env, join->ed_pk);
    }
    default:
      return MakeError(ErrorCode::kDamaged, "signer.not_control", {{"kind", kind}});
  }
}

}  // namespace dosti::sync
