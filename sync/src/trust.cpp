// The roster, invites, joins, epochs and grants of a workspace folded into one view (trust.h).
// Formats in sync/README.md, "Control messages".
#include "dosti/sync/trust.h"

#include <algorithm>

#include "dosti/date.h"
#include "dosti/sync/wire.h"

namespace dosti::sync {
namespace {

constexpr std::size_t kMaxMembers = 4096;
// The waiting room for control messages that arrived before what they depend on (bundles in
// any order): bounded, so a stranger's junk cannot grow it.
constexpr std::size_t kMaxWaiting = 256;
constexpr std::size_t kMaxWaitingBytes = 8u << 20;

// `what`: the kind of body (its label); `why`: the rule at fault, in English (a detail).
Error Damaged(const char* what, const std::string& why) {
  return MakeError(ErrorCode::kDamaged, "sync.body_malformed", {{"what", what}, {"why", why}});
}

std::string Hex8(std::string_view id) { return ToHex(id).substr(0, 8); }

std::string DateOf(int64_t ms) { return FormatDate(DateAt(ms, 0)); }

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
  if (!r.ok() || n > kMaxMembers) return Damaged("epoch", "bad header");
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
  if (!r.done()) return Damaged("epoch", "wrong length");
  if (e.epoch == 0 || (e.epoch > 1) != (has_prev == 1)) {
    return Damaged("epoch", "epoch " + std::to_string(e.epoch) +
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

Bytes EncodeGrant(const GrantBody& g) {
  Writer w;
  w.Raw(g.device).U32(g.epoch).Raw(g.sealed);
  return w.Take();
}

Result<GrantBody> DecodeGrant(std::string_view body) {
  Reader r(body);
  GrantBody g;
  g.device = Bytes(r.Raw(kIdBytes));
  g.epoch = r.U32();
  g.sealed = Bytes(r.Raw(kSealedSecretBytes));
  if (!r.done()) return Damaged("grant", "wrong length");
  if (g.epoch == 0) return Damaged("grant", "epoch 0");
  return g;
}

std::string VerificationCode(std::string_view workspace, std::string_view invite_id,
                             std::string_view inviter_ed_pk, std::string_view ed_pk,
                             std::string_view x_pk) {
  Bytes h = Hash("DH-code-v1", {workspace, invite_id, inviter_ed_pk, ed_pk, x_pk});
  // 40 bits of the hash, reduced to 8 digits (the bias of the reduction is below 2^-13).
  uint64_t v = 0;
  for (int i = 0; i < 5; ++i) v = (v << 8) | static_cast<uint8_t>(h[i]);
  std::string digits = std::to_string(v % 100'000'000);
  digits.insert(0, 8 - digits.size(), '0');
  return digits.substr(0, 4) + "-" + digits.substr(4);
}

std::optional<std::string> NormaliseCode(std::string_view typed) {
  std::string digits;
  for (std::size_t i = 0; i < typed.size(); ++i) {
    auto c = static_cast<unsigned char>(typed[i]);
    if (c >= '0' && c <= '9') {
      digits += static_cast<char>(c);
    } else if (c == ' ' || c == '-') {
      continue;
    } else if (c == 0xEF && i + 2 < typed.size()) {
      // Full-width digits U+FF10..U+FF19 (EF BC 90..99) and dash U+FF0D (EF BC 8D), as an IME
      // types them.
      auto b1 = static_cast<unsigned char>(typed[i + 1]);
      auto b2 = static_cast<unsigned char>(typed[i + 2]);
      if (b1 == 0xBC && b2 >= 0x90 && b2 <= 0x99) {
        digits += static_cast<char>('0' + (b2 - 0x90));
      } else if (!(b1 == 0xBC && b2 == 0x8D)) {
        return std::nullopt;
      }
      i += 2;
    } else {
      return std::nullopt;
    }
  }
  if (digits.size() != 8) return std::nullopt;
  return digits.substr(0, 4) + "-" + digits.substr(4);
}

// ---- Trust --------------------------------------------------------------------------------

Result<Trust> Trust::FromGenesis(std::string_view envelope) {
  auto env = ParseEnvelope(envelope);
  if (!env) return env.error();
  if (env->header.kind != Kind::kRoster) {
    return MakeError(ErrorCode::kDamaged, "sync.genesis_not_roster");
  }
  // The genesis's signer is its own first admin: its keys are in the body, so the body is
  // decoded first here. The workspace id (a hash of the body) must match, which a stranger
  // cannot arrange for a workspace it did not make.
  if (env->header.workspace != WorkspaceIdOf(env->body())) {
    return MakeError(ErrorCode::kUnauthentic, "sync.genesis_wrong_workspace");
  }
  auto roster = DecodeRoster(env->body());
  if (!roster) return roster.error();
  if (roster->version != 1 || roster->prev != Bytes(kHashBytes, '\0')) {
    return MakeError(ErrorCode::kDamaged, "sync.genesis_not_first");
  }
  const Member* admin = nullptr;
  for (const Member& m : roster->members) {
    if (m.id == env->header.author) admin = &m;
  }
  if (!admin || admin->role != Role::kAdmin || admin->status != Status::kActive) {
    return MakeError(ErrorCode::kUnknownDevice, "sync.genesis_not_by_admin");
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

const PendingJoin* Trust::FindPending(std::string_view device) const {
  auto it = pending_.find(Bytes(device));
  return it == pending_.end() ? nullptr : &it->second;
}

std::vector<PendingJoin> Trust::Pending() const {
  std::vector<PendingJoin> out;
  for (const auto& [id, p] : pending_) out.push_back(p);
  return out;
}

std::optional<Bytes> Trust::SigningKeyOf(std::string_view device) const {
  if (const Member* m = Find(device)) return m->ed_pk;
  if (const PendingJoin* p = FindPending(device)) return p->ed_pk;
  return std::nullopt;
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

std::map<uint32_t, Bytes> Trust::GrantsTo(std::string_view device) const {
  auto it = grants_.find(Bytes(device));
  return it == grants_.end() ? std::map<uint32_t, Bytes>{} : it->second;
}

std::vector<Bytes> Trust::ControlMessages(std::size_t from) const {
  std::vector<Bytes> out;
  for (std::size_t i = from; i < order_.size(); ++i) out.push_back(control_.at(order_[i]));
  return out;
}

RosterBody Trust::NextRoster(int64_t now_ms) const {
  RosterBody r;
  r.version = version_ + 1;
  r.prev = roster_id_;
  r.nonce = nonce_;
  r.issued_ms = now_ms;
  for (const auto& [id, m] : members_) r.members.push_back(m);
  return r;
}

Result<const Member*> Trust::CheckActive(std::string_view device, int64_t now_ms) const {
  const Member* m = Find(device);
  if (!m) {
    if (FindPending(device)) {
      return MakeError(ErrorCode::kUnknownDevice, "sync.device_pending", {{"device", ToHex(device)}});
    }
    return MakeError(ErrorCode::kUnknownDevice, "sync.device_not_in_roster",
                     {{"device", ToHex(device)}});
  }
  if (m->status == Status::kRevoked) {
    return MakeError(ErrorCode::kRevoked, "sync.device_revoked", {{"device", ToHex(device)}});
  }
  if (m->expires_ms != 0 && now_ms > m->expires_ms) {
    return MakeError(ErrorCode::kRevoked, "sync.device_expired", {{"device", ToHex(device)}});
  }
  return m;
}

Result<const Member*> Trust::CheckAuthor(const Envelope& env, int64_t now_ms) const {
  auto m = CheckAuthorStanding(env, now_ms);
  if (!m) return m.error();
  DOSTI_TRY(CheckSignature(env, (*m)->ed_pk));
  return m;
}

Result<const Member*> Trust::CheckAuthorStanding(const Envelope& env, int64_t now_ms) const {
  if (env.header.workspace != workspace_) {
    return MakeError(ErrorCode::kWrongWorkspace, "sync.other_workspace",
                     {{"workspace", ToHex(env.header.workspace)}});
  }
  const Member* m = Find(env.header.author);
  if (!m) {
    return MakeError(ErrorCode::kUnknownDevice, "sync.author_not_in_roster",
                     {{"device", ToHex(env.header.author)}});
  }
  // Cheapest first (DESIGN.md §4): the roster's verdict before the signature.
  if (m->status == Status::kRevoked &&
      (env.header.kind != Kind::kChanges || env.header.seq > m->cutoff)) {
    return MakeError(ErrorCode::kRevoked, "sync.author_revoked",
                     {{"device", ToHex(m->id)}, {"cutoff", std::to_string(m->cutoff)}});
  }
  if (m->expires_ms != 0 && now_ms > m->expires_ms) {
    return MakeError(ErrorCode::kRevoked, "sync.device_expired", {{"device", ToHex(m->id)}});
  }
  return m;
}

Result<Trust::Outcome> Trust::Offer(std::string_view envelope, int64_t now_ms) {
  return Take(envelope, now_ms < 0 ? 0 : now_ms);
}

Result<Trust::Outcome> Trust::Restore(std::string_view envelope) { return Take(envelope, -1); }

Result<Trust::Outcome> Trust::Take(std::string_view envelope, int64_t now_ms) {
  auto env = ParseEnvelope(envelope);
  if (!env) return env.error();
  const Header& h = env->header;
  if (h.workspace != workspace_) {
    return MakeError(ErrorCode::kWrongWorkspace, "sync.other_workspace",
                     {{"workspace", ToHex(h.workspace)}});
  }
  if (h.kind == Kind::kChanges || h.kind == Kind::kReceipt) {
    return MakeError(ErrorCode::kDamaged, "sync.not_control", {{"kind", KindName(h.kind)}});
  }
  Bytes id = env->Id();
  if (control_.count(id)) return Outcome::kKnown;
  auto folded = Fold(*env, now_ms);
  if (!folded) return folded.error();
  if (*folded == Outcome::kWaiting) {
    for (const Waiting& w : waiting_) {
      if (w.bytes == envelope) return Outcome::kWaiting;
    }
    if (!park_) {
      return MakeError(ErrorCode::kUnknownDevice, "sync.control_out_of_order",
                       {{"kind", KindName(h.kind)}});
    }
    if (waiting_.size() >= kMaxWaiting || waiting_bytes_ + envelope.size() > kMaxWaitingBytes) {
      return MakeError(ErrorCode::kTooLarge, "sync.control_waiting_full");
    }
    waiting_.push_back({Bytes(envelope), now_ms});
    waiting_bytes_ += envelope.size();
    return Outcome::kWaiting;
  }
  if (*folded == Outcome::kAdded) {
    control_[id] = Bytes(envelope);
    order_.push_back(id);
    RetryWaiting();
  }
  return *folded;
}

void Trust::RetryWaiting() {
  for (bool progress = true; progress;) {
    progress = false;
    for (std::size_t i = 0; i < waiting_.size(); ++i) {
      Waiting w = waiting_[i];
      auto env = ParseEnvelope(w.bytes);
      auto folded = env ? Fold(*env, w.now_ms) : Result<Outcome>(env.error());
      if (folded && *folded == Outcome::kWaiting) continue;
      waiting_.erase(waiting_.begin() + static_cast<std::ptrdiff_t>(i));
      waiting_bytes_ -= std::min(waiting_bytes_, w.bytes.size());
      if (folded && *folded == Outcome::kAdded) {
        Bytes id = env->Id();
        if (!control_.count(id)) {
          control_[id] = w.bytes;
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

Result<const Member*> Trust::AdminSigner(const Envelope& env) const {
  const Member* m = Find(env.header.author);
  if (!m) return nullptr;
  if (m->role != Role::kAdmin || m->status != Status::kActive) {
    return MakeError(ErrorCode::kNotPermitted, "sync.signer_not_admin",
                     {{"kind", KindName(env.header.kind)}, {"device", Hex8(env.header.author)}});
  }
  DOSTI_TRY(CheckSignature(env, m->ed_pk));
  return m;
}

Result<Trust::Outcome> Trust::Fold(const Envelope& env, int64_t now_ms) {
  const Header& h = env.header;
  if (h.kind == Kind::kJoin) {
    // A join is signed by the new device itself (not yet anyone's member) and countersigned
    // by the invite's key. Its body has a fixed size, so reading it first costs nothing.
    auto join = DecodeJoin(env.body());
    if (!join) return join.error();
    Bytes device = DeviceIdOf(join->ed_pk, join->x_pk);
    if (device != h.author) return MakeError(ErrorCode::kUnauthentic, "sync.join_not_its_keys");
    DOSTI_TRY(CheckSignature(env, join->ed_pk));
    auto invite = invites_.find(join->invite);
    if (invite == invites_.end()) return Outcome::kWaiting;
    if (!Verify(invite->second.key_pk, JoinProof(join->invite, join->ed_pk, join->x_pk),
                join->invite_sig)) {
      return MakeError(ErrorCode::kUnauthentic, "sync.join_without_invite",
                       {{"device", Hex8(device)}});
    }
    auto used = used_.find(join->invite);
    if (used != used_.end() && used->second != device) {
      return MakeError(ErrorCode::kAlreadyUsed, "sync.invite_used",
                       {{"device", Hex8(device)}, {"invite", Hex8(join->invite)},
                        {"other", Hex8(used->second)}});
    }
    if (members_.count(device)) return Outcome::kKnown;  // approved (or refused) already
    // Expiry by this receiver's clock: the join's own time is the joiner's word only.
    if (now_ms >= 0 && now_ms > invite->second.expires_ms) {
      return MakeError(ErrorCode::kExpired, "sync.join_after_expiry",
                       {{"device", Hex8(device)}, {"date", DateOf(invite->second.expires_ms)}});
    }
    used_[join->invite] = device;
    PendingJoin p;
    p.id = device;
    p.ed_pk = join->ed_pk;
    p.x_pk = join->x_pk;
    p.invite = join->invite;
    p.role = invite->second.role;
    p.office = invite->second.office;
    p.expires_ms = invite->second.device_expires_ms;
    p.joined_ms = join->joined_ms;
    const Member* inviter = Find(inviters_.at(join->invite));
    p.code = VerificationCode(workspace_, join->invite, inviter ? inviter->ed_pk : Bytes(),
                              join->ed_pk, join->x_pk);
    pending_[device] = std::move(p);
    return Outcome::kAdded;
  }

  // Every other kind is admin-signed: the signer and its signature first, the body after.
  auto admin = AdminSigner(env);
  if (!admin) return admin.error();
  if (!*admin) {
    // An unknown signer may be an admin listed by a roster version not here yet; a roster
    // version at or below ours from an unknown signer cannot be.
    if (h.kind == Kind::kRoster) {
      Reader peek(env.body());
      uint32_t version = peek.U32();
      if (!peek.ok()) return DecodeRoster(env.body()).error();
      if (version <= version_) {
        return MakeError(ErrorCode::kUnknownDevice, "sync.roster_unknown_signer",
                         {{"version", std::to_string(version)}, {"device", Hex8(h.author)}});
      }
    }
    return Outcome::kWaiting;
  }
  switch (h.kind) {
    case Kind::kRoster: {
      auto roster = DecodeRoster(env.body());
      if (!roster) return roster.error();
      if (roster->version > version_ + 1) return Outcome::kWaiting;
      if (roster->version <= version_) {
        return MakeError(ErrorCode::kEquivocation, "sync.roster_fork",
                         {{"version", std::to_string(roster->version)},
                          {"held", std::to_string(version_)}});
      }
      if (roster->prev != roster_id_ || roster->nonce != nonce_) {
        return MakeError(ErrorCode::kEquivocation, "sync.roster_does_not_follow",
                         {{"version", std::to_string(roster->version)}});
      }
      members_.clear();
      for (Member& m : roster->members) {
        pending_.erase(m.id);  // approved (or refused) by this version
        members_[m.id] = std::move(m);
      }
      version_ = roster->version;
      roster_id_ = env.Id();
      return Outcome::kAdded;
    }
    case Kind::kInvite: {
      auto invite = DecodeInvite(env.body());
      if (!invite) return invite.error();
      invites_[invite->id] = *invite;
      inviters_[invite->id] = h.author;
      return Outcome::kAdded;
    }
    case Kind::kEpoch: {
      auto epoch = DecodeEpoch(env.body());
      if (!epoch) return epoch.error();
      auto have = epochs_.find(epoch->epoch);
      if (have != epochs_.end() && have->second != env.bytes) {
        return MakeError(ErrorCode::kEquivocation, "sync.epoch_fork",
                         {{"epoch", std::to_string(epoch->epoch)}});
      }
      epochs_[epoch->epoch] = Bytes(env.bytes);
      return Outcome::kAdded;
    }
    case Kind::kGrant: {
      auto grant = DecodeGrant(env.body());
      if (!grant) return grant.error();
      // A grant follows the roster version that approved its device.
      if (!members_.count(grant->device)) return Outcome::kWaiting;
      auto& mine = grants_[grant->device];
      if (mine.count(grant->epoch)) return Outcome::kKnown;
      mine[grant->epoch] = Bytes(env.bytes);
      return Outcome::kAdded;
    }
    default:
      return MakeError(ErrorCode::kDamaged, "sync.not_control", {{"kind", KindName(h.kind)}});
  }
}

// ---- checks before folding (relay input from strangers) ----------------------------------

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
    case Kind::kInvite:
    case Kind::kGrant: {
      const Member* m = Find(h.author);
      Args who{{"kind", kind}, {"device", ToHex(h.author)}, {"version", std::to_string(version_)}};
      if (!m) return MakeError(ErrorCode::kUnknownDevice, "signer.unknown", std::move(who));
      if (m->role != Role::kAdmin || m->status != Status::kActive) {
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
