// The replicator of one device (node.h; formats and rules in sync/README.md). The receiving
// checks follow research/security-reliability.md §3.3: size and layout, workspace, roster,
// signature, chain, key, decryption, then the core's bounded parser, then one transaction.
#include "dosti/sync/node.h"

#include <sodium.h>

#include <algorithm>

#include "dosti/sync/envelope.h"
#include "dosti/date.h"
#include "dosti/sync/wire.h"

namespace dosti::sync {
namespace {

// Local spaces (Session::LocalPut): never replicated.
constexpr std::string_view kSync = "sync";        // workspace, out_commit, relay
constexpr std::string_view kControl = "ctl";      // u32 BE index → control envelope
constexpr std::string_view kLog = "env";          // author ‖ u64 BE seq → changes envelope
constexpr std::string_view kHead = "head";        // author → u64 seq ‖ id of that envelope
constexpr std::string_view kPending = "pend";     // author ‖ u64 BE seq → waiting envelope
constexpr std::string_view kQuarantine = "quar";  // envelope id → u32 len ‖ reason ‖ envelope
constexpr std::string_view kSecret = "secret";    // u32 BE epoch → secret sealed to this device
constexpr std::string_view kReceipts = "rcpt";    // device → its latest receipt envelope

// The waiting queue's bounds (Signal's MAX_FORWARD_JUMPS as the model, research §3.3).
constexpr std::size_t kMaxPending = 25'000;
constexpr std::size_t kMaxPendingBytes = 64u << 20;

constexpr std::string_view kInviteMagic = "DHINVIT1";
constexpr std::string_view kBundleMagic = "DHBUNDL1";
constexpr uint8_t kInviteInnerVersion = 1;
constexpr int64_t kDayMs = 86'400'000;

Bytes BigEndian(uint64_t v, int n) {
  Bytes out(n, '\0');
  for (int i = n - 1; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xff);
  return out;
}
uint64_t ReadBigEndian(std::string_view b) {
  uint64_t v = 0;
  for (char c : b) v = (v << 8) | static_cast<uint8_t>(c);
  return v;
}
Bytes LogKey(std::string_view author, uint64_t seq) { return Bytes(author) + BigEndian(seq, 8); }
std::string Short(std::string_view id) { return ToHex(id).substr(0, 8); }

Bytes SecretMessage(std::string_view secret, uint32_t epoch, std::string_view workspace) {
  Writer w;
  w.Raw(secret).U32(epoch).Raw(workspace);
  return w.Take();
}
Bytes PrevAd(std::string_view workspace, uint32_t older, uint32_t newer) {
  Writer w;
  w.Raw(workspace).U32(older).U32(newer);
  return w.Take();
}

Received Rejected(std::string what, const Error& e) {
  return {Received::Status::kRejected, std::move(what), e.message, e.code};
}

}  // namespace

void ReceiveReport::Add(Received r) {
  switch (r.status) {
    case Received::Status::kApplied: ++applied; break;
    case Received::Status::kKnown: ++known; break;
    case Received::Status::kWaiting: ++waiting; break;
    case Received::Status::kRejected: ++rejected; break;
  }
  items.push_back(std::move(r));
}

void ReceiveReport::Merge(const ReceiveReport& other) {
  applied += other.applied;
  known += other.known;
  waiting += other.waiting;
  rejected += other.rejected;
  changes += other.changes;
  items.insert(items.end(), other.items.begin(), other.items.end());
  alarms.insert(alarms.end(), other.alarms.begin(), other.alarms.end());
}

struct Node::State {
  Session& session;
  DeviceKeys keys;
  Clock* clock;
  std::optional<Trust> trust;
  Bytes device;
  std::map<uint32_t, Bytes> secrets;
  std::map<Bytes, std::pair<uint64_t, Bytes>> heads;  // author → (seq, envelope id)
  std::size_t persisted_control = 0;
  std::size_t pending = 0, pending_bytes = 0;

  State(Session& s, DeviceKeys k, Clock* c)
      : session(s), keys(std::move(k)), clock(c ? c : &SystemClock()), device(keys.id()) {}

  int64_t Now() const { return clock->NowMs(); }
  const Bytes& workspace() const { return trust->workspace(); }
  std::string DeviceLabel(std::string_view id) const {
    const Member* m = trust ? trust->Find(id) : nullptr;
    std::string label = "device " + Short(id);
    if (m) label += std::string(" (") + RoleName(m->role) + ", " + OfficeName(m->office) + ")";
    return label;
  }

  // Writes the control messages the view gained since the last call.
  Result<void> PersistControl() {
    auto all = trust->ControlMessages();
    for (; persisted_control < all.size(); ++persisted_control) {
      DOSTI_TRY(session.LocalPut(kControl, BigEndian(persisted_control, 4), all[persisted_control]));
    }
    return {};
  }

  Result<void> AddSecret(uint32_t epoch, std::string_view secret) {
    if (secrets.count(epoch)) return {};
    secrets[epoch] = Bytes(secret);
    return session.LocalPut(kSecret, BigEndian(epoch, 4), SealTo(keys.box.pk, secret));
  }

  // Opens the epoch secrets sealed to this device and walks the chain back (each secret
  // encrypts its predecessor).
  Result<void> LearnSecrets() {
    for (const auto& [epoch, bytes] : trust->epochs()) {
      if (secrets.count(epoch)) continue;
      auto env = ParseEnvelope(bytes);
      auto body = env ? DecodeEpoch(env->body()) : Result<EpochBody>(env.error());
      if (!body) continue;
      for (const auto& [id, box] : body->sealed) {
        if (id != device) continue;
        auto plain = OpenSealed(keys.box, box);
        if (plain && plain->size() == 32 + 4 + kIdBytes &&
            *plain == SecretMessage(plain->substr(0, 32), epoch, workspace())) {
          DOSTI_TRY(AddSecret(epoch, plain->substr(0, 32)));
        }
      }
    }
    for (bool progress = true; progress;) {
      progress = false;
      for (auto it = secrets.rbegin(); it != secrets.rend(); ++it) {
        uint32_t e = it->first;
        if (e <= 1 || secrets.count(e - 1)) continue;
        auto msg = trust->epochs().find(e);
        if (msg == trust->epochs().end()) continue;
        auto env = ParseEnvelope(msg->second);
        auto body = env ? DecodeEpoch(env->body()) : Result<EpochBody>(env.error());
        if (!body) continue;
        auto older = Decrypt(PreviousEpochKey(it->second), body->prev_nonce,
                             PrevAd(workspace(), e - 1, e), body->prev_secret);
        if (!older || older->size() != 32) continue;
        DOSTI_TRY(AddSecret(e - 1, *older));
        progress = true;
        break;
      }
    }
    return {};
  }

  Result<void> Quarantine(const Envelope& env, const std::string& reason) {
    Writer w;
    w.Sized(reason).Raw(env.bytes);
    return session.LocalPut(kQuarantine, env.Id(), w.bytes());
  }

  Received Pend(const Envelope& env, std::string what, std::string why) {
    Bytes key = LogKey(env.header.author, env.header.seq);
    auto have = session.LocalGet(kPending, key);
    if (have && !have->has_value()) {
      if (pending >= kMaxPending || pending_bytes + env.bytes.size() > kMaxPendingBytes) {
        return Rejected(what, MakeErrorText(ErrorCode::kTooLarge,
                                        "the queue of envelopes waiting for their predecessors "
                                        "is full; sync in order (" + why + ")"));
      }
      if (auto r = session.LocalPut(kPending, key, env.bytes); !r) return Rejected(what, r.error());
      ++pending;
      pending_bytes += env.bytes.size();
    }
    return {Received::Status::kWaiting, std::move(what), std::move(why)};
  }

  Result<void> Unpend(std::string_view author, uint64_t seq, std::size_t bytes) {
    Bytes key = LogKey(author, seq);
    auto have = session.LocalGet(kPending, key);
    if (!have) return have.error();
    if (!have->has_value()) return {};
    if (pending) --pending;
    pending_bytes -= std::min(pending_bytes, bytes);
    return session.LocalDelete(kPending, key);
  }

  Received ReceiveChanges(const Envelope& env, ReceiveReport& report) {
    const Header& h = env.header;
    std::string what = "changes " + std::to_string(h.seq) + " of " + DeviceLabel(h.author);
    if (!trust->Find(h.author)) {
      return Pend(env, what, "its author is not in the roster here yet");
    }
    if (auto ok = trust->CheckAuthor(env, Now()); !ok) {
      (void)Unpend(h.author, h.seq, env.bytes.size());
      return Rejected(what, ok.error());
    }
    auto& head = heads[h.author];
    Bytes id = env.Id();
    if (h.seq <= head.first) {
      auto stored = session.LocalGet(kLog, LogKey(h.author, h.seq));
      if (!stored) return Rejected(what, stored.error());
      auto stored_env = stored->has_value() ? ParseEnvelope(**stored) : Result<Envelope>(Error{});
      (void)Unpend(h.author, h.seq, env.bytes.size());
      if (stored_env && stored_env->Id() == id) return {Received::Status::kKnown, what, {}};
      std::string alarm = what + " differs from the one applied here with the same number: "
                                 "equivocation (a copied key or a bug); quarantined";
      report.alarms.push_back(alarm);
      (void)Quarantine(env, alarm);
      return Rejected(what, MakeErrorText(ErrorCode::kEquivocation, alarm));
    }
    if (h.seq > head.first + 1) {
      return Pend(env, what, "waits for envelope " + std::to_string(head.first + 1));
    }
    if (head.first > 0 && h.prev != head.second) {
      std::string alarm = what + " does not chain to envelope " + std::to_string(head.first) +
                          " applied here: a fork of its log; quarantined";
      report.alarms.push_back(alarm);
      (void)Quarantine(env, alarm);
      (void)Unpend(h.author, h.seq, env.bytes.size());
      return Rejected(what, MakeErrorText(ErrorCode::kEquivocation, alarm));
    }
    auto secret = secrets.find(h.epoch);
    if (secret == secrets.end()) {
      return Pend(env, what, "waits for the key of epoch " + std::to_string(h.epoch));
    }
    auto changeset = OpenChanges(env, secret->second);
    if (!changeset) {
      std::string alarm = what + " is validly signed but " + changeset.error().message;
      report.alarms.push_back(alarm);
      (void)Quarantine(env, alarm);
      (void)Unpend(h.author, h.seq, env.bytes.size());
      return Rejected(what, changeset.error());
    }
    // The changeset must carry its envelope's author's commits: a member must not pass off
    // commits as another device's.
    auto carried = ChangesetAuthor(*changeset);
    if (!carried || *carried != ToHex(h.author)) {
      std::string alarm = what + (carried ? " carries the commits of device " + *carried +
                                                ": a forgery by its author; quarantined"
                                          : " holds a malformed changeset: " +
                                                carried.error().message);
      report.alarms.push_back(alarm);
      (void)Quarantine(env, alarm);
      (void)Unpend(h.author, h.seq, env.bytes.size());
      return Rejected(what, MakeErrorText(ErrorCode::kUnauthentic, alarm));
    }
    int64_t changes = 0;
    auto applied = session.Atomically([&]() -> Result<void> {
      auto r = session.ApplyChangeset(*changeset);
      if (!r) return r.error();
      changes = r->changes;
      DOSTI_TRY(session.LocalPut(kLog, LogKey(h.author, h.seq), env.bytes));
      DOSTI_TRY(session.LocalPut(kHead, h.author, BigEndian(h.seq, 8) + id));
      return Unpend(h.author, h.seq, env.bytes.size());
    });
    if (!applied) {
      if (applied.error().code == ErrorCode::kInvalid) {
        std::string alarm = what + " holds a malformed changeset: " + applied.error().message;
        report.alarms.push_back(alarm);
        (void)Quarantine(env, alarm);
      }
      return Rejected(what, applied.error());
    }
    head = {h.seq, id};
    report.changes += changes;
    return {Received::Status::kApplied, what, {}};
  }

  Received ReceiveOne(std::string_view bytes, ReceiveReport& report) {
    auto env = ParseEnvelope(bytes);
    if (!env) return Rejected("an envelope", env.error());
    const Header& h = env->header;
    if (h.workspace != workspace()) {
      return Rejected(std::string(KindName(h.kind)) + " envelope",
                      MakeErrorText(ErrorCode::kWrongWorkspace,
                                "it belongs to another workspace (" + ToHex(h.workspace) + ")"));
    }
    if (h.kind == Kind::kChanges) return ReceiveChanges(*env, report);
    std::string what = std::string(KindName(h.kind)) + " message of " + DeviceLabel(h.author);
    if (h.kind == Kind::kReceipt) {
      auto ok = trust->CheckAuthor(*env, Now());
      if (!ok) return Rejected(what, ok.error());
      auto body = DecodeReceipt(env->body());
      if (!body) return Rejected(what, body.error());
      auto have = session.LocalGet(kReceipts, h.author);
      if (!have) return Rejected(what, have.error());
      if (have->has_value()) {
        auto old = ParseEnvelope(**have);
        auto old_body = old ? DecodeReceipt(old->body()) : Result<ReceiptBody>(old.error());
        if (**have == bytes || (old_body && old_body->made_ms > body->made_ms)) {
          return {Received::Status::kKnown, what, {}};
        }
      }
      if (auto r = session.LocalPut(kReceipts, h.author, bytes); !r) return Rejected(what, r.error());
      for (const auto& [author, seq] : body->applied) {
        const Member* m = trust->Find(author);
        if (m && m->status == Status::kRevoked && seq > m->cutoff) {
          report.alarms.push_back(
              DeviceLabel(h.author) + " applied envelopes up to " + std::to_string(seq) + " of " +
              DeviceLabel(author) + ", revoked with envelopes accepted up to " +
              std::to_string(m->cutoff) + ". An admin who trusts them accepts them with: dosti "
              "device revoke " + ToHex(author) + " --cutoff " + std::to_string(seq));
        }
      }
      return {Received::Status::kApplied, what, {}};
    }
    auto outcome = trust->Offer(bytes);
    if (!outcome) return Rejected(what, outcome.error());
    if (*outcome == Trust::Outcome::kKnown) return {Received::Status::kKnown, what, {}};
    if (*outcome == Trust::Outcome::kWaiting) {
      return {Received::Status::kWaiting, what, "waits for the roster message it depends on"};
    }
    auto persisted = session.Atomically([&]() -> Result<void> {
      DOSTI_TRY(PersistControl());
      return LearnSecrets();
    });
    if (!persisted) return Rejected(what, persisted.error());
    if (h.kind == Kind::kRoster) {
      for (const auto& [author, head] : heads) {
        const Member* m = trust->Find(author);
        if (m && m->status == Status::kRevoked && head.first > m->cutoff) {
          report.alarms.push_back(
              "this device applied envelopes " + std::to_string(m->cutoff + 1) + " to " +
              std::to_string(head.first) + " of " + DeviceLabel(author) +
              " before learning of its revocation; the others refuse them. An admin who trusts "
              "them accepts them with: dosti device revoke " + ToHex(author) + " --cutoff " +
              std::to_string(head.first));
        }
      }
    }
    return {Received::Status::kApplied, what, {}};
  }

  // Retries waiting envelopes whose predecessor, author or key may have arrived.
  void DrainPending(ReceiveReport& report) {
    for (bool progress = true; progress && pending > 0;) {
      progress = false;
      auto all = session.LocalList(kPending);
      if (!all) return;
      for (const auto& [key, bytes] : *all) {
        std::string_view author(key.data(), kIdBytes);
        uint64_t seq = ReadBigEndian(std::string_view(key).substr(kIdBytes));
        auto head = heads.find(Bytes(author));
        uint64_t have = head == heads.end() ? 0 : head->second.first;
        if (seq != have + 1 && seq > have) continue;
        auto env = ParseEnvelope(bytes);
        if (!env) {
          (void)Unpend(author, seq, bytes.size());
          continue;
        }
        Received r = ReceiveChanges(*env, report);
        if (r.status == Received::Status::kWaiting) continue;
        // It was counted as waiting when it arrived (in this call or an earlier one).
        if (r.status == Received::Status::kApplied || r.status == Received::Status::kRejected) {
          for (Received& item : report.items) {
            if (item.status == Received::Status::kWaiting && item.what == r.what) {
              item = r;
              --report.waiting;
              r.status == Received::Status::kApplied ? ++report.applied : ++report.rejected;
              r.what.clear();
              break;
            }
          }
          if (!r.what.empty()) report.Add(r);
        }
        progress = true;
        break;
      }
    }
  }

  Result<void> Load() {
    auto ws = session.LocalGet(kSync, "workspace");
    if (!ws) return ws.error();
    if (!ws->has_value()) {
      return MakeErrorText(ErrorCode::kNotInitialised,
                       "this database has no sync identity: make one with `dosti init` or "
                       "`dosti join INVITE`");
    }
    auto control = session.LocalList(kControl);
    if (!control) return control.error();
    if (control->empty()) return MakeErrorText(ErrorCode::kDamaged, "the workspace's roster is missing");
    auto t = Trust::FromGenesis((*control)[0].second);
    if (!t) return t.error();
    trust = std::move(*t);
    for (std::size_t i = 1; i < control->size(); ++i) (void)trust->Offer((*control)[i].second);
    persisted_control = control->size();
    auto info = session.Info();
    if (!info) return info.error();
    if (info->device_id != ToHex(device)) {
      return MakeErrorText(ErrorCode::kUnknownDevice,
                       "the key file belongs to device " + ToHex(device) +
                           " but this database is device " + info->device_id);
    }
    auto sealed = session.LocalList(kSecret);
    if (!sealed) return sealed.error();
    for (const auto& [key, box] : *sealed) {
      auto secret = OpenSealed(keys.box, box);
      if (!secret) return MakeErrorText(ErrorCode::kUnauthentic, "an epoch secret does not open with this device's key");
      secrets[static_cast<uint32_t>(ReadBigEndian(key))] = *secret;
    }
    auto hs = session.LocalList(kHead);
    if (!hs) return hs.error();
    for (const auto& [author, value] : *hs) {
      heads[author] = {ReadBigEndian(std::string_view(value).substr(0, 8)), value.substr(8)};
    }
    auto pend = session.LocalList(kPending);
    if (!pend) return pend.error();
    pending = pend->size();
    for (const auto& [k, v] : *pend) pending_bytes += v.size();
    return {};
  }

  Result<uint64_t> OutCommit() {
    auto v = session.LocalGet(kSync, "out_commit");
    if (!v) return v.error();
    return v->has_value() ? ReadBigEndian(**v) : 0;
  }

  Result<const Member*> RequireAdmin() const {
    const Member* me = trust->Find(device);
    if (!me || me->role != Role::kAdmin || me->status != Status::kActive) {
      return MakeErrorText(ErrorCode::kNotPermitted, "only an admin device may do this");
    }
    return me;
  }

  Result<Bytes> ResolveDevice(std::string_view hex) const {
    std::string prefix(hex);
    std::transform(prefix.begin(), prefix.end(), prefix.begin(), ::tolower);
    if (prefix.size() < 6) {
      return MakeErrorText(ErrorCode::kInvalid, "give at least 6 hex digits of the device id", "device");
    }
    std::vector<Bytes> found;
    for (const Member& m : trust->Members()) {
      if (ToHex(m.id).rfind(prefix, 0) == 0) found.push_back(m.id);
    }
    if (found.empty()) return MakeErrorText(ErrorCode::kNotFound, "no device " + prefix + " in the roster");
    if (found.size() > 1) return MakeErrorText(ErrorCode::kAmbiguous, "several devices start with " + prefix);
    return found[0];
  }
};

Node::Node(std::unique_ptr<State> state) : s_(std::move(state)) {}
Node::~Node() = default;

const Trust& Node::trust() const { return *s_->trust; }
Bytes Node::device() const { return s_->device; }
const Member& Node::self() const { return *s_->trust->Find(s_->device); }
uint32_t Node::epoch() const { return s_->secrets.empty() ? 0 : s_->secrets.rbegin()->first; }

Result<std::unique_ptr<Node>> Node::Create(Session& session, DeviceKeys keys,
                                           std::string_view office,
                                           std::string_view workspace_name, Clock* clock) {
  DOSTI_TRY(InitCrypto());
  auto office_code = ParseOffice(office);
  if (!office_code) {
    return MakeErrorText(ErrorCode::kInvalid, "office must be beijing or islamabad", "office");
  }
  auto state = std::make_unique<State>(session, std::move(keys), clock);
  State& s = *state;
  auto made = session.Atomically([&]() -> Result<void> {
    auto info = session.Init(office, workspace_name, ToHex(s.device));
    if (!info) return info.error();
    Member admin;
    admin.id = s.device;
    admin.ed_pk = s.keys.sign.pk;
    admin.x_pk = s.keys.box.pk;
    admin.role = Role::kAdmin;
    admin.office = *office_code;
    admin.invite = Bytes(kIdBytes, '\0');
    RosterBody genesis{1, Bytes(kHashBytes, '\0'), RandomBytes(16), s.Now(), {admin}};
    Bytes body = EncodeRoster(genesis);
    Bytes ws = WorkspaceIdOf(body);
    auto trust = Trust::FromGenesis(SignControl(Kind::kRoster, ws, s.device, s.keys.sign.sk, body));
    if (!trust) return trust.error();
    s.trust = std::move(*trust);
    Bytes secret = RandomBytes(32);
    EpochBody epoch{1, s.trust->roster_id(),
                    {{s.device, SealTo(s.keys.box.pk, SecretMessage(secret, 1, ws))}}, {}, {}};
    auto offered = s.trust->Offer(
        SignControl(Kind::kEpoch, ws, s.device, s.keys.sign.sk, EncodeEpoch(epoch)));
    if (!offered) return offered.error();
    DOSTI_TRY(session.LocalPut(kSync, "workspace", ws));
    DOSTI_TRY(s.PersistControl());
    return s.AddSecret(1, secret);
  });
  if (!made) return made.error();
  return std::unique_ptr<Node>(new Node(std::move(state)));
}

Result<std::unique_ptr<Node>> Node::Open(Session& session, DeviceKeys keys, Clock* clock) {
  DOSTI_TRY(InitCrypto());
  auto state = std::make_unique<State>(session, std::move(keys), clock);
  DOSTI_TRY(state->Load());
  return std::unique_ptr<Node>(new Node(std::move(state)));
}

// ---- invites --------------------------------------------------------------------------------

Result<Bytes> Node::CreateInvite(const InviteOptions& o, std::string_view passphrase) {
  State& s = *s_;
  DOSTI_TRY(s.RequireAdmin().map([](auto) {}));
  if (o.role == Role::kAdmin) {
    return MakeErrorText(ErrorCode::kInvalid, "invites are for office or booth devices", "role");
  }
  if (passphrase.size() < 8) {
    return MakeErrorText(ErrorCode::kInvalid,
                     "an invite passphrase has at least 8 characters (it guards the workspace key)",
                     "passphrase");
  }
  if (o.expires_days < 1 || o.expires_days > 365) {
    return MakeErrorText(ErrorCode::kInvalid, "--expires-days is 1 to 365", "expires-days");
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
  Bytes message = SignControl(Kind::kInvite, s.workspace(), s.device, s.keys.sign.sk,
                              EncodeInvite(invite));
  auto offered = s.trust->Offer(message);
  if (!offered) return offered.error();
  DOSTI_TRY(s.PersistControl());

  // The file: a clear header (the AEAD's associated data), then the encrypted inner part.
  Writer inner;
  inner.U8(kInviteInnerVersion).Raw(invite_key.sk.substr(0, 32));
  auto control = s.trust->ControlMessages();
  inner.U32(static_cast<uint32_t>(control.size()));
  for (const Bytes& m : control) inner.Sized(m);
  inner.U32(static_cast<uint32_t>(s.secrets.size()));
  for (const auto& [epoch, secret] : s.secrets) inner.U32(epoch).Raw(secret);
  inner.Sized(o.relay_url);
  Bytes salt = RandomBytes(kSaltBytes), nonce = RandomBytes(kNonceBytes);
  auto key = PasswordKey(passphrase, salt, kPwOps, kPwMemKiB);
  if (!key) return key.error();
  Writer w;
  w.Raw(kInviteMagic).Raw(s.workspace()).Raw(invite.id).Raw(salt).U32(kPwOps).U32(kPwMemKiB);
  w.Raw(nonce).Raw(KeyedHash(*key, "DH-commit-v1", {nonce}));
  w.U32(static_cast<uint32_t>(inner.bytes().size() + kTagBytes));
  Bytes ad = w.bytes();
  w.Raw(Encrypt(*key, nonce, ad, inner.bytes()));
  sodium_memzero(key->data(), key->size());
  sodium_memzero(inner.bytes().data(), inner.bytes().size());
  return w.Take();
}

Result<std::unique_ptr<Node>> Node::Join(Session& session, DeviceKeys keys,
                                         std::string_view file, std::string_view passphrase,
                                         Clock* clock) {
  DOSTI_TRY(InitCrypto());
  auto damaged = [](const std::string& why) {
    return MakeErrorText(ErrorCode::kDamaged, "this is not a usable invite file: " + why);
  };
  Reader r(file);
  if (r.Raw(kInviteMagic.size()) != kInviteMagic) return damaged("wrong magic");
  Bytes ws(r.Raw(kIdBytes)), invite_id(r.Raw(kIdBytes)), salt(r.Raw(kSaltBytes));
  uint32_t ops = r.U32(), mem = r.U32();
  Bytes nonce(r.Raw(kNonceBytes)), commit(r.Raw(32));
  std::size_t ad_len = r.position() + 4;
  std::string_view cipher = r.Sized(64u << 20);
  if (!r.done()) return damaged("truncated or padded");
  auto key = PasswordKey(passphrase, salt, ops, mem);
  if (!key) return key.error();
  if (!SameBytes(commit, KeyedHash(*key, "DH-commit-v1", {nonce}))) {
    return MakeErrorText(ErrorCode::kWrongPassphrase,
                     "wrong passphrase for this invite; nothing was changed");
  }
  auto inner = Decrypt(*key, nonce, file.substr(0, ad_len), cipher);
  sodium_memzero(key->data(), key->size());
  if (!inner) return damaged("it does not decrypt (altered)");
  Reader in(*inner);
  if (in.U8() != kInviteInnerVersion) return damaged("unknown inner version");
  Bytes seed(in.Raw(32));
  uint32_t n = in.U32();
  std::vector<std::string_view> control;
  for (uint32_t i = 0; i < n && in.ok(); ++i) control.push_back(in.Sized(kMaxEnvelopeBytes));
  uint32_t m = in.U32();
  std::map<uint32_t, Bytes> secrets;
  for (uint32_t i = 0; i < m && in.ok(); ++i) {
    uint32_t epoch = in.U32();
    secrets[epoch] = Bytes(in.Raw(32));
  }
  std::string relay(in.Sized(4096));
  if (!in.done() || control.empty()) return damaged("malformed inner part");

  auto state = std::make_unique<State>(session, std::move(keys), clock);
  State& s = *state;
  auto trust = Trust::FromGenesis(control[0]);
  if (!trust) return damaged(trust.error().message);
  if (trust->workspace() != ws) return damaged("its roster is of another workspace");
  for (std::size_t i = 1; i < control.size(); ++i) {
    auto ok = trust->Offer(control[i]);
    if (!ok) return damaged(ok.error().message);
  }
  s.trust = std::move(*trust);
  auto invite = s.trust->Invite(invite_id);
  SigningKeys invite_key = SigningKeys::FromSeed(seed);
  if (!invite || invite->key_pk != invite_key.pk) return damaged("its invite does not verify");
  if (s.Now() > invite->expires_ms) {
    return MakeErrorText(ErrorCode::kExpired,
                     "this invite expired on " + FormatDate(DateAt(invite->expires_ms, 0)) + " (UTC)" +
                         "; ask an admin for a new one");
  }
  if (auto used = s.trust->InviteUsedBy(invite_id)) {
    return MakeErrorText(ErrorCode::kAlreadyUsed,
                     "this invite was already used by device " + ToHex(*used) +
                         "; ask an admin for a new one");
  }
  auto joined = session.Atomically([&]() -> Result<void> {
    auto info = session.JoinAsReplica(OfficeName(invite->office), ToHex(s.device),
                                      RoleName(invite->role));
    if (!info) return info.error();
    JoinBody join{invite_id, s.keys.sign.pk, s.keys.box.pk, s.Now(),
                  Sign(invite_key.sk, JoinProof(invite_id, s.keys.sign.pk, s.keys.box.pk))};
    auto ok = s.trust->Offer(
        SignControl(Kind::kJoin, ws, s.device, s.keys.sign.sk, EncodeJoin(join)));
    if (!ok) return ok.error();
    DOSTI_TRY(session.LocalPut(kSync, "workspace", ws));
    if (!relay.empty()) DOSTI_TRY(session.LocalPut(kSync, "relay", relay));
    DOSTI_TRY(s.PersistControl());
    for (const auto& [epoch, secret] : secrets) DOSTI_TRY(s.AddSecret(epoch, secret));
    return {};
  });
  sodium_memzero(seed.data(), seed.size());
  if (!joined) return joined.error();
  return std::unique_ptr<Node>(new Node(std::move(state)));
}

Result<bool> Node::Revoke(std::string_view device, std::optional<uint64_t> cutoff) {
  State& s = *s_;
  DOSTI_TRY(s.RequireAdmin().map([](auto) {}));
  auto id = s.ResolveDevice(device);
  if (!id) return id.error();
  if (*id == s.device) {
    return MakeErrorText(ErrorCode::kInvalid, "a device cannot revoke itself; revoke it from another admin");
  }
  const Member* target = s.trust->Find(*id);
  auto head = s.heads.find(*id);
  uint64_t seen = head == s.heads.end() ? 0 : head->second.first;
  if (target->status == Status::kRevoked) {
    // Already revoked: only a higher cut-off is news (a roster version, no new epoch).
    if (!cutoff || *cutoff <= target->cutoff) {
      return MakeErrorText(ErrorCode::kInvalid,
                       "device " + ToHex(*id) + " is already revoked, its envelopes accepted up to " +
                           std::to_string(target->cutoff) + "; give a higher --cutoff to accept more");
    }
    auto raised = s.session.Atomically([&]() -> Result<void> {
      RosterBody next = s.trust->NextRoster(s.Now());
      for (Member& m : next.members) {
        if (m.id == *id) m.cutoff = *cutoff;
      }
      auto ok = s.trust->Offer(SignControl(Kind::kRoster, s.workspace(), s.device,
                                           s.keys.sign.sk, EncodeRoster(next)));
      if (!ok) return ok.error();
      return s.PersistControl();
    });
    if (!raised) return raised.error();
    return false;
  }
  uint32_t current = epoch();
  auto current_secret = s.secrets.find(current);
  if (current_secret == s.secrets.end()) {
    return MakeErrorText(ErrorCode::kInternal, "this admin does not hold the current epoch's secret");
  }
  auto revoked = s.session.Atomically([&]() -> Result<void> {
    RosterBody next = s.trust->NextRoster(s.Now());
    for (Member& m : next.members) {
      if (m.id != *id) continue;
      m.status = Status::kRevoked;
      m.cutoff = cutoff.value_or(seen);
    }
    auto ok = s.trust->Offer(SignControl(Kind::kRoster, s.workspace(), s.device, s.keys.sign.sk,
                                         EncodeRoster(next)));
    if (!ok) return ok.error();
    // A new epoch for everyone still active (research §3.5): its secret sealed to each, the
    // previous secret encrypted under the new one so history stays readable.
    uint32_t e = std::max(current, s.trust->epochs().empty() ? 0u : s.trust->epochs().rbegin()->first) + 1;
    Bytes secret = RandomBytes(32);
    EpochBody body;
    body.epoch = e;
    body.roster = s.trust->roster_id();
    for (const Member& m : s.trust->Members()) {
      if (m.status != Status::kActive) continue;
      body.sealed.emplace_back(m.id, SealTo(m.x_pk, SecretMessage(secret, e, s.workspace())));
    }
    body.prev_nonce = RandomBytes(kNonceBytes);
    body.prev_secret = Encrypt(PreviousEpochKey(secret), body.prev_nonce,
                               PrevAd(s.workspace(), e - 1, e), s.secrets.at(e - 1));
    auto added = s.trust->Offer(SignControl(Kind::kEpoch, s.workspace(), s.device,
                                            s.keys.sign.sk, EncodeEpoch(body)));
    if (!added) return added.error();
    DOSTI_TRY(s.PersistControl());
    return s.AddSecret(e, secret);
  });
  if (!revoked) return revoked.error();
  return true;
}

std::vector<DeviceView> Node::Devices() {
  std::vector<DeviceView> out;
  for (const Member& m : s_->trust->Members()) {
    DeviceView v;
    v.id = ToHex(m.id);
    v.role = RoleName(m.role);
    v.office = OfficeName(m.office);
    v.status = StatusName(m.status);
    if (m.status == Status::kActive && m.expires_ms != 0 && s_->Now() > m.expires_ms) {
      v.status = "expired";
    }
    v.expires_ms = m.expires_ms;
    v.cutoff = m.cutoff;
    v.provisional = m.provisional;
    v.self = m.id == s_->device;
    auto head = s_->heads.find(m.id);
    v.applied = head == s_->heads.end() ? 0 : head->second.first;
    out.push_back(v);
  }
  return out;
}

Result<std::vector<Node::Quarantined>> Node::Quarantine() {
  auto all = s_->session.LocalList(kQuarantine);
  if (!all) return all.error();
  std::vector<Quarantined> out;
  for (const auto& [id, value] : *all) {
    Reader r(value);
    std::string_view reason = r.Sized(value.size());
    out.push_back({ToHex(id), std::string(reason)});
  }
  return out;
}

std::optional<std::string> Node::RelayUrl() {
  auto v = s_->session.LocalGet(kSync, "relay");
  if (!v || !v->has_value()) return std::nullopt;
  return **v;
}

Result<void> Node::SetRelayUrl(std::string_view url) {
  return s_->session.LocalPut(kSync, "relay", url);
}

// ---- outgoing -------------------------------------------------------------------------------

Result<int64_t> Node::SealOutgoing() {
  State& s = *s_;
  std::string me = ToHex(s.device);
  auto frontier = s.session.GetFrontier();
  if (!frontier) return frontier.error();
  auto out = s.OutCommit();
  if (!out) return out.error();
  int64_t own = frontier->count(me) ? frontier->at(me) : 0;
  if (own <= static_cast<int64_t>(*out)) return 0;
  const Member& self_member = self();
  if (self_member.status != Status::kActive) {
    return MakeErrorText(ErrorCode::kRevoked, "this device was revoked; its changes are no longer accepted");
  }
  uint32_t e = epoch();
  if (e == 0) return MakeErrorText(ErrorCode::kInternal, "this device holds no epoch secret");
  dosti::Frontier peer = *frontier;
  peer[me] = static_cast<int64_t>(*out);
  auto changesets = s.session.ChangesetsFor(peer);
  if (!changesets) return changesets.error();
  int64_t made = 0;
  auto sealed = s.session.Atomically([&]() -> Result<void> {
    auto head = s.heads[s.device];
    for (const std::string& cs : *changesets) {
      uint64_t seq = head.first + 1;
      Bytes env = SealChanges(s.workspace(), e, s.secrets.at(e), s.device, s.keys.sign.sk, seq,
                              head.second, cs);
      Bytes id = ParseEnvelope(env)->Id();
      DOSTI_TRY(s.session.LocalPut(kLog, LogKey(s.device, seq), env));
      head = {seq, id};
      ++made;
    }
    DOSTI_TRY(s.session.LocalPut(kHead, s.device, BigEndian(head.first, 8) + head.second));
    DOSTI_TRY(s.session.LocalPut(kSync, "out_commit", BigEndian(static_cast<uint64_t>(own), 8)));
    s.heads[s.device] = head;
    return {};
  });
  if (!sealed) {
    // The in-memory head follows the database: reload it.
    auto h = s.session.LocalGet(kHead, s.device);
    if (h && h->has_value()) {
      s.heads[s.device] = {ReadBigEndian(std::string_view(**h).substr(0, 8)), (**h).substr(8)};
    }
    return sealed.error();
  }
  return made;
}

EnvelopeFrontier Node::Frontier() {
  EnvelopeFrontier f;
  for (const auto& [author, head] : s_->heads) f[author] = head.first;
  return f;
}

Result<std::vector<Bytes>> Node::ChangesAfter(const EnvelopeFrontier& peer, std::size_t max_bytes) {
  std::vector<Bytes> out;
  std::size_t bytes = 0;
  for (const auto& [author, head] : s_->heads) {
    auto p = peer.find(author);
    uint64_t from = p == peer.end() ? 0 : p->second;
    // A revoked author's envelopes past its cut-off are not forwarded: the others refuse them.
    const Member* m = s_->trust->Find(author);
    uint64_t last = m && m->status == Status::kRevoked ? std::min(head.first, m->cutoff) : head.first;
    if (from >= last) continue;
    // Page through the author's log so a large history is not read at once.
    Bytes after = LogKey(author, from);
    for (;;) {
      auto page = s_->session.LocalList(kLog, author, after, 64);
      if (!page) return page.error();
      for (auto& [key, env] : *page) {
        if (ReadBigEndian(std::string_view(key).substr(kIdBytes)) > last) break;
        if (!out.empty() && bytes + env.size() > max_bytes) return out;
        bytes += env.size();
        out.push_back(std::move(env));
      }
      if (page->size() < 64) break;
      after = page->back().first;
    }
  }
  return out;
}

std::vector<Bytes> Node::ControlMessages() const { return s_->trust->ControlMessages(); }

Bytes Node::MakeReceipt() {
  ReceiptBody body{s_->Now(), Frontier()};
  return SignControl(Kind::kReceipt, s_->workspace(), s_->device, s_->keys.sign.sk,
                     EncodeReceipt(body));
}

// ---- incoming -------------------------------------------------------------------------------

Result<ReceiveReport> Node::Receive(const std::vector<std::string_view>& envelopes) {
  ReceiveReport report;
  for (std::string_view bytes : envelopes) report.Add(s_->ReceiveOne(bytes, report));
  s_->DrainPending(report);
  return report;
}

// ---- bundles --------------------------------------------------------------------------------

Result<Bytes> Node::ExportBundle(std::string_view for_device) {
  State& s = *s_;
  if (auto sealed = SealOutgoing(); !sealed && sealed.error().code != ErrorCode::kRevoked) {
    return sealed.error();
  }
  // What the others have, by their receipts: for one device, its receipt; for everyone, the
  // least any other device has acknowledged (nothing, for a device that sent no receipt).
  std::vector<Bytes> peers;
  if (!for_device.empty()) {
    auto id = s.ResolveDevice(for_device);
    if (!id) return id.error();
    peers.push_back(*id);
  } else {
    for (const Member& m : s.trust->Members()) {
      if (m.id != s.device && m.status == Status::kActive) peers.push_back(m.id);
    }
  }
  EnvelopeFrontier base;
  bool first = true;
  for (const Bytes& peer : peers) {
    EnvelopeFrontier theirs;
    auto rc = s.session.LocalGet(kReceipts, peer);
    if (!rc) return rc.error();
    if (rc->has_value()) {
      auto env = ParseEnvelope(**rc);
      auto body = env ? DecodeReceipt(env->body()) : Result<ReceiptBody>(env.error());
      if (body) theirs = body->applied;
    }
    if (first) {
      base = theirs;
      first = false;
      continue;
    }
    for (auto it = base.begin(); it != base.end();) {
      auto t = theirs.find(it->first);
      if (t == theirs.end()) {
        it = base.erase(it);
      } else {
        it->second = std::min(it->second, t->second);
        ++it;
      }
    }
  }
  auto changes = ChangesAfter(base);
  if (!changes) return changes.error();
  std::vector<Bytes> all = ControlMessages();
  for (Bytes& c : *changes) all.push_back(std::move(c));
  all.push_back(MakeReceipt());

  Writer w;
  w.Raw(kBundleMagic).Raw(s.workspace()).Raw(s.device).I64(s.Now());
  w.U32(static_cast<uint32_t>(all.size()));
  for (const Bytes& env : all) w.Sized(env);
  Bytes hash = Hash("DH-bundle-v1", {w.bytes()});
  w.Raw(hash).Raw(Sign(s.keys.sign.sk, "DH-bundle-v1" + hash));
  return w.Take();
}

Result<BundleReport> Node::ImportBundle(std::string_view file) {
  State& s = *s_;
  BundleReport out;
  Reader r(file);
  if (r.Raw(kBundleMagic.size()) != kBundleMagic) {
    return MakeErrorText(ErrorCode::kDamaged, "this is not a Dosti bundle file (wrong magic)");
  }
  Bytes ws(r.Raw(kIdBytes)), exporter(r.Raw(kIdBytes));
  r.I64();
  uint32_t count = r.U32();
  if (!r.ok()) return MakeErrorText(ErrorCode::kDamaged, "the bundle's header is truncated");
  if (ws != s.workspace()) {
    return MakeErrorText(ErrorCode::kWrongWorkspace,
                     "this bundle belongs to another workspace (" + ToHex(ws) +
                         "); nothing was imported");
  }
  out.exporter = ToHex(exporter);
  std::vector<std::string_view> envelopes;
  for (uint32_t i = 0; i < count; ++i) {
    std::string_view env = r.Sized(kMaxEnvelopeBytes);
    if (!r.ok()) {
      out.damaged = true;
      out.damage = "the file is truncated or altered after " + std::to_string(i) + " of " +
                   std::to_string(count) + " envelopes";
      break;
    }
    envelopes.push_back(env);
  }
  std::size_t signed_len = r.position();
  std::string_view hash = r.Raw(32), sig = r.Raw(kSignatureBytes);
  if (!out.damaged) {
    if (!r.done()) {
      out.damaged = true;
      out.damage = "the file's end (checksum and signature) is missing or has extra bytes";
    } else if (!SameBytes(hash, Hash("DH-bundle-v1", {file.substr(0, signed_len)}))) {
      out.damaged = true;
      out.damage = "the file was altered: its checksum does not match";
    }
  }
  auto received = Receive(envelopes);
  if (!received) return received.error();
  out.received = std::move(*received);
  if (!out.damaged) {
    const Member* m = s.trust->Find(exporter);
    if (!m || !Verify(m->ed_pk, "DH-bundle-v1" + Bytes(hash), sig)) {
      out.damaged = true;
      out.damage = "the file's signature does not verify for device " + ToHex(exporter);
    }
  }
  return out;
}

}  // namespace dosti::sync
