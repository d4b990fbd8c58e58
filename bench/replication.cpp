// The replication benchmarks of DESIGN.md §6 (group "replication"):
//
//   capture_overhead_ratio  cost of the write path WITH change capture over plain SQLite:
//                           100,000 one-field writes (Store::Update) to a table `bench_item` of
//                           10,000 rows × 10 text fields, 1,000 writes per transaction, divided
//                           by the same writes as plain `UPDATE bench_item SET fK = ? WHERE id = ?`
//                           with the same batching. The two run interleaved transaction by
//                           transaction, each in its own copy of the same database file (WAL),
//                           so both see the same machine load. Budget: at most 2.
//   merge_changes_per_s     remote field changes merged per second, the merge running alone:
//                           replica B applies, with Session::ApplyChangeset, the changesets
//                           ChangesetsFor(B's frontier) gives on replica A after A made 100
//                           edits to each of 10,000 records (1,000,000 field changes, one field
//                           per edit: round j edits field j % 10 of every record) while B
//                           edited 5% of the same fields concurrently (halfway through A's
//                           edits, so either side wins some). Into a database file (WAL).
//                           Budget: at least 200,000/s natively. After the first run, B's
//                           changes go back to A and both digests must be equal (stderr, and
//                           detail.digest_equal).
//   merge_vs_sqlite_ratio   the merge's rate over the rate of plain one-field UPDATEs of the
//                           same rows with the same values, one transaction per changeset (as
//                           the merge has), in another copy of B's file, interleaved changeset
//                           by changeset with the merge (runs apart from the rate's: the two
//                           files compete for caches, which slows both). Budget: at least 0.5.
//
// The merge workload is prepared once per process (or once for several processes with
// --merge-dir DIR, which keeps A's and B's files and the changesets there: scripts/bench uses
// it to time the very same bytes natively and as wasm; delete DIR after changing the core).
// Each run merges into fresh copies of B's file, after one untimed warm-up apply per process.
// --merge-records and --merge-edits scale it; --runs sets the number of runs; --no-sync turns
// off fsync in the merging database (not the baseline's). detail.digest is the state digest
// after the full exchange: the native and the wasm build must agree on it.
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench.h"
#include "changeset.h"
#include "db.h"
#include "dosti/replica.h"
#include "dosti/session.h"
#include "session_impl.h"
#include "store.h"

namespace dosti::bench {
namespace {

constexpr int kFields = 10;
constexpr int kBatch = 1'000;
constexpr int kCaptureRows = 10'000;
constexpr int kCaptureWrites = 100'000;
constexpr int kCaptureRuns = 5;
constexpr int kMergeRuns = 3;
constexpr int kConflictEvery = 20;  // B edits one cell in 20: 5%

constexpr const char* kBenchItemSql =
    "CREATE TABLE bench_item (id TEXT PRIMARY KEY NOT NULL, created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL, origin_device TEXT NOT NULL,"
    " archived INTEGER NOT NULL DEFAULT 0, clock BLOB, f0 TEXT, f1 TEXT, f2 TEXT, f3 TEXT,"
    " f4 TEXT, f5 TEXT, f6 TEXT, f7 TEXT, f8 TEXT, f9 TEXT)";

const std::string& FieldName(int k) {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (int i = 0; i < kFields; ++i) v.push_back("f" + std::to_string(i));
    return v;
  }();
  return names[static_cast<size_t>(k)];
}

// Short values (≤ 15 bytes: no heap allocation in std::string), distinct per write.
std::string Val(char tag, int a, int b) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%c%d %05d", tag, a, b);
  return buf;
}

std::unique_ptr<Session> OpenFile(const std::string& path) {
  return Check(Session::Open(path), "open session");
}

// The merge's session: with --no-sync, without fsync (as every wasm build under Node is:
// emscripten 3.1.6's NODERAWFS makes fsync and fdatasync no-ops), for comparing builds.
std::unique_ptr<Session> OpenReceiver(const std::string& path) {
  auto s = OpenFile(path);
  if (Opts().no_sync) Check(s->impl().db->Exec("PRAGMA synchronous=OFF"), "synchronous=OFF");
  return s;
}

void AddBenchTable(Session& s) {
  Check(s.impl().db->Exec(kBenchItemSql), "create bench_item");
  s.impl().store->InvalidateTables();
}

// Copies a closed database file (no -wal beside it after a clean close).
void CopyFile(const std::string& from, const std::string& to) {
  std::ifstream in(from, std::ios::binary);
  std::ofstream out(to, std::ios::binary | std::ios::trunc);
  out << in.rdbuf();
  if (!in || !out) {
    Note("cannot copy " + from + " to " + to);
    std::exit(1);
  }
}

// Runs `count` writes through Store::Update (the captured write path), kBatch per transaction;
// cell(w) gives the w-th write's (row, field, value).
template <typename CellFn>
void EditThroughStore(Session& s, const std::vector<std::string>& ids, int count, CellFn cell) {
  Session::Impl& m = s.impl();
  for (int b = 0; b < count; b += kBatch) {
    Check(InTransaction(*m.db,
                        [&]() -> Result<void> {
                          for (int w = b; w < std::min(count, b + kBatch); ++w) {
                            auto [row, field, value] = cell(w);
                            auto n = m.store->Update("bench_item", ids[static_cast<size_t>(row)],
                                                     {{FieldName(field), std::move(value)}});
                            if (!n) return n.error();
                          }
                          return {};
                        }),
          "edit bench_item");
  }
}

std::vector<std::string> SeedItems(Session& s, int n) {
  Session::Impl& m = s.impl();
  std::vector<std::string> ids;
  ids.reserve(static_cast<size_t>(n));
  for (int b = 0; b < n; b += kBatch) {
    Check(InTransaction(*m.db,
                        [&]() -> Result<void> {
                          for (int i = b; i < std::min(n, b + kBatch); ++i) {
                            Fields f;
                            for (int k = 0; k < kFields; ++k)
                              f.push_back({FieldName(k), Val('i', k, i)});
                            ids.push_back(m.store->NewId());
                            DOSTI_TRY(m.store->Insert("bench_item", ids.back(), f));
                          }
                          return {};
                        }),
          "seed bench_item");
  }
  return ids;
}

// Sends everything `from` has that `to` lacks.
int64_t Send(Session& from, Session& to) {
  auto frontier = Check(dosti::Replica(to).GetFrontier(), "frontier");
  int64_t changes = 0;
  for (const std::string& cs : Check(dosti::Replica(from).ChangesetsFor(frontier), "changesets")) {
    changes += Check(dosti::Replica(to).ApplyChangeset(cs), "apply changeset").changes;
  }
  return changes;
}

// One plain UPDATE: bench_item.f<field> = value WHERE id = ids[row].
struct PlainWrite {
  int field;
  int row;
  std::string value;
};

class PlainWriter {
 public:
  explicit PlainWriter(const std::string& path) : db_(Check(Db::Open(path), "open db")) {
    for (int k = 0; k < kFields; ++k) {
      std::string sql = "UPDATE bench_item SET " + FieldName(k) + " = ? WHERE id = ?";
      sqlite3_stmt* st = nullptr;
      if (sqlite3_prepare_v2(db_->handle(), sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
        Note(std::string("prepare failed: ") + sqlite3_errmsg(db_->handle()));
        std::exit(1);
      }
      st_.push_back(st);
    }
  }
  ~PlainWriter() {
    for (sqlite3_stmt* st : st_) sqlite3_finalize(st);
  }
  // One transaction.
  void Write(const std::vector<std::string>& ids, const PlainWrite* begin, const PlainWrite* end) {
    sqlite3* h = db_->handle();
    Exec("BEGIN IMMEDIATE");
    for (const PlainWrite* w = begin; w != end; ++w) {
      sqlite3_stmt* st = st_[static_cast<size_t>(w->field)];
      const std::string& id = ids[static_cast<size_t>(w->row)];
      sqlite3_bind_text(st, 1, w->value.data(), static_cast<int>(w->value.size()), SQLITE_STATIC);
      sqlite3_bind_text(st, 2, id.data(), static_cast<int>(id.size()), SQLITE_STATIC);
      if (sqlite3_step(st) != SQLITE_DONE || sqlite3_changes(h) != 1) {
        Note(std::string("plain update failed: ") + sqlite3_errmsg(h));
        std::exit(1);
      }
      sqlite3_reset(st);
    }
    Exec("COMMIT");
  }

 private:
  void Exec(const char* sql) {
    if (sqlite3_exec(db_->handle(), sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
      Note(std::string(sql) + " failed: " + sqlite3_errmsg(db_->handle()));
      std::exit(1);
    }
  }
  std::unique_ptr<Db> db_;
  std::vector<sqlite3_stmt*> st_;
};

int RunsOr(int fallback) { return Opts().runs > 0 ? Opts().runs : fallback; }

// [SECTION] Change capture overhead

void BenchCapture() {
  if (!Wanted("capture_overhead_ratio", "replication")) return;
  TempDir dir;
  std::string base = dir.File("base.db");
  std::vector<std::string> ids;
  {
    auto s = OpenFile(base);
    Check(s->Init("beijing", "bench"), "init");
    AddBenchTable(*s);
    ids = SeedItems(*s, kCaptureRows);
  }
  std::vector<double> ratios, capture_ms, plain_ms, cpu_ratios;
  int runs = RunsOr(kCaptureRuns);
  for (int r = 0; r < runs; ++r) {
    // Write w: field (w / rows) % 10 of row w % rows, a new value each time.
    std::vector<PlainWrite> writes;
    writes.reserve(kCaptureWrites);
    for (int w = 0; w < kCaptureWrites; ++w) {
      writes.push_back({(w / kCaptureRows) % kFields, w % kCaptureRows, Val('c', r, w)});
    }
    std::vector<Fields> inputs;
    inputs.reserve(kCaptureWrites);
    for (const PlainWrite& w : writes) inputs.push_back({{FieldName(w.field), w.value}});

    std::string cap_path = dir.File("capture-" + std::to_string(r) + ".db");
    std::string plain_path = dir.File("plain-" + std::to_string(r) + ".db");
    CopyFile(base, cap_path);
    CopyFile(base, plain_path);
    double cap = 0, plain = 0, cap_cpu = 0, plain_cpu = 0;
    {
      auto s = OpenFile(cap_path);
      Session::Impl& m = s->impl();
      PlainWriter writer(plain_path);
      for (int b = 0; b < kCaptureWrites; b += kBatch) {
        auto captured = [&] {
          auto start = Clock_::now();
          double cpu = CpuMs();
          Check(InTransaction(*m.db,
                              [&]() -> Result<void> {
                                for (int w = b; w < b + kBatch; ++w) {
                                  const PlainWrite& pw = writes[static_cast<size_t>(w)];
                                  auto n = m.store->Update("bench_item",
                                                           ids[static_cast<size_t>(pw.row)],
                                                           inputs[static_cast<size_t>(w)]);
                                  if (!n) return n.error();
                                  if (*n != 1) return MakeError(ErrorCode::kInternal, "bench.no_change");
                                }
                                return {};
                              }),
                "captured update");
          cap += MsSince(start);
          cap_cpu += CpuMs() - cpu;
        };
        auto plain_batch = [&] {
          auto start = Clock_::now();
          double cpu = CpuMs();
          writer.Write(ids, &writes[static_cast<size_t>(b)],
                       &writes[static_cast<size_t>(b)] + kBatch);
          plain += MsSince(start);
          plain_cpu += CpuMs() - cpu;
        };
        // Alternate which goes first, so neither always follows the other's commit.
        if ((b / kBatch) % 2 == 0) {
          captured();
          plain_batch();
        } else {
          plain_batch();
          captured();
        }
      }
      auto commits = Check(m.db->QueryInt("SELECT count(*) FROM commit_log"), "count commits");
      if (r == 0) Note("capture: " + std::to_string(commits) + " commits in the log after run 1");
    }
    ratios.push_back(cap / plain);
    capture_ms.push_back(cap);
    plain_ms.push_back(plain);
    if (plain_cpu > 0) cpu_ratios.push_back(cap_cpu / plain_cpu);
  }
  Detail d;
  d.Add("writes", kCaptureWrites)
      .Add("rows", kCaptureRows)
      .Add("writes_per_transaction", kBatch)
      .Add("captured_ms", Median(capture_ms))
      .Add("plain_ms", Median(plain_ms))
      .Add("captured_writes_per_s", kCaptureWrites / (Median(capture_ms) / 1000))
      .Add("plain_writes_per_s", kCaptureWrites / (Median(plain_ms) / 1000))
      .AddList("ratios", ratios);
  if (!cpu_ratios.empty()) d.Add("cpu_time_ratio", Median(cpu_ratios));
  d.Add("path", "Store::Update vs UPDATE bench_item SET fK = ? WHERE id = ?")
      .Add("storage", "file, WAL, synchronous=NORMAL")
      .Add("budget", "<= 2");
  Emit("capture_overhead_ratio", Median(ratios), "x", runs, d);
}

// [SECTION] Merge

struct MergeData {
  std::string a_path, b_path;           // A after its edits, B before the exchange (closed)
  std::vector<std::string> changesets;  // A → B
  double prepare_ms = 0;
  bool reused = false;
};

bool ReadChangesets(const std::string& path, std::vector<std::string>& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  uint32_t n = 0;
  if (!in.read(reinterpret_cast<char*>(&n), sizeof n)) return false;
  out.clear();
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t len = 0;
    if (!in.read(reinterpret_cast<char*>(&len), sizeof len)) return false;
    std::string cs(len, '\0');
    if (!in.read(cs.data(), len)) return false;
    out.push_back(std::move(cs));
  }
  return true;
}

void WriteChangesets(const std::string& path, const std::vector<std::string>& cs) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  uint32_t n = static_cast<uint32_t>(cs.size());
  out.write(reinterpret_cast<const char*>(&n), sizeof n);
  for (const std::string& c : cs) {
    uint32_t len = static_cast<uint32_t>(c.size());
    out.write(reinterpret_cast<const char*>(&len), sizeof len);
    out.write(c.data(), len);
  }
  if (!out) {
    Note("cannot write " + path);
    std::exit(1);
  }
}

MergeData PrepareMerge(const std::string& dir) {
  const int records = Opts().merge_records, edits = Opts().merge_edits;
  MergeData d;
  d.a_path = dir + "/a.db";
  d.b_path = dir + "/b.db";
  std::string cs_path = dir + "/changesets.bin", meta_path = dir + "/meta.txt";
  std::string meta = "dosti merge workload 1: records=" + std::to_string(records) +
                     " edits=" + std::to_string(edits) + "\n";
  {
    std::ifstream in(meta_path);
    std::string line;
    if (in && std::getline(in, line) && line + "\n" == meta &&
        ReadChangesets(cs_path, d.changesets)) {
      d.reused = true;
      Note("merge: reusing the workload in " + dir);
      return d;
    }
  }
  std::remove(meta_path.c_str());
  for (const std::string& p : {d.a_path, d.b_path}) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((p + suffix).c_str());
  }
  auto start = Clock_::now();
  auto a = OpenFile(d.a_path);
  Check(a->Init("beijing", "bench"), "init");
  AddBenchTable(*a);
  std::vector<std::string> ids = SeedItems(*a, records);
  auto b = OpenFile(d.b_path);
  Check(dosti::Replica(*b).JoinAsReplica("islamabad"), "join");
  AddBenchTable(*b);
  Send(*a, *b);
  Send(*b, *a);
  // A: round j edits field j % 10 of every record; B edits 5% of the cells halfway through.
  auto a_edits = [&](int from_round, int to_round) {
    int per_round = records;
    EditThroughStore(*a, ids, (to_round - from_round) * per_round, [&](int w) {
      int round = from_round + w / per_round, row = w % per_round;
      return std::tuple<int, int, Value>(row, round % kFields, Val('a', round, row));
    });
  };
  a_edits(0, edits / 2);
  std::vector<std::pair<int, int>> cells;  // (row, field)
  for (int i = 0; i < records * kFields; ++i) {
    if (i % kConflictEvery == 7) cells.push_back({i / kFields, i % kFields});
  }
  EditThroughStore(*b, ids, static_cast<int>(cells.size()), [&](int w) {
    auto [row, field] = cells[static_cast<size_t>(w)];
    return std::tuple<int, int, Value>(row, field, Val('b', field, row));
  });
  a_edits(edits / 2, edits);
  d.changesets = Check(dosti::Replica(*a).ChangesetsFor(Check(dosti::Replica(*b).GetFrontier(), "frontier")), "changesets");
  a.reset();
  b.reset();
  d.prepare_ms = MsSince(start);
  Note("merge: prepared " + std::to_string(records) + " records x " + std::to_string(edits) +
       " edits (B edited " + std::to_string(cells.size()) + " cells concurrently) in " +
       Number(d.prepare_ms / 1000) + " s; " + std::to_string(d.changesets.size()) + " changesets");
  WriteChangesets(cs_path, d.changesets);
  std::ofstream(meta_path) << meta;
  return d;
}

// The plain UPDATEs equivalent to each changeset: one per field change, same rows and values.
struct PlainBatches {
  std::vector<std::string> ids;
  std::vector<std::vector<PlainWrite>> batches;  // one per changeset
  int64_t changes = 0;
};

PlainBatches DerivePlain(const std::vector<std::string>& changesets) {
  PlainBatches p;
  std::unordered_map<std::string, int> rows;
  for (const std::string& bytes : changesets) {
    auto cs = Check(DecodeChangeset(bytes), "decode changeset");
    auto& batch = p.batches.emplace_back();
    for (std::string_view body : cs.commits) {
      auto c = Check(DecodeCommit(body), "decode commit");
      for (const RowChange& rc : c.rows) {
        if (c.names[rc.table] != "bench_item") continue;
        std::string id(c.RowId(rc));
        auto [it, added] = rows.emplace(id, static_cast<int>(p.ids.size()));
        if (added) p.ids.push_back(id);
        for (uint32_t i = rc.field_begin; i < rc.field_begin + rc.field_count; ++i) {
          const FieldChange& f = c.fields[i];
          const std::string& column = c.names[f.column];
          if (column.size() != 2 || column[0] != 'f') continue;
          batch.push_back({column[1] - '0', it->second, ValueText(f.value)});
          ++p.changes;
        }
      }
    }
  }
  return p;
}

struct MergeRunResult {
  double merge_ms = 0, plain_ms = 0, merge_cpu_ms = 0, plain_cpu_ms = 0;
  int64_t changes = 0, commits = 0;
  std::string digest;  // after the full exchange (checked runs only)
};

// Applies the first changeset into a scratch copy, untimed: the wasm engine compiles hot code
// in tiers, and the first run would otherwise pay for it.
void WarmUp(const MergeData& d) {
  TempDir dir;
  std::string path = dir.File("warm-up.db");
  CopyFile(d.b_path, path);
  auto m = OpenReceiver(path);
  Check(dosti::Replica(*m).ApplyChangeset(d.changesets.front()), "warm-up apply");
}

MergeRunResult MergeRun(const MergeData& d, const PlainBatches* plain, int run, bool check) {
  TempDir dir;
  std::string m_path = dir.File("merge.db"), s_path = dir.File("plain.db");
  CopyFile(d.b_path, m_path);
  if (plain) CopyFile(d.b_path, s_path);
  MergeRunResult r;
  auto m = OpenReceiver(m_path);
  std::unique_ptr<PlainWriter> writer;
  if (plain) writer = std::make_unique<PlainWriter>(s_path);
  for (size_t i = 0; i < d.changesets.size(); ++i) {
    auto merge = [&] {
      auto start = Clock_::now();
      double cpu = CpuMs();
      auto report = Check(dosti::Replica(*m).ApplyChangeset(d.changesets[i]), "apply changeset");
      r.merge_ms += MsSince(start);
      r.merge_cpu_ms += CpuMs() - cpu;
      if (report.held != 0 || report.known != 0) {
        Note("merge: a changeset was held or already known; the workload is broken");
        std::exit(1);
      }
      r.changes += report.changes;
      r.commits += report.applied;
    };
    auto plain_batch = [&] {
      const auto& batch = plain->batches[i];
      auto start = Clock_::now();
      double cpu = CpuMs();
      writer->Write(plain->ids, batch.data(), batch.data() + batch.size());
      r.plain_ms += MsSince(start);
      r.plain_cpu_ms += CpuMs() - cpu;
    };
    if (!plain) {
      merge();
    } else if ((i + static_cast<size_t>(run)) % 2 == 0) {
      merge();
      plain_batch();
    } else {
      plain_batch();
      merge();
    }
  }
  if (check) {
    // Full exchange: B's concurrent edits go back to A; both must then be identical.
    std::string a_path = dir.File("a.db");
    CopyFile(d.a_path, a_path);
    auto a = OpenFile(a_path);
    int64_t back = Send(*m, *a);
    int64_t forth = Send(*a, *m);
    std::string da = Check(a->Digest(), "digest"), dm = Check(m->Digest(), "digest");
    int64_t conflicts =
        Check(m->impl().db->QueryInt("SELECT count(*) FROM conflict"), "count conflicts");
    Note("merge digest check: " + std::string(da == dm ? "EQUAL" : "DIFFERENT") + " (A " +
         da.substr(0, 16) + ", B " + dm.substr(0, 16) + "; " + std::to_string(back) +
         " changes B->A, " + std::to_string(forth) + " A->B afterwards, " +
         std::to_string(conflicts) + " open conflicts)");
    if (da != dm) std::exit(1);
    r.digest = da;
  }
  return r;
}

void BenchMerge() {
  bool want_rate = Wanted("merge_changes_per_s", "replication");
  bool want_ratio = Wanted("merge_vs_sqlite_ratio", "replication");
  if (!want_rate && !want_ratio) return;
  std::unique_ptr<TempDir> own;
  std::string dir = Opts().merge_dir;
  if (dir.empty()) {
    own = std::make_unique<TempDir>();
    dir = own->path.string();
  } else {
    std::filesystem::create_directories(dir);
  }
  MergeData d = PrepareMerge(dir);
  std::unique_ptr<PlainBatches> plain;
  if (want_ratio) plain = std::make_unique<PlainBatches>(DerivePlain(d.changesets));
  size_t bytes = 0;
  for (const std::string& cs : d.changesets) bytes += cs.size();
  int64_t changes = 0, commits = 0;
  std::string digest;
  int runs = RunsOr(kMergeRuns);
  WarmUp(d);
  auto run = [&](const PlainBatches* with, int r, const char* label) {
    MergeRunResult res = MergeRun(d, with, r, digest.empty());
    if (digest.empty()) digest = res.digest;
    changes = res.changes;
    commits = res.commits;
    if (with && with->changes != res.changes) {
      Note("merge: " + std::to_string(res.changes) + " changes merged but " +
           std::to_string(with->changes) + " plain updates derived");
    }
    Note(std::string("merge run ") + label + " " + std::to_string(r + 1) + ": " +
         std::to_string(res.changes) + " changes in " + Number(res.merge_ms) + " ms (cpu " +
         Number(res.merge_cpu_ms) + ")" +
         (with ? ", plain updates " + Number(res.plain_ms) + " ms (cpu " +
                     Number(res.plain_cpu_ms) + ")"
               : std::string()));
    return res;
  };
  // The rate: the merge alone, as a device runs it.
  std::vector<double> merge_ms, merge_cpu;
  if (want_rate) {
    for (int r = 0; r < runs; ++r) {
      MergeRunResult res = run(nullptr, r, "alone");
      merge_ms.push_back(res.merge_ms);
      merge_cpu.push_back(res.merge_cpu_ms);
    }
  }
  // The ratio: merge and plain UPDATEs interleaved changeset by changeset.
  std::vector<double> pair_merge_ms, plain_ms, ratios, pair_merge_cpu, plain_cpu;
  if (want_ratio) {
    for (int r = 0; r < runs; ++r) {
      MergeRunResult res = run(plain.get(), r, "interleaved");
      pair_merge_ms.push_back(res.merge_ms);
      pair_merge_cpu.push_back(res.merge_cpu_ms);
      plain_ms.push_back(res.plain_ms);
      plain_cpu.push_back(res.plain_cpu_ms);
      ratios.push_back(res.plain_ms / res.merge_ms);  // rate ratio = inverse time ratio
    }
  }
  Detail common;
  common.Add("changes", static_cast<double>(changes))
      .Add("records", Opts().merge_records)
      .Add("edits_per_record", Opts().merge_edits)
      .Add("concurrent_cells_on_b", Opts().merge_records * kFields / kConflictEvery)
      .Add("changesets", static_cast<double>(d.changesets.size()))
      .Add("commits", static_cast<double>(commits))
      .Add("changeset_mb", static_cast<double>(bytes) / 1e6)
      .Add("storage", Opts().no_sync ? "file, WAL, synchronous=OFF (--no-sync)"
                                     : "file, WAL, synchronous=NORMAL");
#ifdef __EMSCRIPTEN__
  common.Add("build", "wasm");
#else
  common.Add("build", "native");
#endif
  if (want_rate) {
    Detail det = common;
    det.Add("merge_ms", Median(merge_ms)).AddList("merge_ms_runs", merge_ms);
    if (Median(merge_cpu) > 0) {
      det.Add("merge_cpu_ms", Median(merge_cpu))
          .Add("changes_per_cpu_s", static_cast<double>(changes) / (Median(merge_cpu) / 1000));
    }
    det.AddBool("digest_equal", true).Add("digest", digest.substr(0, 16));
    det.Add("budget", ">= 200000 natively");
    Emit("merge_changes_per_s", static_cast<double>(changes) / (Median(merge_ms) / 1000),
         "changes/s", runs, det);
  }
  if (want_ratio) {
    Detail det = common;
    double n = static_cast<double>(plain->changes);
    det.Add("merge_changes_per_s", static_cast<double>(changes) / (Median(pair_merge_ms) / 1000))
        .Add("plain_updates_per_s", n / (Median(plain_ms) / 1000))
        .Add("merge_ms", Median(pair_merge_ms))
        .Add("plain_ms", Median(plain_ms))
        .AddList("ratios", ratios);
    if (Median(plain_cpu) > 0) {
      det.Add("cpu_time_ratio", Median(plain_cpu) / Median(pair_merge_cpu));
    }
    det.Add("baseline", "UPDATE bench_item SET fK = ? WHERE id = ?, one transaction per changeset")
        .Add("checkpoints", "merge: WAL checkpointed at 16384 pages while applying (the core's "
                            "setting); plain UPDATEs: SQLite's default 1000")
        .Add("how", "merge and plain UPDATEs interleaved changeset by changeset, each in its copy")
        .Add("budget", ">= 0.5");
    Emit("merge_vs_sqlite_ratio", Median(ratios), "x", runs, det);
  }
}

}  // namespace

void BenchReplication() {
  BenchCapture();
  BenchMerge();
}

}  // namespace dosti::bench
