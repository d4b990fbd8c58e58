#include "relay.h"

#include <algorithm>
#include <iostream>
#include <optional>
#include <set>
#include <utility>

#include "dosti/sync/crypto.h"
#include "dosti/sync/wire.h"
#include "store.h"

namespace dosti::relay {

namespace sync = dosti::sync;

struct Relay::Workspace {
  std::optional<sync::Trust> trust;
  std::set<Bytes> control_ids;         // ids of the stored control messages
  std::set<Bytes> control_authors;     // their authors
  std::size_t stored_folded = 0;       // trust->control_count() when the store last caught up
  std::map<Bytes, Store::Head> heads;  // author → highest committed seq
  // Judged and queued for a group commit, not committed yet: the highest seq per author, and
  // every such envelope's id. Pushes judge chains against these first; pulls and frontiers
  // see committed heads only.
  std::map<Bytes, Store::Head> pending;
  std::map<std::pair<Bytes, uint64_t>, Bytes> pending_ids;
  // Evidence ids judged and queued, not committed yet, per (author, seq).
  std::map<std::pair<Bytes, uint64_t>, std::vector<Bytes>> pending_evidence;
  std::map<Bytes, uint64_t> usage;     // uploader → stored bytes (queued ones included)
};

struct Relay::Queued {
  Store::Batch batch;
  std::map<Bytes, Store::Head> heads;  // this batch's new heads
  int64_t now = 0;
  bool done = false;
  Result<void> result;
};

namespace {

std::string Hex(std::string_view b) { return sync::ToHex(b); }

std::string HumanBytes(uint64_t n) {
  if (n >= (uint64_t{1} << 30) && n % (uint64_t{1} << 30) == 0)
    return std::to_string(n >> 30) + " GiB";
  if (n >= (uint64_t{1} << 20)) return std::to_string(n >> 20) + " MiB";
  return std::to_string(n) + " bytes";
}

Error NoWorkspace(const Bytes& ws) {
  return MakeError(ErrorCode::kNotFound, "relay.no_workspace", {{"workspace", Hex(ws)}});
}

}  // namespace

Bytes AuthMessage(std::string_view relay_id, std::string_view workspace, std::string_view nonce,
                  int64_t time_ms) {
  sync::Writer w;
  w.Raw("DH-relay-auth-v1").Raw(relay_id).Raw(workspace).Raw(nonce).I64(time_ms);
  return w.Take();
}

Relay::~Relay() = default;

Result<std::unique_ptr<Relay>> Relay::Open(const std::string& dir, RelayOptions options) {
  DOSTI_TRY(sync::InitCrypto());
  if (!options.random) options.random = [](std::size_t n) { return sync::RandomBytes(n); };
  std::unique_ptr<Relay> r(new Relay());
  r->clock_ = options.clock ? options.clock : &SystemClock();
  r->options_ = std::move(options);
  auto store = Store::Open(dir, r->options_.random(16));
  if (!store) return store.error();
  r->store_ = std::move(*store);
  auto all = r->store_->Workspaces();
  if (!all) return all.error();
  for (const Bytes& ws : *all) DOSTI_TRY(r->Load(ws));
  return r;
}

const Bytes& Relay::relay_id() const { return store_->relay_id(); }

bool Relay::HasWorkspace(const Bytes& ws) {
  std::lock_guard<std::mutex> lock(mu_);
  return workspaces_.count(ws) > 0;
}

// (Re)builds one workspace's state from the store: the Trust from its control messages in
// index order, the heads and the usage. Called on start and after a failed commit.
Result<void> Relay::Load(const Bytes& ws) {
  auto msgs = store_->Control(ws);
  if (!msgs) return msgs.error();
  if (msgs->empty()) return MakeError(ErrorCode::kStorage, "relay.store_no_genesis", {{"workspace", Hex(ws)}});
  auto trust = sync::Trust::FromGenesis((*msgs)[0]);
  if (!trust)
    return MakeError(ErrorCode::kStorage, "relay.store_genesis_refused",
                     {{"workspace", Hex(ws)}, {"why", trust.error().message}});
  auto w = std::make_unique<Workspace>();
  w->trust.emplace(std::move(*trust));
  w->trust->set_park(false);  // clients post in folding order: nothing waits at the relay
  for (std::size_t i = 0; i < msgs->size(); ++i) {
    const Bytes& m = (*msgs)[i];
    if (i > 0) {
      auto outcome = w->trust->Restore(m);
      if (!outcome)
        std::cerr << "dosti-relay: workspace " << Hex(ws) << ": stored control message " << i + 1
                  << " refused on reload: " << outcome.error().message << "\n";
    }
    auto env = sync::ParseEnvelope(m);
    if (env) {
      w->control_ids.insert(env->Id());
      w->control_authors.insert(env->header.author);
    }
  }
  // Everything the Trust folded came from the store (a stored message it now refuses stays
  // stored, and counts as known by its id).
  w->stored_folded = w->trust->control_count();
  auto heads = store_->Heads(ws);
  if (!heads) return heads.error();
  w->heads = std::move(*heads);
  auto usage = store_->Usage(ws);
  if (!usage) return usage.error();
  w->usage = std::move(*usage);
  workspaces_[ws] = std::move(w);
  return {};
}

Result<Relay::Workspace*> Relay::Find(const Bytes& ws) {
  auto it = workspaces_.find(ws);
  if (it == workspaces_.end()) return NoWorkspace(ws);
  return it->second.get();
}

Result<std::pair<Bytes, bool>> Relay::Register(std::string_view genesis) {
  auto trust = sync::Trust::FromGenesis(genesis);
  if (!trust) return trust.error();
  Bytes ws = trust->workspace();
  std::lock_guard<std::mutex> lock(mu_);
  if (workspaces_.count(ws)) return std::make_pair(ws, false);
  auto added = store_->AddWorkspace(ws, genesis, Now());
  if (!added) return added.error();
  DOSTI_TRY(Load(ws));
  return std::make_pair(ws, *added);
}

Result<ControlOutcome> Relay::PostControl(const Bytes& ws,
                                          const std::vector<std::string_view>& msgs) {
  // Phase 1, outside the lock: each message's layout (ParseEnvelope reads its header only).
  struct Checked {
    std::optional<sync::Envelope> env;
    std::string refused;
  };
  std::vector<Checked> checked(msgs.size());
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    auto env = sync::ParseEnvelope(msgs[i]);
    if (!env) {
      checked[i].refused = env.error().message;
      continue;
    }
    const sync::Header& h = env->header;
    if (h.workspace != ws) {
      checked[i].refused = "it belongs to workspace " + Hex(h.workspace) + ", not " + Hex(ws);
    } else if (h.kind == sync::Kind::kChanges || h.kind == sync::Kind::kReceipt) {
      checked[i].refused = std::string("a ") + sync::KindName(h.kind) +
                           " envelope is not a control message (changes go to /push)";
    } else {
      checked[i].env = std::move(*env);
    }
  }
  // An epoch, roster or invite whose author is neither in the roster nor the author of a
  // stored control message cannot be known here, and CheckSigner refuses it by a lookup, before
  // anything is hashed: a stranger's megabytes are never even hashed. (Joins are exempt: their
  // author is new by nature, and a join is 328 bytes.)
  auto stranger = [](const Workspace& w, const sync::Envelope& env) {
    const sync::Header& h = env.header;
    return h.kind != sync::Kind::kJoin && !w.trust->Find(h.author) &&
           !w.control_authors.count(h.author);
  };
  // Phase 2, under the lock, lookups only: which messages are worth hashing.
  std::vector<bool> hash(msgs.size(), false);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto found = Find(ws);  // workspaces are never removed: the answer holds after unlocking
    if (!found) return found.error();
    for (std::size_t i = 0; i < msgs.size(); ++i)
      hash[i] = checked[i].env && !stranger(**found, *checked[i].env);
  }
  // Phase 3, outside the lock: their ids (a hash of each message's bytes), cached in the
  // envelope. Others are hashed in phase 4 if a roster version earlier in the same request has
  // made their author an admin by then.
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    if (hash[i]) checked[i].env->Id();
  }

  // Phase 4, under the lock, in the order given: strangers, known, signer, then the body.
  std::lock_guard<std::mutex> lock(mu_);
  auto found = Find(ws);
  if (!found) return found.error();
  Workspace* w = *found;
  sync::Trust& trust = *w->trust;
  ControlOutcome out;
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    const Checked& c = checked[i];
    if (!c.env) {
      out.rejected.push_back({i, c.refused});
      continue;
    }
    // The signer before the body: a stranger's message costs a lookup (others at most a
    // signature check) under the lock, and is never decoded, stored or parked.
    if (!stranger(*w, *c.env) && w->control_ids.count(c.env->Id())) {
      ++out.known;
      continue;
    }
    auto signer = trust.CheckSigner(*c.env);
    if (!signer) {
      out.rejected.push_back({i, signer.error().message});
      continue;
    }
    if (trust.waiting_count() >= kMaxParkedMessages ||
        trust.waiting_bytes() + msgs[i].size() > kMaxParkedBytes) {
      out.rejected.push_back(
          {i, MakeError(ErrorCode::kTooLarge, "relay.parked_full",
                        {{"workspace", Hex(ws)}, {"limit", std::to_string(kMaxParkedMessages)}})
                  .message});
      continue;
    }
    auto outcome = trust.Offer(msgs[i], Now());
    if (!outcome) {
      out.rejected.push_back({i, outcome.error().message});
      continue;
    }
    switch (*outcome) {
      case sync::Trust::Outcome::kAdded: ++out.added; break;
      case sync::Trust::Outcome::kKnown: ++out.known; break;
      case sync::Trust::Outcome::kWaiting: ++out.waiting; break;
    }
  }
  // Store what the Trust folded since the store last caught up, in folding order: the tail of
  // its folding order, so this costs the new messages only, not the whole history.
  std::vector<Bytes> fresh = trust.ControlMessages(w->stored_folded);
  if (fresh.empty()) return out;
  auto stored = store_->AppendControl(ws, fresh, Now());
  if (!stored) {
    (void)Load(ws);  // back to what is on disk
    return stored.error();
  }
  for (const Bytes& m : fresh) {
    auto env = sync::ParseEnvelope(m);
    if (env) {
      w->control_ids.insert(env->Id());
      w->control_authors.insert(env->header.author);
    }
  }
  w->stored_folded = trust.control_count();
  return out;
}

Result<std::vector<Bytes>> Relay::ControlAfter(const Bytes& ws, uint64_t after,
                                               std::size_t max_bytes, uint64_t* next,
                                               bool* more) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto found = Find(ws);
    if (!found) return found.error();
  }
  return store_->ControlAfter(ws, after, max_bytes, next, more);  // a read connection
}

void Relay::DropNonce(const Bytes& nonce) {
  auto it = nonces_.find(nonce);
  if (it == nonces_.end()) return;
  const Pending& p = it->second;
  auto device = nonces_per_device_.find({p.ws, p.device});
  if (device != nonces_per_device_.end() && --device->second == 0) nonces_per_device_.erase(device);
  auto client = nonces_per_client_.find(p.client);
  if (client != nonces_per_client_.end() && --client->second == 0) nonces_per_client_.erase(client);
  auto pair = nonces_per_pair_.find(PairKey{p.ws, p.device, p.client});
  if (pair != nonces_per_pair_.end()) {
    auto& q = pair->second;
    q.erase(std::remove(q.begin(), q.end(), nonce), q.end());
    if (q.empty()) nonces_per_pair_.erase(pair);
  }
  nonce_expiry_.erase(p.by_expiry);
  nonces_.erase(it);
}

void Relay::DropExpiredNonces(int64_t now) {
  while (!nonce_expiry_.empty() && nonce_expiry_.begin()->first < now)
    DropNonce(Bytes(nonce_expiry_.begin()->second));
}

Result<Challenge> Relay::MakeChallenge(const Bytes& ws, const Bytes& device,
                                       std::string_view client) {
  std::lock_guard<std::mutex> lock(mu_);
  auto found = Find(ws);
  if (!found) return found.error();
  if (device.size() != sync::kIdBytes)
    return MakeError(ErrorCode::kDamaged, "relay.bad_device_id");
  int64_t now = Now();
  // Members (and pending devices) only: a stranger's challenge would be a slot of memory for
  // nothing.
  bool pending = false;
  auto key = SignInKey(*found, device, now, &pending);
  if (!key) return key.error();
  DropExpiredNonces(now);
  Args retry{{"retry_s", std::to_string((options_.nonce_ttl_ms + 999) / 1000)}};
  // This device from this address: its own oldest makes room (a client retrying never locks
  // itself out; nobody else's pending challenge is ever dropped).
  PairKey pair{ws, device, std::string(client)};
  if (auto mine = nonces_per_pair_.find(pair);
      mine != nonces_per_pair_.end() &&
      mine->second.size() >= options_.max_challenges_per_device_address)
    DropNonce(Bytes(mine->second.front()));
  auto count = [](const auto& map, const auto& key) -> std::size_t {
    auto it = map.find(key);
    return it == map.end() ? 0 : it->second;
  };
  if (count(nonces_per_client_, std::get<2>(pair)) >= options_.max_challenges_per_address) {
    retry.emplace_back("limit", std::to_string(options_.max_challenges_per_address));
    return MakeError(ErrorCode::kTooLarge, "relay.busy.address", std::move(retry));
  }
  if (count(nonces_per_device_, std::make_pair(ws, device)) >= options_.max_challenges_per_device) {
    retry.emplace_back("device", Hex(device));
    return MakeError(ErrorCode::kTooLarge, "relay.busy.device", std::move(retry));
  }
  if (nonces_.size() >= options_.max_pending_nonces)
    return MakeError(ErrorCode::kTooLarge, "relay.busy.relay", std::move(retry));
  Challenge c{store_->relay_id(), options_.random(32), now + options_.nonce_ttl_ms};
  Pending p{ws, device, std::string(client), c.expires_ms, {}};
  p.by_expiry = nonce_expiry_.emplace(c.expires_ms, c.nonce);
  nonces_[c.nonce] = std::move(p);
  ++nonces_per_device_[{ws, device}];
  ++nonces_per_client_[std::string(client)];
  nonces_per_pair_[pair].push_back(c.nonce);
  return c;
}

std::size_t Relay::PendingChallenges() {
  std::lock_guard<std::mutex> lock(mu_);
  return nonces_.size();
}

Result<Bytes> Relay::SignInKey(Workspace* w, const Bytes& device, int64_t now, bool* pending) {
  *pending = false;
  auto member = w->trust->CheckActive(device, now);
  if (member) return (*member)->ed_pk;
  if (!w->trust->Find(device)) {
    if (const sync::PendingJoin* p = w->trust->FindPending(device);
        p && (p->expires_ms == 0 || now <= p->expires_ms)) {
      *pending = true;
      return p->ed_pk;
    }
  }
  return member.error();
}

Result<Session> Relay::SignIn(const Bytes& ws, const Bytes& device, const Bytes& nonce,
                              int64_t time_ms, const Bytes& signature) {
  std::lock_guard<std::mutex> lock(mu_);
  auto found = Find(ws);
  if (!found) return found.error();
  Workspace* w = *found;
  auto it = nonces_.find(nonce);
  if (it == nonces_.end())
    return MakeError(ErrorCode::kUnauthentic, "relay.nonce_unknown");
  Pending p = it->second;
  DropNonce(nonce);  // single use, whatever follows
  int64_t now = Now();
  if (p.ws != ws || p.device != device)
    return MakeError(ErrorCode::kUnauthentic, "relay.nonce_other");
  if (now > p.expires_ms)
    return MakeError(ErrorCode::kExpired, "relay.nonce_expired",
                     {{"seconds", std::to_string(options_.nonce_ttl_ms / 1000)}});
  bool pending = false;
  auto key = SignInKey(w, device, now, &pending);
  if (!key) return key.error();
  if (!sync::Verify(*key, AuthMessage(store_->relay_id(), ws, nonce, time_ms), signature))
    return MakeError(ErrorCode::kUnauthentic, "relay.sign_in_signature",
                     {{"device", Hex(device)}, {"version", std::to_string(w->trust->roster_version())}});
  if (tokens_.size() > 4 * options_.max_pending_nonces) {
    for (auto t = tokens_.begin(); t != tokens_.end();)
      t = t->second.expires_ms < now ? tokens_.erase(t) : std::next(t);
  }
  Session s{options_.random(32), now + options_.session_ttl_ms};
  Bytes hash = sync::Hash("DH-relay-token-v1", {s.token});
  tokens_[hash] = Token{ws, device, s.expires_ms};
  // A device holds a few sessions at once (a client per window or thread); signing in over
  // and over ends its oldest, so tokens_ cannot grow with sign-ins.
  std::deque<Bytes>& mine = tokens_per_device_[{ws, device}];
  mine.push_back(hash);
  while (mine.size() > kMaxSessionsPerDevice) {
    tokens_.erase(mine.front());
    mine.pop_front();
  }
  return s;
}

Result<Bytes> Relay::Authenticate(const Bytes& ws, std::string_view token, bool* pending) {
  std::lock_guard<std::mutex> lock(mu_);
  auto found = Find(ws);
  if (!found) return found.error();
  auto it = tokens_.find(sync::Hash("DH-relay-token-v1", {token}));
  if (it == tokens_.end() || it->second.ws != ws)
    return MakeError(ErrorCode::kUnauthentic, "relay.token_unknown");
  int64_t now = Now();
  if (now > it->second.expires_ms) {
    tokens_.erase(it);
    return MakeError(ErrorCode::kExpired, "relay.token_expired");
  }
  Bytes device = it->second.device;
  bool waiting = false;
  auto key = SignInKey(*found, device, now, &waiting);
  if (!key) {
    tokens_.erase(it);
    return key.error();
  }
  if (pending) *pending = waiting;
  return device;
}

Result<sync::EnvelopeFrontier> Relay::GetFrontier(const Bytes& ws) {
  std::lock_guard<std::mutex> lock(mu_);
  auto found = Find(ws);
  if (!found) return found.error();
  sync::EnvelopeFrontier f;
  for (const auto& [author, head] : (*found)->heads) f[author] = head.seq;
  return f;
}

Result<PushOutcome> Relay::Push(const Bytes& ws, const Bytes& uploader,
                                const std::vector<std::string_view>& envelopes) {
  const std::size_t n = envelopes.size();
  std::vector<std::optional<sync::Envelope>> envs(n);
  std::vector<std::string> refused(n);
  // Phase 1, outside the lock: layout, workspace, kind, and the id (one hash of every byte).
  for (std::size_t i = 0; i < n; ++i) {
    auto env = sync::ParseEnvelope(envelopes[i]);
    if (!env) {
      refused[i] = env.error().message;
      continue;
    }
    const sync::Header& h = env->header;
    if (h.workspace != ws) {
      refused[i] = "it belongs to workspace " + Hex(h.workspace) + ", not " + Hex(ws);
    } else if (h.kind != sync::Kind::kChanges) {
      refused[i] = std::string("a ") + sync::KindName(h.kind) +
                   " envelope does not belong in a push (control messages go to /control)";
    } else {
      env->Id();
      envs[i] = std::move(*env);
    }
  }
  // Phase 2, under the lock: the roster's verdict (lookups), and the key to check with.
  std::vector<Bytes> keys(n);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto found = Find(ws);
    if (!found) return found.error();
    int64_t now = Now();
    for (std::size_t i = 0; i < n; ++i) {
      if (!envs[i]) continue;
      auto standing = (*found)->trust->CheckAuthorStanding(*envs[i], now);
      if (!standing) {
        refused[i] = standing.error().message;
        envs[i].reset();
      } else {
        keys[i] = (*standing)->ed_pk;
      }
    }
  }
  // Phase 3, outside the lock: the signatures (~60 µs each), in parallel with other pushes.
  for (std::size_t i = 0; i < n; ++i) {
    if (!envs[i]) continue;
    if (auto ok = sync::CheckSignature(*envs[i], keys[i]); !ok) {
      refused[i] = ok.error().message;
      envs[i].reset();
    }
  }
  // Phase 4, under the lock: the roster again (it may have moved since phase 2), the chains
  // against committed and queued envelopes, the quota; then queued for the group commit.
  PushOutcome out;
  Queued q;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto found = Find(ws);
    if (!found) return found.error();
    Workspace* w = *found;
    int64_t now = Now();
    q.now = now;
    q.batch.ws = ws;
    q.batch.uploader = uploader;
    uint64_t used = w->usage.count(uploader) ? w->usage[uploader] : 0;
    const Bytes zeros(sync::kHashBytes, '\0');
    // A "known" answer about an envelope another push is still committing must not go out
    // before that commit: this push then waits for the next group commit (commits are in
    // judging order, and a failed one fails everything queued behind it).
    bool rides_on_pending = false;
    // A storage error midway: what this push marked pending goes, as it will not be queued.
    auto fail = [&](Error e) -> Result<PushOutcome> {
      for (const auto& a : q.batch.add) w->pending_ids.erase({a.author, a.seq});
      for (const auto& ev : q.batch.evidence) {
        auto it = w->pending_evidence.find({ev.author, ev.seq});
        if (it == w->pending_evidence.end()) continue;
        auto& ids = it->second;
        ids.erase(std::remove(ids.begin(), ids.end(), ev.id), ids.end());
        if (ids.empty()) w->pending_evidence.erase(it);
      }
      return e;
    };
    for (std::size_t i = 0; i < n; ++i) {
      auto reject = [&](std::string reason) { out.rejected.push_back({i, std::move(reason)}); };
      if (!envs[i]) {
        reject(refused[i]);
        continue;
      }
      const sync::Envelope& env = *envs[i];
      const sync::Header& h = env.header;
      auto standing = w->trust->CheckAuthorStanding(env, now);
      if (!standing) {
        reject(standing.error().message);
        continue;
      }
      if ((*standing)->ed_pk != keys[i]) {  // ids hash the keys, so never; but never trusted
        if (auto ok = sync::CheckSignature(env, (*standing)->ed_pk); !ok) {
          reject(ok.error().message);
          continue;
        }
      }
      const Bytes& id = env.Id();
      Store::Head head;
      bool head_pending = false;  // judged against a push still waiting for its commit
      if (auto s1 = q.heads.find(h.author); s1 != q.heads.end()) {
        head = s1->second;
      } else if (auto s2 = w->pending.find(h.author); s2 != w->pending.end()) {
        head = s2->second;
        head_pending = true;
      } else if (auto s3 = w->heads.find(h.author); s3 != w->heads.end()) {
        head = s3->second;
      }
      std::string who = "author " + Hex(h.author);
      if (h.seq <= head.seq) {
        std::optional<Bytes> have;
        if (h.seq == head.seq) {
          have = head.id;
          rides_on_pending = rides_on_pending || head_pending;
        } else if (auto s = w->pending_ids.find({h.author, h.seq}); s != w->pending_ids.end()) {
          have = s->second;
          rides_on_pending = true;
        } else {
          auto stored = store_->IdAt(ws, h.author, h.seq);
          if (!stored) return fail(stored.error());
          have = *stored;
        }
        if (have && *have == id) {
          ++out.known;  // a replay: nothing to do
          continue;
        }
        auto kept = KeepEvidence(w, q, h, id, envelopes[i], "same seq, different content");
        if (!kept) return fail(kept.error());
        std::string why = "equivocation: " + who + " already has a different envelope at seq " +
                          std::to_string(h.seq) +
                          (*kept ? " (this one is kept as evidence)"
                                 : " (the relay keeps evidence of it already)");
        std::cerr << "dosti-relay: workspace " << Hex(ws) << ": " << why << "; uploaded by "
                  << Hex(uploader) << "\n";
        if (*kept) used += envelopes[i].size();  // an upper bound; the store is exact
        reject(why);
        continue;
      }
      if (h.seq > head.seq + 1) {
        reject("gap: the relay has seq " + std::to_string(head.seq) + " of " + who +
               " and this is seq " + std::to_string(h.seq) + "; push seq " +
               std::to_string(head.seq + 1) + " first");
        continue;
      }
      const Bytes& expected_prev = head.seq == 0 ? zeros : head.id;
      if (h.prev != expected_prev) {
        // A signed successor of a seq-N the relay does not have: the author signed two seq N.
        auto kept = KeepEvidence(w, q, h, id, envelopes[i], "prev does not match the chain");
        if (!kept) return fail(kept.error());
        std::string why = "equivocation: " + who + "'s seq " + std::to_string(h.seq) +
                          " does not follow the relay's seq " + std::to_string(head.seq) +
                          (*kept ? " (its prev hash differs; kept as evidence)"
                                 : " (its prev hash differs; the relay keeps evidence of it already)");
        std::cerr << "dosti-relay: workspace " << Hex(ws) << ": " << why << "; uploaded by "
                  << Hex(uploader) << "\n";
        if (*kept) used += envelopes[i].size();
        reject(why);
        continue;
      }
      if (used + envelopes[i].size() > options_.device_quota_bytes) {
        reject("quota: device " + Hex(uploader) + " has stored " + HumanBytes(used) + " of its " +
               HumanBytes(options_.device_quota_bytes) + " at this relay");
        continue;
      }
      used += envelopes[i].size();
      q.heads[h.author] = Store::Head{h.seq, id};
      w->pending_ids[{h.author, h.seq}] = id;
      q.batch.add.push_back({h.author, h.seq, id, h.epoch, envelopes[i]});
      ++out.accepted;
    }
    if (q.batch.add.empty() && q.batch.evidence.empty() && !rides_on_pending) return out;
    for (const auto& [author, head] : q.heads) w->pending[author] = head;
    w->usage[uploader] = used;
    std::lock_guard<std::mutex> group(group_mu_);
    queue_.push_back(&q);
  }
  // Committed (with whatever else was queued meanwhile) before the answer goes out.
  auto committed = CommitInGroup(&q);
  if (!committed) return committed.error();
  return out;
}

Result<bool> Relay::KeepEvidence(Workspace* w, Queued& q, const sync::Header& h, const Bytes& id,
                                 std::string_view bytes, const char* reason) {
  std::pair<Bytes, uint64_t> key{h.author, h.seq};
  std::vector<Bytes>& pending = w->pending_evidence[key];
  auto stored = store_->EvidenceIdsAt(q.batch.ws, h.author, h.seq);
  if (!stored) {
    if (pending.empty()) w->pending_evidence.erase(key);
    return stored.error();
  }
  auto has = [&](const std::vector<Bytes>& ids) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  };
  bool fresh = !has(*stored) && !has(pending);
  if (!fresh || stored->size() + pending.size() >= kMaxEvidencePerSeq) {
    if (pending.empty()) w->pending_evidence.erase(key);
    return false;  // kept already, or enough kept
  }
  pending.push_back(id);
  q.batch.evidence.push_back({h.author, h.seq, id, bytes, reason});
  return true;
}

Result<void> Relay::CommitInGroup(Queued* mine) {
  std::unique_lock<std::mutex> g(group_mu_);
  while (!mine->done) {
    if (committing_) {  // another thread is committing; ours may be in its group or the next
      group_cv_.wait(g);
      continue;
    }
    // This thread commits everything queued now, in judging order, in one transaction.
    committing_ = true;
    std::vector<Queued*> group;
    group.swap(queue_);
    g.unlock();
    std::vector<const Store::Batch*> batches;
    for (Queued* q : group) batches.push_back(&q->batch);
    Result<void> r = store_->Commit(batches, group.front()->now);
    {
      std::lock_guard<std::mutex> lock(mu_);
      std::set<Bytes> reload;
      for (Queued* q : group) {
        auto found = Find(q->batch.ws);
        if (!found) continue;
        Workspace* w = *found;
        if (!r) {
          reload.insert(q->batch.ws);
          continue;
        }
        for (const auto& [author, head] : q->heads) {
          Store::Head& committed = w->heads[author];
          if (committed.seq < head.seq) committed = head;
          auto p = w->pending.find(author);
          if (p != w->pending.end() && p->second.seq <= head.seq) w->pending.erase(p);
        }
        for (const auto& e : q->batch.add) w->pending_ids.erase({e.author, e.seq});
        for (const auto& e : q->batch.evidence) w->pending_evidence.erase({e.author, e.seq});
        if (!q->batch.evidence.empty()) {  // evidence already kept is not counted twice
          auto usage = store_->Usage(q->batch.ws);
          if (usage) w->usage = std::move(*usage);
        }
      }
      g.lock();
      if (!r) {
        // Pushes queued after the failed ones were judged against them: they fail too, and
        // the workspaces go back to what is on disk.
        for (Queued* q : queue_) {
          reload.insert(q->batch.ws);
          q->result = r.error();
          q->done = true;
        }
        queue_.clear();
        for (const Bytes& ws : reload) (void)Load(ws);
      }
      for (Queued* q : group) {
        q->result = r;
        q->done = true;
      }
      if (r) {
        commit_counts_.pushes += group.size();
        ++commit_counts_.commits;
      }
      committing_ = false;
    }
    group_cv_.notify_all();
  }
  return mine->result;
}

Result<std::vector<Bytes>> Relay::Pull(const Bytes& ws, const sync::EnvelopeFrontier& frontier,
                                       std::size_t max_bytes, bool* more) {
  std::map<Bytes, Store::Head> heads;  // committed: what a read connection sees
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto found = Find(ws);
    if (!found) return found.error();
    heads = (*found)->heads;
  }
  // The pages are read outside the lock, on a read connection of their own.
  std::vector<Bytes> out;
  std::size_t used = 0;
  *more = false;
  for (const auto& [author, head] : heads) {
    auto f = frontier.find(author);
    uint64_t from = f == frontier.end() ? 0 : f->second;
    if (head.seq <= from) continue;
    bool stopped = false;
    DOSTI_TRY(store_->ReadAfter(ws, author, from, max_bytes, out.empty(), &out, &used, &stopped));
    if (stopped) {
      *more = true;
      break;
    }
  }
  return out;
}

Relay::CommitCounts Relay::Commits() {
  std::lock_guard<std::mutex> g(group_mu_);
  return commit_counts_;
}

Result<std::vector<Relay::EvidenceRow>> Relay::Evidence(const Bytes& ws) {
  std::lock_guard<std::mutex> lock(mu_);
  auto rows = store_->EvidenceOf(ws);
  if (!rows) return rows.error();
  std::vector<EvidenceRow> out;
  for (auto& r : *rows) out.push_back({r.author, r.seq, r.reason});
  return out;
}

Result<Parked> Relay::ParkedControl(const Bytes& ws) {
  std::lock_guard<std::mutex> lock(mu_);
  auto found = Find(ws);
  if (!found) return found.error();
  const sync::Trust& t = *(*found)->trust;
  return Parked{t.waiting_count(), t.waiting_bytes()};
}

}  // namespace dosti::relay
