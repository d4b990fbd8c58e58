// The replicator of one device (node.h; formats and rules in sync/README.md): receiving,
// outgoing and administration. Invites and joining are in invite.cpp, bundle files in
// bundle.cpp. The receiving checks follow research/security-reliability.md §3.3: size and
// layout, workspace, roster, signature, chain, key, decryption, then the core's bounded parser,
// then one transaction.
#include <sodium.h>

#include <algorithm>

#include "dosti/replica.h"
#include "dosti/cancel.h"
#include "dosti/sync/envelope.h"
#include "dosti/sync/protocol.h"
#include "dosti/sync/wire.h"
#include "local_keys.h"
#include "node_state.h"

namespace dosti::sync {
namespace {

std::string Short(std::string_view id) { return ToHex(id).substr(0, 8); }

Received Item(const Envelope& env, Message what) {
  Received r;
  r.kind = env.header.kind;
  r.author = env.header.author;
  r.seq = env.header.seq;
  r.what = std::move(what);
  return r;
}

Received With(Received r, Received::Status status, Message reason = {},
              ErrorCode code = ErrorCode::kOk) {
  r.status = status;
  r.reason = std::move(reason);
  r.code = code;
  return r;
}

Received Refused(Received r, const Error& e) {
  return With(std::move(r), Received::Status::kRejected, MessageOf(e), e.code);
}

}  // namespace

void ReceiveReport::Add(Received r) {
  switch (r.status) {
    case Received::Status::kApplied: ++applied; break;
    case Received::Status::kKnown: ++known; break;
    case Received::Status::kWaiting: ++waiting; break;
    case Received::Status::kStale: ++stale; break;
    case Received::Status::kRejected: ++rejected; break;
  }
  items.push_back(std::move(r));
}

void ReceiveReport::Merge(const ReceiveReport& other) {
  applied += other.applied;
  known += other.known;
  waiting += other.waiting;
  stale += other.stale;
  rejected += other.rejected;
  changes += other.changes;
  items.insert(items.end(), other.items.begin(), other.items.end());
  alarms.insert(alarms.end(), other.alarms.begin(), other.alarms.end());
  held = other.held;
  awaiting_approval = other.awaiting_approval;
  code = other.code;
}

// ---- the state ----------------------------------------------------------------------------

bool Node::State::approved() const {
  const Member* me = trust->Find(device);
  return me && me->status == Status::kActive && keyring.newest() > 0;
}

Message Node::State::What(const Header& h) const {
  Args args{{"device", Short(h.author)}, {"kind", KindName(h.kind)}};
  if (h.kind == Kind::kChanges) args.emplace_back("seq", std::to_string(h.seq));
  const Member* m = trust ? trust->Find(h.author) : nullptr;
  const PendingJoin* p = m || !trust ? nullptr : trust->FindPending(h.author);
  if (m || p) {
    args.emplace_back("role", RoleName(m ? m->role : p->role));
    args.emplace_back("office", OfficeName(m ? m->office : p->office));
  }
  std::string key = h.kind == Kind::kChanges ? "sync.what.changes" : "sync.what.control";
  if (m || p) key += "_of";
  return MakeMessage(key, std::move(args));
}

Result<void> Node::State::Load() {
  auto ws = replica.LocalGet(kSyncSpace, "workspace");
  if (!ws) return ws.error();
  if (!ws->has_value()) return MakeError(ErrorCode::kNotInitialised, "sync.no_identity");
  auto control = replica.LocalList(kControlSpace);
  if (!control) return control.error();
  if (control->empty()) return MakeError(ErrorCode::kDamaged, "sync.roster_missing");
  auto t = Trust::FromGenesis((*control)[0].second);
  if (!t) return t.error();
  trust = std::move(*t);
  // Judged when they arrived: restored without the checks of time.
  for (std::size_t i = 1; i < control->size(); ++i) (void)trust->Restore((*control)[i].second);
  persisted_control = control->size();
  auto info = session.Info();
  if (!info) return info.error();
  if (info->device_id != ToHex(device)) {
    return MakeError(ErrorCode::kUnknownDevice, "sync.keys_of_other_device",
                     {{"keys", ToHex(device)}, {"device", info->device_id}});
  }
  DOSTI_TRY(keyring.Load());
  DOSTI_TRY(logs.Load());
  return waiting.Load();
}

Result<void> Node::State::SaveTrust() {
  std::size_t count = trust->control_count();
  auto saved = session.Atomically([&]() -> Result<void> {
    auto fresh = trust->ControlMessages(persisted_control);
    for (std::size_t i = 0; i < fresh.size(); ++i) {
      DOSTI_TRY(replica.LocalPut(kControlSpace, local::BigEndian(persisted_control + i, 4), fresh[i]));
    }
    return keyring.Learn(*trust, device);
  });
  if (!saved) return saved.error();
  persisted_control = count;
  return {};
}

Result<const Member*> Node::State::RequireAdmin() const {
  const Member* me = trust->Find(device);
  if (!me || me->role != Role::kAdmin || me->status != Status::kActive) {
    return MakeError(ErrorCode::kNotPermitted, "sync.admins_only");
  }
  return me;
}

Result<Bytes> Node::State::ResolveDevice(std::string_view hex, bool pending) const {
  std::string prefix(hex);
  std::transform(prefix.begin(), prefix.end(), prefix.begin(), ::tolower);
  if (prefix.size() < 6) return MakeError(ErrorCode::kInvalid, "sync.device_prefix_short", {}, "device");
  std::vector<Bytes> found;
  for (const Member& m : trust->Members()) {
    if (ToHex(m.id).rfind(prefix, 0) == 0) found.push_back(m.id);
  }
  if (pending) {
    for (const PendingJoin& p : trust->Pending()) {
      if (ToHex(p.id).rfind(prefix, 0) == 0) found.push_back(p.id);
    }
  }
  if (found.empty()) return MakeError(ErrorCode::kNotFound, "sync.no_such_device", {{"device", prefix}});
  if (found.size() > 1) return MakeError(ErrorCode::kAmbiguous, "sync.device_ambiguous", {{"device", prefix}});
  return found[0];
}

// ---- receiving ----------------------------------------------------------------------------

Received Node::State::ReceiveOne(std::string_view bytes, ReceiveReport& report) {
  auto env = ParseEnvelope(bytes);
  if (!env) {
    Received r;
    r.what = MakeMessage("sync.what.unreadable");
    return Refused(std::move(r), env.error());
  }
  const Header& h = env->header;
  if (h.workspace != workspace()) {
    return Refused(Item(*env, What(h)), MakeError(ErrorCode::kWrongWorkspace, "sync.other_workspace",
                                                  {{"workspace", ToHex(h.workspace)}}));
  }
  switch (h.kind) {
    case Kind::kChanges: return ReceiveChanges(*env, report);
    case Kind::kReceipt: return ReceiveReceipt(*env, report);
    default: return ReceiveControl(*env);
  }
}

Received Node::State::ReceiveControl(const Envelope& env) {
  const Header& h = env.header;
  Received item = Item(env, What(h));
  auto outcome = trust->Offer(env.bytes, Now());
  if (!outcome) {
    // A join that came after its invite expired was valid once: not an error of this device.
    if (h.kind == Kind::kJoin && outcome.error().code == ErrorCode::kExpired) {
      return With(std::move(item), Received::Status::kStale, MessageOf(outcome.error()),
                  ErrorCode::kExpired);
    }
    return Refused(std::move(item), outcome.error());
  }
  if (*outcome == Trust::Outcome::kKnown) return With(std::move(item), Received::Status::kKnown);
  if (*outcome == Trust::Outcome::kWaiting) {
    return With(std::move(item), Received::Status::kWaiting, MakeMessage("sync.wait.control"));
  }
  if (auto saved = SaveTrust(); !saved) return Refused(std::move(item), saved.error());
  item.what = What(h);  // the message may have named its own author (a join)
  return With(std::move(item), Received::Status::kApplied);
}

Received Node::State::ReceiveReceipt(const Envelope& env, ReceiveReport& report) {
  const Header& h = env.header;
  Received item = Item(env, What(h));
  // A pending device's receipt says it has nothing yet; its signature is checked with its join.
  if (!trust->Find(h.author) && trust->FindPending(h.author)) {
    return With(std::move(item), Received::Status::kKnown);
  }
  if (auto ok = trust->CheckAuthor(env, Now()); !ok) return Refused(std::move(item), ok.error());
  auto body = DecodeReceipt(env.body());
  if (!body) return Refused(std::move(item), body.error());
  auto have = replica.LocalGet(kReceiptSpace, h.author);
  if (!have) return Refused(std::move(item), have.error());
  if (have->has_value()) {
    auto old = ParseEnvelope(**have);
    auto old_body = old ? DecodeReceipt(old->body()) : Result<ReceiptBody>(old.error());
    if (**have == env.bytes || (old_body && old_body->made_ms > body->made_ms)) {
      return With(std::move(item), Received::Status::kKnown);
    }
  }
  if (auto r = replica.LocalPut(kReceiptSpace, h.author, env.bytes); !r) {
    return Refused(std::move(item), r.error());
  }
  for (const auto& [author, seq] : body->applied) {
    const Member* m = trust->Find(author);
    if (m && m->status == Status::kRevoked && seq > m->cutoff) {
      report.alarms.push_back(
          {ErrorCode::kRevoked,
           MakeMessage("sync.alarm.peer_applied_past_cutoff",
                       {{"peer", Short(h.author)}, {"seq", std::to_string(seq)},
                        {"device", ToHex(author)}, {"cutoff", std::to_string(m->cutoff)}})});
    }
  }
  return With(std::move(item), Received::Status::kApplied);
}

Received Node::State::ReceiveChanges(const Envelope& env, ReceiveReport& report) {
  const Header& h = env.header;
  Received item = Item(env, What(h));
  auto wait = [&](Message why, bool author_known = true) -> Received {
    if (auto kept = waiting.Keep(env, author_known); !kept)
      return Refused(std::move(item), kept.error());
    return With(std::move(item), Received::Status::kWaiting, std::move(why));
  };
  auto quarantine_it = [&](ErrorCode code, Message alarm) -> Received {
    report.alarms.push_back({code, alarm});
    (void)quarantine.Keep(env, alarm);
    (void)waiting.Drop(h.author, h.seq);
    return With(std::move(item), Received::Status::kRejected, std::move(alarm), code);
  };

  // 1. The author: one not in the roster here may be listed by a version still to come.
  if (!trust->Find(h.author)) return wait(MakeMessage("sync.wait.author"), false);
  // 2. The roster's verdict (revoked past its cut-off, expired), then the signature.
  if (auto ok = trust->CheckAuthor(env, Now()); !ok) {
    (void)waiting.Drop(h.author, h.seq);
    return Refused(std::move(item), ok.error());
  }
  // 3. The chain: a replay, equivocation, a gap, or the next one.
  AuthorLogs::Head head = logs.head(h.author);
  if (h.seq <= head.seq) {
    auto stored = logs.Get(h.author, h.seq);
    if (!stored) return Refused(std::move(item), stored.error());
    auto stored_env = stored->has_value() ? ParseEnvelope(**stored) : Result<Envelope>(Error{});
    if (stored_env && stored_env->Id() == env.Id()) {
      (void)waiting.Drop(h.author, h.seq);
      return With(std::move(item), Received::Status::kKnown);
    }
    return quarantine_it(ErrorCode::kEquivocation,
                         MakeMessage("sync.alarm.equivocation", item.what.args));
  }
  if (h.seq > head.seq + 1) {
    return wait(MakeMessage("sync.wait.gap", {{"next", std::to_string(head.seq + 1)}}));
  }
  if (head.seq > 0 && h.prev != head.id) {
    Args args = item.what.args;
    args.emplace_back("head", std::to_string(head.seq));
    return quarantine_it(ErrorCode::kEquivocation, MakeMessage("sync.alarm.fork", std::move(args)));
  }
  // 4. The key of its epoch.
  const Bytes* secret = keyring.Find(h.epoch);
  if (!secret) {
    return wait(MakeMessage(trust->FindPending(device) ? "sync.wait.approval" : "sync.wait.key",
                            {{"epoch", std::to_string(h.epoch)}}));
  }
  // 5. Decryption: a validly signed envelope that does not open is evidence.
  auto changeset = OpenChanges(env, *secret);
  if (!changeset) {
    Args args = item.what.args;
    args.emplace_back("why", changeset.error().message);
    return quarantine_it(changeset.error().code,
                         MakeMessage("sync.alarm.undecryptable", std::move(args)));
  }
  // 6. It must carry its own author's commits: a member must not pass off another's.
  auto carried = ChangesetAuthor(*changeset);
  if (!carried || *carried != ToHex(h.author)) {
    Args args = item.what.args;
    args.emplace_back("other", carried ? *carried : carried.error().message);
    return quarantine_it(ErrorCode::kUnauthentic,
                         MakeMessage(carried ? "sync.alarm.forged_author" : "sync.alarm.malformed",
                                     std::move(args)));
  }
  // 7. One transaction: the core's merge, the envelope in its author's log, the new head.
  ApplyReport applied;
  auto done = session.Atomically([&]() -> Result<void> {
    auto r = replica.ApplyChangeset(*changeset);
    if (!r) return r.error();
    applied = std::move(*r);
    return logs.Append(env);
  });
  if (!done) {
    if (done.error().code == ErrorCode::kInvalid) {
      Args args = item.what.args;
      args.emplace_back("other", done.error().message);
      return quarantine_it(ErrorCode::kDamaged, MakeMessage("sync.alarm.malformed", std::move(args)));
    }
    return Refused(std::move(item), done.error());
  }
  logs.Commit(h.author, h.seq, env.Id());
  (void)waiting.Drop(h.author, h.seq);
  report.changes += applied.changes;
  return With(std::move(item), Received::Status::kApplied);
}

void Node::State::DrainWaiting(ReceiveReport& report) {
  if (waiting.empty()) return;
  // The items of this report that wait, by (author, seq): one that applies now is counted
  // again, as what it became.
  std::map<std::pair<Bytes, uint64_t>, std::size_t> waiting_items;
  for (std::size_t i = 0; i < report.items.size(); ++i) {
    const Received& r = report.items[i];
    if (r.status == Received::Status::kWaiting && r.kind == Kind::kChanges) {
      waiting_items[{r.author, r.seq}] = i;
    }
  }
  for (bool progress = true; progress && !waiting.empty();) {
    progress = false;
    for (const Bytes& author : waiting.Authors()) {
      // Each author's lowest waiting envelope, while it is next (or already applied).
      while (auto seq = waiting.Lowest(author)) {
        if (*seq > logs.head(author).seq + 1) break;
        auto bytes = waiting.Get(author, *seq);
        auto env = bytes && bytes->has_value() ? ParseEnvelope(**bytes) : Result<Envelope>(Error{});
        if (!env) {
          if (!waiting.Drop(author, *seq)) return;
          continue;
        }
        Received r = ReceiveChanges(*env, report);
        if (r.status == Received::Status::kWaiting) break;  // its author or key is still missing
        // Whatever became of it, it leaves the room (a storage error must not loop here).
        if (waiting.Lowest(author) == seq && !waiting.Drop(author, *seq)) return;
        auto it = waiting_items.find({author, *seq});
        if (it != waiting_items.end()) {
          // Counted as waiting when it arrived in this receive: now as what it became.
          --report.waiting;
          switch (r.status) {
            case Received::Status::kApplied: ++report.applied; break;
            case Received::Status::kKnown: ++report.known; break;
            case Received::Status::kStale: ++report.stale; break;
            case Received::Status::kRejected: ++report.rejected; break;
            case Received::Status::kWaiting: break;
          }
          report.items[it->second] = std::move(r);
          waiting_items.erase(it);
        } else if (r.status != Received::Status::kKnown) {
          report.Add(std::move(r));  // it waited from an earlier receive
        }
        progress = true;
      }
    }
  }
}

void Node::State::RevocationAlarms(ReceiveReport& report) {
  for (const auto& [author, head] : logs.heads()) {
    const Member* m = trust->Find(author);
    if (m && m->status == Status::kRevoked && head.seq > m->cutoff) {
      report.alarms.push_back(
          {ErrorCode::kRevoked,
           MakeMessage("sync.alarm.applied_past_cutoff",
                       {{"from", std::to_string(m->cutoff + 1)}, {"to", std::to_string(head.seq)},
                        {"device", ToHex(author)}})});
    }
  }
}

// ---- the node -----------------------------------------------------------------------------

Node::Node(std::unique_ptr<State> state) : s_(std::move(state)) {}
Node::~Node() = default;

const Trust& Node::trust() const { return *s_->trust; }
Bytes Node::device() const { return s_->device; }
bool Node::approved() const { return s_->approved(); }
bool Node::pending() const { return s_->trust->FindPending(s_->device) != nullptr; }
uint32_t Node::epoch() const { return s_->keyring.newest(); }

std::string Node::verification_code() const {
  const PendingJoin* p = s_->trust->FindPending(s_->device);
  return p ? p->code : std::string();
}

DeviceView Node::Self() {
  for (DeviceView& d : Devices()) {
    if (d.self) return d;
  }
  DeviceView v;
  v.id = ToHex(s_->device);
  v.self = true;
  v.status = "unknown";
  return v;
}

Result<std::unique_ptr<Node>> Node::Create(Session& session, DeviceKeys keys,
                                           std::string_view office,
                                           std::string_view workspace_name, Clock* clock) {
  DOSTI_TRY(InitCrypto());
  auto office_code = ParseOffice(office);
  if (!office_code) return MakeError(ErrorCode::kInvalid, "sync.bad_office", {}, "office");
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
                    {{s.device, SealTo(s.keys.box.pk, EpochSecretMessage(secret, 1, ws))}}, {}, {}};
    auto offered = s.trust->Offer(
        SignControl(Kind::kEpoch, ws, s.device, s.keys.sign.sk, EncodeEpoch(epoch)), s.Now());
    sodium_memzero(secret.data(), secret.size());
    if (!offered) return offered.error();
    DOSTI_TRY(s.replica.LocalPut(kSyncSpace, "workspace", ws));
    return s.SaveTrust();  // nests: part of this transaction
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
    v.self = m.id == s_->device;
    v.applied = s_->logs.head(m.id).seq;
    out.push_back(std::move(v));
  }
  for (const PendingJoin& p : s_->trust->Pending()) {
    DeviceView v;
    v.id = ToHex(p.id);
    v.role = RoleName(p.role);
    v.office = OfficeName(p.office);
    v.status = "pending";
    v.code = p.code;
    v.expires_ms = p.expires_ms;
    v.self = p.id == s_->device;
    out.push_back(std::move(v));
  }
  return out;
}

Result<std::vector<Node::Quarantined>> Node::Quarantine() {
  auto all = s_->quarantine.List();
  if (!all) return all.error();
  std::vector<Quarantined> out;
  for (auto& e : *all) out.push_back({std::move(e.id), std::move(e.reason)});
  return out;
}

std::optional<std::string> Node::RelayUrl() {
  auto v = s_->replica.LocalGet(kSyncSpace, "relay");
  if (!v || !v->has_value()) return std::nullopt;
  return **v;
}

Result<void> Node::SetRelayUrl(std::string_view url) {
  return s_->replica.LocalPut(kSyncSpace, "relay", url);
}

// "relay_cursor": u32 length ‖ the relay's URL ‖ u64 control_after ‖ u64 control_sent (LE).
Node::RelayCursor Node::relay_cursor(std::string_view url) {
  auto v = s_->replica.LocalGet(kSyncSpace, "relay_cursor");
  if (!v || !v->has_value()) return {};
  Reader r(**v);
  std::string_view stored = r.Sized(4096);
  RelayCursor c;
  c.control_after = r.U64();
  c.control_sent = r.U64();
  if (!r.done() || stored != url) return {};
  return c;
}

Result<void> Node::SetRelayCursor(std::string_view url, const RelayCursor& c) {
  Writer w;
  w.Sized(url).U64(c.control_after).U64(c.control_sent);
  return s_->replica.LocalPut(kSyncSpace, "relay_cursor", w.bytes());
}

// "synced": u64 BE the last own core commit a relay holds (sealed in envelopes it took) ‖
// u64 BE the time the last round ended well.
Result<Node::SyncStatus> Node::Status() {
  State& s = *s_;
  auto frontier = s.replica.GetFrontier();
  if (!frontier) return frontier.error();
  auto synced = s.replica.LocalGet(kSyncSpace, "synced");
  if (!synced) return synced.error();
  SyncStatus out;
  uint64_t held = 0;
  if (synced->has_value() && (*synced)->size() == 16) {
    held = local::ReadBigEndian(std::string_view(**synced).substr(0, 8));
    out.last_synced_ms =
        static_cast<int64_t>(local::ReadBigEndian(std::string_view(**synced).substr(8)));
  }
  auto own = frontier->find(ToHex(s.device));
  int64_t made = own == frontier->end() ? 0 : own->second;
  out.pending_changes = std::max<int64_t>(0, made - static_cast<int64_t>(held));
  return out;
}

Result<void> Node::NoteSynced(bool relay_has_all) {
  State& s = *s_;
  uint64_t held = 0;
  auto before = s.replica.LocalGet(kSyncSpace, "synced");
  if (!before) return before.error();
  if (before->has_value() && (*before)->size() == 16) {
    held = local::ReadBigEndian(std::string_view(**before).substr(0, 8));
  }
  if (relay_has_all) {
    auto out = s.replica.LocalGet(kSyncSpace, "out_commit");
    if (!out) return out.error();
    if (out->has_value()) held = std::max(held, local::ReadBigEndian(**out));
  }
  return s.replica.LocalPut(
      kSyncSpace, "synced",
      local::BigEndian(held, 8) + local::BigEndian(static_cast<uint64_t>(s.Now()), 8));
}

int64_t Node::now_ms() const { return s_->Now(); }

void Node::Interrupt() { s_->session.Interrupt(); }

// ---- administration -----------------------------------------------------------------------

Result<void> Node::Approve(std::string_view device, std::string_view code) {
  State& s = *s_;
  DOSTI_TRY(s.RequireAdmin().map([](auto) {}));
  auto id = s.ResolveDevice(device, /*pending=*/true);
  if (!id) return id.error();
  const PendingJoin* p = s.trust->FindPending(*id);
  if (!p) {
    return MakeError(ErrorCode::kInvalid, "sync.approve_not_pending", {{"device", ToHex(*id)}});
  }
  auto typed = NormaliseCode(code);
  if (!typed || !SameBytes(*typed, p->code)) {
    return MakeError(ErrorCode::kInvalid, "sync.approve_wrong_code", {{"device", ToHex(*id)}}, "code");
  }
  uint32_t e = s.keyring.newest();
  const Bytes* secret = s.keyring.Find(e);
  if (!secret) return MakeError(ErrorCode::kInternal, "sync.admin_without_secret");
  PendingJoin joined = *p;
  auto approved = s.session.Atomically([&]() -> Result<void> {
    RosterBody next = s.trust->NextRoster(s.Now());
    next.members.push_back(joined.AsMember(Status::kActive));
    auto listed = s.trust->Offer(SignControl(Kind::kRoster, s.workspace(), s.device,
                                             s.keys.sign.sk, EncodeRoster(next)), s.Now());
    if (!listed) return listed.error();
    GrantBody grant{joined.id, e, SealTo(joined.x_pk, EpochSecretMessage(*secret, e, s.workspace()))};
    auto granted = s.trust->Offer(SignControl(Kind::kGrant, s.workspace(), s.device,
                                              s.keys.sign.sk, EncodeGrant(grant)), s.Now());
    if (!granted) return granted.error();
    return s.SaveTrust();
  });
  if (!approved) {
    // The trust folded what the failed transaction did not keep: back to what is stored.
    (void)s.Load();
    return approved.error();
  }
  return {};
}

Result<bool> Node::Revoke(std::string_view device, std::optional<uint64_t> cutoff) {
  State& s = *s_;
  DOSTI_TRY(s.RequireAdmin().map([](auto) {}));
  auto id = s.ResolveDevice(device, /*pending=*/true);
  if (!id) return id.error();
  if (*id == s.device) return MakeError(ErrorCode::kInvalid, "sync.revoke_self");
  auto issue = [&](const std::function<void(RosterBody&)>& edit,
                   bool new_epoch) -> Result<void> {
    return s.session.Atomically([&]() -> Result<void> {
      RosterBody next = s.trust->NextRoster(s.Now());
      edit(next);
      auto ok = s.trust->Offer(SignControl(Kind::kRoster, s.workspace(), s.device, s.keys.sign.sk,
                                           EncodeRoster(next)), s.Now());
      if (!ok) return ok.error();
      if (new_epoch) {
        // A new epoch for everyone still active (research §3.5): its secret sealed to each,
        // the previous secret encrypted under the new one so history stays readable.
        uint32_t current = s.keyring.newest();
        const Bytes* previous = s.keyring.Find(current);
        if (!previous) return MakeError(ErrorCode::kInternal, "sync.admin_without_secret");
        uint32_t e = std::max(current, s.trust->epochs().empty()
                                           ? 0u
                                           : s.trust->epochs().rbegin()->first) + 1;
        Bytes secret = RandomBytes(32);
        EpochBody body;
        body.epoch = e;
        body.roster = s.trust->roster_id();
        for (const Member& m : s.trust->Members()) {
          if (m.status != Status::kActive) continue;
          body.sealed.emplace_back(m.id, SealTo(m.x_pk, EpochSecretMessage(secret, e, s.workspace())));
        }
        body.prev_nonce = RandomBytes(kNonceBytes);
        body.prev_secret = Encrypt(PreviousEpochKey(secret), body.prev_nonce,
                                   PreviousSecretAd(s.workspace(), e - 1, e), *previous);
        auto added = s.trust->Offer(SignControl(Kind::kEpoch, s.workspace(), s.device,
                                                s.keys.sign.sk, EncodeEpoch(body)), s.Now());
        if (added) DOSTI_TRY(s.keyring.Add(e, secret));
        sodium_memzero(secret.data(), secret.size());
        if (!added) return added.error();
      }
      return s.SaveTrust();
    });
  };
  auto reload_on_error = [&](Result<void> r) -> Result<void> {
    if (!r) (void)s.Load();
    return r;
  };

  if (const PendingJoin* p = s.trust->FindPending(*id)) {
    // Refused for good: listed as revoked, so no later join of these keys can be approved.
    PendingJoin refused = *p;
    DOSTI_TRY(reload_on_error(issue(
        [&](RosterBody& next) {
          next.members.push_back(refused.AsMember(Status::kRevoked));
        },
        false)));
    return false;
  }
  const Member* target = s.trust->Find(*id);
  if (target->status == Status::kRevoked) {
    // Already revoked: only a higher cut-off is news (a roster version, no new epoch).
    if (!cutoff || *cutoff <= target->cutoff) {
      return MakeError(ErrorCode::kInvalid, "sync.already_revoked",
                       {{"device", ToHex(*id)}, {"cutoff", std::to_string(target->cutoff)}});
    }
    DOSTI_TRY(reload_on_error(issue(
        [&](RosterBody& next) {
          for (Member& m : next.members) {
            if (m.id == *id) m.cutoff = *cutoff;
          }
        },
        false)));
    return false;
  }
  uint64_t seen = s.logs.head(*id).seq;
  DOSTI_TRY(reload_on_error(issue(
      [&](RosterBody& next) {
        for (Member& m : next.members) {
          if (m.id != *id) continue;
          m.status = Status::kRevoked;
          m.cutoff = cutoff.value_or(seen);
        }
      },
      true)));
  return true;
}

// ---- outgoing -----------------------------------------------------------------------------

Result<int64_t> Node::SealOutgoing() {
  State& s = *s_;
  if (!s.approved()) {
    const Member* me = s.trust->Find(s.device);
    if (me && me->status == Status::kRevoked) {
      return MakeError(ErrorCode::kRevoked, "sync.this_device_revoked");
    }
    return 0;  // pending: the commits wait for the epoch secret
  }
  std::string me = ToHex(s.device);
  auto frontier = s.replica.GetFrontier();
  if (!frontier) return frontier.error();
  auto out = s.replica.LocalGet(kSyncSpace, "out_commit");
  if (!out) return out.error();
  uint64_t sealed_up_to = out->has_value() ? local::ReadBigEndian(**out) : 0;
  int64_t own = frontier->count(me) ? frontier->at(me) : 0;
  if (own <= static_cast<int64_t>(sealed_up_to)) return 0;
  uint32_t e = s.keyring.newest();
  const Bytes& secret = *s.keyring.Find(e);
  dosti::Frontier peer = *frontier;
  peer[me] = static_cast<int64_t>(sealed_up_to);
  auto changesets = s.replica.ChangesetsFor(peer);
  if (!changesets) return changesets.error();
  AuthorLogs::Head head = s.logs.head(s.device);
  int64_t made = 0;
  auto sealed = s.session.Atomically([&]() -> Result<void> {
    for (const std::string& cs : *changesets) {
      Bytes env = SealChanges(s.workspace(), e, secret, s.device, s.keys.sign.sk, head.seq + 1,
                              head.id, cs);
      auto parsed = ParseEnvelope(env);
      if (!parsed) return parsed.error();
      DOSTI_TRY(s.logs.Append(*parsed));
      head = {head.seq + 1, parsed->Id()};
      ++made;
    }
    return s.replica.LocalPut(kSyncSpace, "out_commit", local::BigEndian(static_cast<uint64_t>(own), 8));
  });
  if (!sealed) return sealed.error();
  s.logs.Commit(s.device, head.seq, head.id);
  return made;
}

EnvelopeFrontier Node::Frontier() {
  EnvelopeFrontier f;
  for (const auto& [author, head] : s_->logs.heads()) f[author] = head.seq;
  return f;
}

Result<std::vector<Node::Outgoing>> Node::ChangesAfter(const EnvelopeFrontier& peer,
                                                       std::size_t max_bytes) {
  std::vector<Outgoing> out;
  std::size_t bytes = 0;
  bool full = false;
  for (const auto& [author, head] : s_->logs.heads()) {
    if (full) break;
    auto p = peer.find(author);
    uint64_t from = p == peer.end() ? 0 : p->second;
    // A revoked author's envelopes past its cut-off are not forwarded: the others refuse them.
    const Member* m = s_->trust->Find(author);
    uint64_t last = m && m->status == Status::kRevoked ? std::min(head.seq, m->cutoff) : head.seq;
    if (from >= last) continue;
    uint64_t seq = from;
    const Bytes& who = author;  // (clang 14 cannot capture a structured binding)
    DOSTI_TRY(s_->logs.Scan(who, from, last, [&](Bytes&& env) {
      if (!out.empty() && bytes + env.size() > max_bytes) {
        full = true;
        return false;
      }
      bytes += env.size();
      out.push_back({who, ++seq, std::move(env)});
      return true;
    }));
  }
  return out;
}

std::vector<Bytes> Node::ControlMessages(std::size_t from) const {
  return s_->trust->ControlMessages(from);
}

Bytes Node::MakeReceipt() {
  ReceiptBody body{s_->Now(), Frontier()};
  return SignControl(Kind::kReceipt, s_->workspace(), s_->device, s_->keys.sign.sk,
                     EncodeReceipt(body));
}

Bytes Node::SignRelayAuth(std::string_view relay_id, std::string_view nonce,
                          int64_t time_ms) const {
  return Sign(s_->keys.sign.sk, RelayAuthMessage(relay_id, s_->workspace(), nonce, time_ms));
}

// ---- incoming -----------------------------------------------------------------------------

Result<ReceiveReport> Node::Receive(const std::vector<std::string_view>& envelopes,
                                    const Progress& progress) {
  State& s = *s_;
  Cancellation::Watch cancelled(s.session.cancellation());
  ReceiveReport report;
  bool roster_changed = false;
  uint32_t version = s.trust->roster_version();
  const auto total = static_cast<int64_t>(envelopes.size());
  for (std::size_t i = 0; i < envelopes.size(); ++i) {
    if (cancelled.Cancelled()) {
      return MakeError(ErrorCode::kCancelled, "sync.receive_cancelled",
                       {{"done", std::to_string(i)}, {"total", std::to_string(total)}});
    }
    report.Add(s.ReceiveOne(envelopes[i], report));
    if (progress && (i % 16 == 15 || i + 1 == envelopes.size())) {
      progress(static_cast<int64_t>(i + 1), total, "receiving");
    }
  }
  s.DrainWaiting(report);
  roster_changed = s.trust->roster_version() != version;
  if (roster_changed) s.RevocationAlarms(report);
  if (report.changes > 0 || report.applied > 0) {
    auto held = s.session.ListHeld();
    if (!held) return held.error();
    report.held = std::move(*held);
  }
  report.awaiting_approval = pending();
  report.code = verification_code();
  return report;
}

}  // namespace dosti::sync
