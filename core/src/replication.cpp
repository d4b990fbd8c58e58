// Session's replication: joining as a replica, frontiers, changesets out and in, held
// commits, the state digest and conflicts. The merge itself is Store::ApplyRemote.
#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

#include "changeset.h"
#include "schema.h"
#include "dosti/replica.h"
#include "session_impl.h"
#include "sha256.h"

namespace dosti {
namespace {

constexpr int64_t kMaxHeldCommits = 100'000;
constexpr int64_t kMaxHeldBytes = 256LL * 1024 * 1024;
// While merging, the WAL is checkpointed once it passes 16,384 pages (64 MiB with 4 KiB
// pages) instead of SQLite's 1,000: consecutive changesets rewrite the same pages, and each
// checkpoint copies them into the database file and syncs it.
constexpr int kMergeWalPages = 16384;

// A duration as a nested message ("{ahead:msg}"): its key and arguments.
void AddDuration(Args& args, std::string_view name, int64_t ms) {
  int64_t minutes = ms / 60'000;
  if (minutes >= 60) {
    args.emplace_back(std::string(name), "duration.hours_minutes");
    args.emplace_back("hours", std::to_string(minutes / 60));
    args.emplace_back("minutes", std::to_string(minutes % 60));
  } else {
    args.emplace_back(std::string(name), "duration.minutes");
    args.emplace_back("minutes", std::to_string(std::max<int64_t>(minutes, 1)));
  }
}

struct Pending {
  int64_t hlc = 0;
  std::string body;
  bool accepted = false;
  bool stored = false;  // already in held_commit
  std::optional<Commit> commit;  // the body decoded (once: on receipt, or when first needed)
};

// The commit of `p`, decoded at most once.
Result<const Commit*> Decoded(Pending& p) {
  if (!p.commit) {
    auto c = DecodeCommit(p.body);
    if (!c) return c.error();
    p.commit = std::move(*c);
  }
  return &*p.commit;
}

}  // namespace

// The queue of commits that cannot apply yet, and the loop that applies them in order.
class Session::Impl::Applier {
 public:
  explicit Applier(Session::Impl& m) : m_(m) {}

  Result<void> Load() {
    auto st = m_.db->Prepare("SELECT device, seq, hlc, body, accepted FROM held_commit");
    if (!st) return st.error();
    (*st)->Reset();
    for (;;) {
      auto row = (*st)->Step();
      if (!row) return row.error();
      if (!*row) break;
      Pending p{(*st)->Int(2), (*st)->Blob(3), (*st)->Int(4) != 0, true, std::nullopt};
      bytes_ += static_cast<int64_t>(p.body.size());
      queue_[(*st)->Text(0)][(*st)->Int(1)] = std::move(p);
      ++count_;
    }
    return {};
  }

  // Offers one received commit (decoded from `body`): known ones are counted, new ones queued;
  // one that contradicts a commit here is quarantined (equivocation), and what follows it from
  // the same author in this offer is dropped.
  Result<void> Offer(Commit&& commit, std::string_view body, ApplyReport& report) {
    const std::string device = commit.device();
    int64_t seq = commit.seq;
    auto f = m_.store->frontier().find(device);
    int64_t have = f == m_.store->frontier().end() ? 0 : f->second;
    auto& q = queue_[device];
    if (seq <= have) {
      auto same = SameAsApplied(device, seq, body);
      if (!same) return same.error();
      if (*same) {
        ++report.known;
        return {};
      }
      return Quarantine(commit, body, report);
    }
    if (auto held = q.find(seq); held != q.end()) {
      if (held->second.body != body) return Quarantine(commit, body, report);
      if (forked_.count(device)) {  // the same bytes, but after this offer's fork
        ++report.discarded;
        return {};
      }
      offered_.emplace_back(device, seq);  // already waiting here: it still waits, or applies now
      return {};
    }
    if (forked_.count(device)) {
      ++report.discarded;
      return {};
    }
    if (count_ + 1 > kMaxHeldCommits || bytes_ + static_cast<int64_t>(body.size()) > kMaxHeldBytes) {
      return MakeError(ErrorCode::kInvalid, "replication.too_many_waiting",
                       {{"count", std::to_string(count_)}});
    }
    bytes_ += static_cast<int64_t>(body.size());
    ++count_;
    int64_t hlc = commit.hlc;
    q[seq] = Pending{hlc, std::string(body), false, false, std::move(commit)};
    offered_.emplace_back(device, seq);
    return {};
  }

  // Applies everything that can apply, in each device's order, until nothing moves; then
  // stores what still waits. `report.held` counts the offered commits left waiting.
  Result<void> Drain(ApplyReport& report, const Cancellation::Watch* cancelled) {
    int64_t horizon = m_.clock->NowMs() + kMaxClockSkewMs;
    bool progress = true;
    while (progress) {
      progress = false;
      for (auto& [device, q] : queue_) {
        while (!q.empty()) {
          auto it = q.begin();
          const Frontier& fr = m_.store->frontier();
          auto f = fr.find(device);
          int64_t have = f == fr.end() ? 0 : f->second;
          if (it->first != have + 1) break;
          if (HlcMs(it->second.hlc) > horizon && !it->second.accepted) break;
          auto commit = Decoded(it->second);
          if (!commit) return commit.error();
          if (!DepsMet(**commit)) break;
          if (cancelled && cancelled->Cancelled()) return CancelledError();
          DOSTI_TRY(m_.store->ApplyRemote(**commit, it->second.body));
          ++report.applied;
          report.changes += static_cast<int64_t>((*commit)->FieldCount());
          if (it->second.stored) DOSTI_TRY(Unstore(device, it->first));
          bytes_ -= static_cast<int64_t>(it->second.body.size());
          --count_;
          q.erase(it);
          progress = true;
        }
      }
    }
    for (const auto& [device, seq] : offered_) {
      auto q = queue_.find(device);
      if (q == queue_.end() || !q->second.count(seq)) continue;
      ++report.held;
      Pending& p = q->second[seq];
      if (!p.stored) {
        auto st = m_.db->Prepare(
            "INSERT INTO held_commit(device, seq, hlc, body, received_at) VALUES (?, ?, ?, ?, ?)");
        if (!st) return st.error();
        (*st)->Reset();
        (*st)->Bind(1, device).Bind(2, seq).Bind(3, p.hlc).BindBlob(4, p.body)
            .Bind(5, m_.clock->NowMs());
        DOSTI_TRY((*st)->Run());
        p.stored = true;
      }
    }
    offered_.clear();
    return {};
  }

  // Keeps an equivocating commit as evidence and stops taking its author's later commits in
  // this offer (they continue the other history).
  Result<void> Quarantine(const Commit& commit, std::string_view body, ApplyReport& report) {
    Equivocation e{commit.device(), commit.seq, Sha256Hex(body), m_.clock->NowMs(), {}};
    auto st = m_.db->Prepare(
        "INSERT OR IGNORE INTO quarantined_commit(device, seq, digest, hlc, body, received_at) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    if (!st) return st.error();
    (*st)->Reset();
    (*st)->Bind(1, e.device).Bind(2, e.seq).Bind(3, e.digest).Bind(4, commit.hlc)
        .BindBlob(5, body).Bind(6, e.received_ms);
    DOSTI_TRY((*st)->Run());
    if (m_.db->Changes() == 0) {  // seen before: report when it first came
      auto first = m_.db->Prepare(
          "SELECT received_at FROM quarantined_commit WHERE device = ? AND seq = ? AND digest = ?");
      if (!first) return first.error();
      (*first)->Args(e.device, e.seq, e.digest);
      auto row = (*first)->Step();
      if (!row) return row.error();
      if (*row) e.received_ms = (*first)->Int(0);
      (*first)->Reset();
    }
    forked_.insert(e.device);
    report.equivocations.push_back(std::move(e));
    return {};
  }

  Result<void> Accept(const std::string& device) {
    auto q = queue_.find(device);
    if (q == queue_.end()) return {};
    for (auto& [seq, p] : q->second) p.accepted = true;
    auto st = m_.db->Prepare("UPDATE held_commit SET accepted = 1 WHERE device = ?");
    if (!st) return st.error();
    return (*st)->Args(device).Run();
  }

  // Why each held commit waits, in device and seq order.
  Result<std::vector<HeldCommit>> Describe() {
    std::vector<HeldCommit> out;
    int64_t now = m_.clock->NowMs();
    for (auto& [device, q] : queue_) {
      const Frontier& fr = m_.store->frontier();
      auto f = fr.find(device);
      int64_t have = f == fr.end() ? 0 : f->second;
      for (auto& [seq, p] : q) {
        HeldCommit h{device, seq, HlcMs(p.hlc), p.accepted, {}};
        Args args = m_.DeviceArgs(device);
        if (seq != have + 1) {
          args.emplace_back("have", std::to_string(have));
          args.emplace_back("seq", std::to_string(seq));
          h.reason = MakeMessage("held.gap", std::move(args));
        } else if (HlcMs(p.hlc) > now + kMaxClockSkewMs && !p.accepted) {
          AddDuration(args, "ahead", HlcMs(p.hlc) - now);
          h.reason = MakeMessage("held.clock_ahead", std::move(args));
        } else {
          auto commit = Decoded(p);
          std::optional<Message> missing;
          if (commit) {
            for (const Dependency& dep : (*commit)->deps) {
              const std::string& dep_device = (*commit)->devices[dep.device];
              auto d = fr.find(dep_device);
              if (d == fr.end() || d->second < dep.seq) {
                Args dep_args = m_.DeviceArgs(dep_device);
                dep_args.emplace_back("dep_seq", std::to_string(dep.seq));
                missing = MakeMessage("held.dependency", std::move(dep_args));
                break;
              }
            }
          }
          h.reason = missing ? std::move(*missing) : MakeMessage("held.dependency_unknown");
        }
        out.push_back(std::move(h));
      }
    }
    return out;
  }

 private:
  // True when the commit (device, seq) applied here has exactly these bytes.
  Result<bool> SameAsApplied(const std::string& device, int64_t seq, std::string_view body) {
    auto st = m_.db->Prepare("SELECT body FROM commit_log WHERE device = ? AND seq = ?");
    if (!st) return st.error();
    (*st)->Args(device, seq);
    auto row = (*st)->Step();
    if (!row) return row.error();
    // A commit below the frontier that the log lacks cannot be compared: taken as known.
    bool same = !*row || (*st)->BlobView(0) == body;
    (*st)->Reset();
    return same;
  }

  bool DepsMet(const Commit& c) const {
    const Frontier& fr = m_.store->frontier();
    for (const Dependency& d : c.deps) {
      auto f = fr.find(c.devices[d.device]);
      if (f == fr.end() || f->second < d.seq) return false;
    }
    return true;
  }

  Result<void> Unstore(const std::string& device, int64_t seq) {
    auto st = m_.db->Prepare("DELETE FROM held_commit WHERE device = ? AND seq = ?");
    if (!st) return st.error();
    return (*st)->Args(device, seq).Run();
  }

  Session::Impl& m_;
  std::map<std::string, std::map<int64_t, Pending>> queue_;
  std::vector<std::pair<std::string, int64_t>> offered_;
  std::set<std::string> forked_;  // authors that equivocated in this offer
  int64_t count_ = 0;
  int64_t bytes_ = 0;
};

Args Session::Impl::DeviceArgs(const std::string& device) {
  // The whole id: ids made within the same minute share their first characters.
  std::string office;
  auto row = store->Get("device", device);
  if (row && *row) office = (*row)->Text("office");
  if (office.empty()) return {{"who", "held.device"}, {"device", device}};
  return {{"who", "held.device_office"}, {"device", device}, {"office", office}};
}

Result<WorkspaceInfo> Replica::JoinAsReplica(std::string_view office, std::string_view device_id,
                                             std::string_view role) {
  Session::Impl& m = session_.impl();
  if (m.info.initialised || !m.info.device_id.empty()) {
    return MakeError(ErrorCode::kAlreadyInitialised, "workspace.already_replica",
                     {{"office", m.info.office}});
  }
  DOSTI_TRY(CheckOneOf("office", office, kOffices, true));
  DOSTI_TRY(CheckOneOf("role", role, {"admin", "office", "booth"}, true));
  DOSTI_TRY(CheckDeviceId(device_id));
  auto r = InTransaction(*m.db, [&]() -> Result<void> {
    std::string device = device_id.empty() ? m.store->NewId() : std::string(device_id);
    DOSTI_TRY(m.store->SetDevice(device));
    DOSTI_TRY(m.AdoptOldRows());
    DOSTI_TRY(m.SetSetting("device_id", device));
    DOSTI_TRY(m.SetSetting("office", office));
    return m.store->Insert("device", device,
                           {{"name", std::string(office) + " " + std::string(role) + " device"},
                            {"office", std::string(office)},
                            {"role", std::string(role)}});
  });
  if (!r) return r.error();
  DOSTI_TRY(m.LoadInfo());
  return m.info;
}

Result<Frontier> Replica::GetFrontier() { return session_.impl().store->frontier(); }

Result<std::vector<std::string>> Replica::ChangesetsFor(const Frontier& peer, size_t max_bytes) {
  Session::Impl& m = session_.impl();
  std::vector<std::string> out;
  auto st = m.db->Prepare(
      "SELECT seq, body FROM commit_log WHERE device = ? AND seq > ? ORDER BY seq");
  if (!st) return st.error();
  for (const auto& [device, have] : m.store->frontier()) {
    auto p = peer.find(device);
    int64_t from = p == peer.end() ? 0 : p->second;
    if (from >= have) continue;
    (*st)->Args(device, from);
    Changeset cs{device, {}};
    size_t bytes = 64;
    auto flush = [&] {
      if (cs.commits.empty()) return;
      out.push_back(EncodeChangeset(cs));
      cs.commits.clear();
      bytes = 64;
    };
    for (;;) {
      auto row = (*st)->Step();
      if (!row) return row.error();
      if (!*row) break;
      std::string body = (*st)->Blob(1);
      if (bytes + body.size() + 8 > max_bytes) flush();
      bytes += body.size() + 8;
      cs.commits.push_back(std::move(body));
    }
    (*st)->Reset();
    flush();
  }
  return out;
}

Result<ApplyReport> Replica::ApplyChangeset(std::string_view bytes) {
  Session::Impl& m = session_.impl();
  Cancellation::Watch cancelled(m.cancel);
  if (m.info.device_id.empty()) return MakeError(ErrorCode::kNotInitialised, "workspace.no_device");
  if (bytes.size() > kMaxChangesetBytes) {
    return MakeError(ErrorCode::kInvalid, "changeset.too_large",
                     {{"size", std::to_string(bytes.size())},
                      {"max", std::to_string(kMaxChangesetBytes)}});
  }
  auto cs = DecodeChangeset(bytes);
  if (!cs) return cs.error();
  // Check everything before touching the database: a malformed changeset changes nothing.
  // The decoded commits go on to the applier, which so decodes nothing twice.
  std::vector<Commit> commits;
  commits.reserve(cs->commits.size());
  for (std::string_view body : cs->commits) {
    auto c = DecodeCommit(body);
    if (!c) return c.error();
    if (c->device() != cs->author) {
      return MakeError(ErrorCode::kInvalid, "changeset.other_author");
    }
    if (!commits.empty() && c->seq != commits.back().seq + 1) {
      return MakeError(ErrorCode::kInvalid, "changeset.not_contiguous");
    }
    commits.push_back(std::move(*c));
  }
  return m.RunApplier(
      [&](Session::Impl::Applier& applier, ApplyReport& report) -> Result<void> {
        for (size_t i = 0; i < commits.size(); ++i) {
          DOSTI_TRY(applier.Offer(std::move(commits[i]), cs->commits[i], report));
        }
        return {};
      },
      &cancelled);
}

Result<std::vector<Equivocation>> Session::ListEquivocations() {
  Impl& m = *impl_;
  std::vector<Equivocation> out;
  DOSTI_TRY(EachRow(*m.db,
                    "SELECT device, seq, digest, received_at, body FROM quarantined_commit "
                    "ORDER BY device, seq, received_at, digest",
                    [&](Stmt& r) {
                      out.push_back({r.Text(0), r.Int(1), r.Text(2), r.Int(3), r.Blob(4)});
                    }));
  return out;
}

Result<ApplyReport> Session::Impl::RunApplier(
    const std::function<Result<void>(Applier&, ApplyReport&)>& offer,
    const Cancellation::Watch* cancelled) {
  ApplyReport report;
  int wal_pages = db->wal_autocheckpoint();
  db->SetWalAutoCheckpoint(std::max(wal_pages, kMergeWalPages));
  auto r = InTransaction(*db, [&]() -> Result<void> {
    Applier applier(*this);
    DOSTI_TRY(applier.Load());
    DOSTI_TRY(offer(applier, report));
    DOSTI_TRY(applier.Drain(report, cancelled));
    auto waiting = applier.Describe();
    if (!waiting) return waiting.error();
    report.waiting = std::move(*waiting);
    return {};
  });
  db->SetWalAutoCheckpoint(wal_pages);
  if (!r) return r.error();
  DOSTI_TRY(AfterMerge());
  return report;
}

Result<std::vector<HeldCommit>> Session::ListHeld() {
  Impl& m = *impl_;
  Impl::Applier applier(m);
  DOSTI_TRY(applier.Load());
  return applier.Describe();
}

Result<ApplyReport> Session::ReleaseHeld() {
  return impl_->RunApplier([](Impl::Applier&, ApplyReport&) -> Result<void> { return {}; });
}

Result<ApplyReport> Session::AcceptHeld(std::string_view device_prefix) {
  Impl& m = *impl_;
  // A new replica whose first changes are held needs only its device, not the records.
  if (m.info.device_id.empty()) DOSTI_TRY(m.RequireInit());
  auto held = ListHeld();
  if (!held) return held.error();
  std::string device;
  for (const HeldCommit& h : *held) {
    if (h.device.rfind(std::string(device_prefix), 0) == 0) {
      if (!device.empty() && device != h.device) {
        return MakeError(ErrorCode::kAmbiguous, "held.device_ambiguous",
                         {{"prefix", std::string(device_prefix)}});
      }
      device = h.device;
    }
  }
  if (device.empty() || device_prefix.empty()) {
    return MakeError(ErrorCode::kNotFound, "held.no_device", {{"prefix", std::string(device_prefix)}});
  }
  return m.RunApplier(
      [&](Impl::Applier& applier, ApplyReport&) -> Result<void> { return applier.Accept(device); });
}

Result<void> Session::Impl::AfterMerge() {
  // The first changesets a replica receives bring the programme and offices.
  if (info.programme_id.empty()) return LoadInfo();
  return {};
}

Result<int64_t> Session::Impl::Upgraded() {
  store->InvalidateTables();
  return InTransaction(*db, [&] { return store->Materialise(ReplicatedTables()); });
}

// [SECTION] Digest and conflicts

namespace {

void HashValue(Sha256& h, const Value& v) {
  // NULL or not, then the text form: a value stored aside (unknown column) and the same value
  // read back from a typed column after an upgrade hash alike.
  uint8_t tag = IsNull(v) ? 0 : 1;
  h.Update(&tag, 1);
  std::string text = ValueText(v);
  uint64_t n = text.size();
  h.Update(&n, sizeof n);
  h.Update(text);
}

void HashString(Sha256& h, std::string_view s) {
  uint64_t n = s.size();
  h.Update(&n, sizeof n);
  h.Update(s);
}

}  // namespace

Result<std::string> Session::Digest() {
  Impl& m = *impl_;
  Sha256 h;
  // Every head of every field of every row, in a canonical order. Local columns (seq,
  // name_key, updated_at, clock), the commit log, held commits and settings are left out.
  // Replicated tables are those with a clock column: this schema's, and any a newer schema
  // added; plus the tables only known from rows kept aside.
  std::vector<std::string> tables;
  auto listed = m.store->Select(
      "SELECT m.name AS id FROM sqlite_master m WHERE m.type = 'table' AND m.name <> 'unknown_row' AND EXISTS "
      "(SELECT 1 FROM pragma_table_info(m.name) WHERE name = 'clock') "
      "UNION SELECT DISTINCT tbl FROM unknown_row");
  if (!listed) return listed.error();
  for (const Record& r : *listed) tables.push_back(r.id);
  std::sort(tables.begin(), tables.end());
  tables.erase(std::unique(tables.begin(), tables.end()), tables.end());
  for (const std::string& table : tables) {
    auto t = m.store->Table(table);
    std::string sql = t ? "SELECT * FROM " + table + " ORDER BY id"
                        : "SELECT id, clock FROM unknown_row WHERE tbl = ? ORDER BY id";
    auto st = m.db->Prepare(sql);
    if (!st) return st.error();
    (*st)->Reset();
    if (!t) (*st)->Bind(1, table);
    int clock_col = t ? (*t)->clock : 1;
    std::vector<std::pair<std::string_view, std::vector<size_t>>> fields;
    int id_col = t ? (*t)->Find("id") : 0;
    for (;;) {
      auto row = (*st)->Step();
      if (!row) return row.error();
      if (!*row) break;
      auto clock = DecodeRowClock((*st)->Blob(clock_col));
      if (!clock) return clock.error();
      // Fields in name order: column positions differ between schema versions.
      fields.clear();
      for (size_t i = 0; i < clock->entries.size(); ++i) {
        const ClockEntry& e = clock->entries[i];
        std::string_view name = e.column >= 0 ? std::string_view((*t)->columns[e.column].name)
                                              : std::string_view(e.name);
        if (fields.empty() || fields.back().first != name) fields.push_back({name, {}});
        fields.back().second.push_back(i);
      }
      std::sort(fields.begin(), fields.end());
      HashString(h, table);
      HashString(h, (*st)->Text(id_col));
      for (const auto& [name, heads] : fields) {
        HashString(h, name);
        uint32_t count = static_cast<uint32_t>(heads.size());
        h.Update(&count, sizeof count);
        for (size_t i : heads) {
          const ClockEntry& e = clock->entries[i];
          h.Update(&e.hlc, sizeof e.hlc);
          HashString(h, m.store->DeviceName(e.device));
          HashValue(h, e.has_value ? e.value : (*st)->Get(e.column));
        }
      }
    }
    (*st)->Reset();
  }
  return h.HexFinal();
}

Result<std::vector<Conflict>> Session::ListConflicts() {
  Impl& m = *impl_;
  auto rows = m.store->Select(
      "SELECT tbl AS id, row_id, col FROM conflict ORDER BY tbl, row_id, col");
  if (!rows) return rows.error();
  std::vector<Conflict> out;
  for (const Record& r : *rows) {
    Conflict c;
    c.table = r.id;
    c.record_id = r.Text("row_id");
    c.field = r.Text("col");
    c.id = Sha256Hex(c.table + "/" + c.record_id + "/" + c.field).substr(0, 12);
    auto clock = m.store->ClockOf(c.table, c.record_id);
    if (!clock) return clock.error();
    auto f = std::find_if(clock->begin(), clock->end(),
                          [&](const FieldHeads& h) { return h.name == c.field; });
    if (f == clock->end()) continue;
    bool first = true;
    for (const FieldHead& head : f->heads) {
      ConflictValue v;
      v.value = head.value;
      v.device = head.device;
      auto device = m.store->Get("device", v.device);
      if (device && *device) v.office = (*device)->Text("office");
      v.time_ms = HlcMs(head.hlc);
      v.winner = first;
      first = false;
      c.values.push_back(std::move(v));
    }
    out.push_back(std::move(c));
  }
  return out;
}

namespace {

Result<Conflict> FindConflict(Session& s, std::string_view id) {
  auto all = s.ListConflicts();
  if (!all) return all.error();
  std::optional<Conflict> found;
  for (Conflict& c : *all) {
    if (id.empty() || c.id.rfind(std::string(id), 0) != 0) continue;
    if (found) {
      return MakeError(ErrorCode::kAmbiguous, "conflict.ambiguous", {{"id", std::string(id)}});
    }
    found = std::move(c);
  }
  if (found) return std::move(*found);
  return MakeError(ErrorCode::kNotFound, "conflict.not_found", {{"id", std::string(id)}});
}

}  // namespace

Result<void> Session::ResolveConflict(std::string_view id, std::string_view value) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  auto c = FindConflict(*this, id);
  if (!c) return c.error();
  if (c->table == "enterprise") {
    auto saved = SetEnterpriseField(c->record_id, c->field, value);
    if (!saved) return saved.error();
    return {};
  }
  auto parsed = m.store->ParseValue(c->table, c->field, value);
  if (!parsed) return parsed.error();
  return InTransaction(*m.db, [&]() -> Result<void> {
    return m.store->Overwrite(c->table, c->record_id, c->field, *parsed);
  });
}

Result<void> Session::ResolveConflictKeep(std::string_view id, int keep) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  auto c = FindConflict(*this, id);
  if (!c) return c.error();
  if (keep < 1 || keep > static_cast<int>(c->values.size())) {
    return MakeError(ErrorCode::kInvalid, "conflict.keep_range",
                     {{"count", std::to_string(c->values.size())}}, "keep");
  }
  const Value& v = c->values[keep - 1].value;
  return InTransaction(*m.db, [&]() -> Result<void> {
    return m.store->Overwrite(c->table, c->record_id, c->field, v);
  });
}

}  // namespace dosti
