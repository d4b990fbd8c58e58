// dosti_bench: the benchmarks of DESIGN.md §6, printed one JSON object per line on stdout:
//   {"name": ..., "value": ..., "unit": ..., "runs": N, "detail": {...}}
// Notes and skipped benchmarks go to stderr. Each figure is the median of several runs, since
// the machines this runs on are small and shared. Usage:
//   dosti_bench [--runs N] [--merge-records N] [--merge-edits E] [--merge-dir DIR] [--no-sync]
//               [FILTER]
// FILTER is a substring of the names wanted, or "replication" for the figures of replication.cpp
// (change capture and merge; described there), or "sync" for those of sync.cpp (envelope
// throughput, the relay; described there).
//
// Write benchmarks, service logs into a fresh file-backed database (WAL) per run:
//   insert_service_logs_per_s         Session::AddServiceLog: validation, id resolution and one
//                                     transaction per row, as a user or script saving one log
//                                     at a time gets it. 10,000 rows per run: at about 0.4 ms
//                                     per transaction here, 100,000 would take the whole
//                                     budget of the run, and the per-row cost does not change.
//   insert_service_logs_bulk_per_s    100,000 rows by the bulk path an import or a training fan-out
//   takes:
//                                     the one write path (Store::Insert, which stamps rows and
//                                     where change capture hooks in), 1,000 rows per
//                                     transaction, rows validated beforehand (not timed).
//   insert_service_logs_sqlite_per_s  the same rows as plain SQLite inserts with the same
//                                     batching: the baseline of the "at most 2x plain SQLite"
//                                     budget; detail.bulk_over_sqlite is that ratio.
// Read benchmarks:
//   search_latency_ms                 Session::Search on 10,000 demo enterprises, over queries
//                                     of every kind (detail: the median per kind).
//   report_<name>_ms                  each report on the 200-enterprise demo data set.
//   seed_demo_ms                      SeedDemo(200) (dosti_demo), the CLI's default demo.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "bench.h"
#include "db.h"
#include "dosti/demo.h"
#include "dosti/session.h"
#include "schema.h"
#include "store.h"

namespace dosti::bench {
namespace {

std::unique_ptr<Session> OpenSession(const std::string& path) {
  auto s = Check(Session::Open(path), "open");
  Check(s->Init("beijing", "bench"), "init");
  return s;
}

// [SECTION] Inserting service logs

constexpr int kServiceLogs = 100'000;
constexpr int kFacadeServiceLogs = 10'000;
constexpr int kBatch = 1'000;
constexpr int kInsertRuns = 3;
constexpr const char* kSummary =
    "Market entry strategy: Lahore versus Karachi for the first office";

std::vector<std::string> AddEnterprises(Session& s, int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    ids.push_back(Check(s.AddEnterprise({{"country", std::string(i % 2 ? "PK" : "CN")},
                                         {"name", "Bench enterprise " + std::to_string(i)}}),
                        "add enterprise")
                      .id);
  }
  return ids;
}

// The i-th service log's fields; the same rows for every path.
Fields ServiceRow(const std::vector<std::string>& enterprises, const std::string& today, int i) {
  return {{"enterprise_id", enterprises[static_cast<size_t>(i) % enterprises.size()]},
          {"category", std::string(kServiceCategories[static_cast<size_t>(i) % 7])},
          {"service_date", today},
          {"minutes", int64_t{30 + 15 * (i % 8)}},
          {"summary", std::string(kSummary)}};
}

double FacadeRun() {
  TempDir dir;
  auto s = OpenSession(dir.File("facade.db"));
  auto enterprises = AddEnterprises(*s, 100);
  std::string today = FormatDate(s->Today());
  auto start = Clock_::now();
  for (int i = 0; i < kFacadeServiceLogs; ++i) {
    Check(s->AddServiceLog(ServiceRow(enterprises, today, i)), "add service log");
  }
  return kFacadeServiceLogs / (MsSince(start) / 1000);
}

// The core's write path without the facade: Store::Insert in batched transactions, plus the
// defaults AddServiceLog would fill in (so the rows are the same as the facade's).
double BulkRun() {
  TempDir dir;
  std::string path = dir.File("bulk.db");
  std::vector<std::string> enterprises;
  std::string today;
  {
    auto s = OpenSession(path);
    enterprises = AddEnterprises(*s, 100);
    today = FormatDate(s->Today());
  }
  auto db = Check(Db::Open(path), "open db");
  Check(Migrate(*db), "migrate");
  Store store(*db, SystemClock(), SystemRandom());
  Check(store.SetDevice(std::string(32, 'a')), "set device");
  std::vector<Fields> rows;
  rows.reserve(kServiceLogs);
  for (int i = 0; i < kServiceLogs; ++i) {
    Fields f = ServiceRow(enterprises, today, i);
    f.push_back({"provider_office", std::string("beijing")});
    f.push_back({"delivery_mode", std::string("in_person")});
    f.push_back({"outcome", std::string("completed")});
    f.push_back({"state", std::string("final")});
    rows.push_back(std::move(f));
  }
  auto start = Clock_::now();
  for (int b = 0; b < kServiceLogs; b += kBatch) {
    Check(InTransaction(*db,
                        [&]() -> Result<void> {
                          for (int i = b; i < b + kBatch; ++i) {
                            DOSTI_TRY(store.Insert("service_log", store.NewId(),
                                                   rows[static_cast<size_t>(i)]));
                          }
                          return {};
                        }),
          "bulk insert");
  }
  return kServiceLogs / (MsSince(start) / 1000);
}

// Plain SQLite: one prepared INSERT, the same columns and values, the same batching.
double SqliteRun() {
  TempDir dir;
  std::string path = dir.File("sqlite.db");
  std::vector<std::string> enterprises;
  std::string today;
  {
    auto s = OpenSession(path);
    enterprises = AddEnterprises(*s, 100);
    today = FormatDate(s->Today());
  }
  auto db = Check(Db::Open(path), "open db");
  sqlite3* h = db->handle();
  sqlite3_stmt* st = nullptr;
  const char* sql =
      "INSERT INTO service_log(id, created_at, updated_at, origin_device, enterprise_id, "
      "category, service_date, minutes, summary, provider_office, delivery_mode, outcome, state) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)";
  if (sqlite3_prepare_v2(h, sql, -1, &st, nullptr) != SQLITE_OK) {
    Note(std::string("prepare failed: ") + sqlite3_errmsg(h));
    std::exit(1);
  }
  std::string device(32, 'a');
  auto start = Clock_::now();
  char id[33];
  for (int b = 0; b < kServiceLogs; b += kBatch) {
    sqlite3_exec(h, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    for (int i = b; i < b + kBatch; ++i) {
      std::snprintf(id, sizeof id, "%032x", i);
      int64_t now = SystemClock().NowMs();
      const std::string& e = enterprises[static_cast<size_t>(i) % enterprises.size()];
      std::string_view category = kServiceCategories[static_cast<size_t>(i) % 7];
      sqlite3_bind_text(st, 1, id, 32, SQLITE_TRANSIENT);
      sqlite3_bind_int64(st, 2, now);
      sqlite3_bind_int64(st, 3, now);
      sqlite3_bind_text(st, 4, device.data(), 32, SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 5, e.data(), static_cast<int>(e.size()), SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 6, category.data(), static_cast<int>(category.size()),
                        SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 7, today.data(), static_cast<int>(today.size()), SQLITE_TRANSIENT);
      sqlite3_bind_int64(st, 8, 30 + 15 * (i % 8));
      sqlite3_bind_text(st, 9, kSummary, -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 10, "beijing", -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 11, "in_person", -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 12, "completed", -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 13, "final", -1, SQLITE_STATIC);
      if (sqlite3_step(st) != SQLITE_DONE) {
        Note(std::string("insert failed: ") + sqlite3_errmsg(h));
        std::exit(1);
      }
      sqlite3_reset(st);
    }
    sqlite3_exec(h, "COMMIT", nullptr, nullptr, nullptr);
  }
  double rate = kServiceLogs / (MsSince(start) / 1000);
  sqlite3_finalize(st);
  return rate;
}

void BenchInserts() {
  Detail common;
  common.Add("rows", static_cast<double>(kServiceLogs)).Add("storage", "file, WAL");
  double sqlite_rate = 0;
  if (Wanted("insert_service_logs_sqlite_per_s") || Wanted("insert_service_logs_bulk_per_s")) {
    std::vector<double> runs;
    for (int r = 0; r < kInsertRuns; ++r) runs.push_back(SqliteRun());
    sqlite_rate = Median(runs);
    Detail d = common;
    d.Add("rows_per_transaction", kBatch);
    Emit("insert_service_logs_sqlite_per_s", sqlite_rate, "rows/s", kInsertRuns, d);
  }
  if (Wanted("insert_service_logs_bulk_per_s")) {
    std::vector<double> runs;
    for (int r = 0; r < kInsertRuns; ++r) runs.push_back(BulkRun());
    double rate = Median(runs);
    Detail d = common;
    d.Add("rows_per_transaction", kBatch).Add("path", "Store::Insert");
    // Cost ratio (time per row) against plain SQLite; DESIGN.md §6 allows at most 2.
    if (sqlite_rate > 0) d.Add("bulk_over_sqlite", sqlite_rate / rate);
    Emit("insert_service_logs_bulk_per_s", rate, "rows/s", kInsertRuns, d);
  }
  if (Wanted("insert_service_logs_per_s")) {
    std::vector<double> runs;
    for (int r = 0; r < kInsertRuns; ++r) runs.push_back(FacadeRun());
    Detail d;
    d.Add("rows", kFacadeServiceLogs).Add("storage", "file, WAL");
    d.Add("rows_per_transaction", 1).Add("path", "Session::AddServiceLog");
    Emit("insert_service_logs_per_s", Median(runs), "rows/s", kInsertRuns, d);
  }
}

// [SECTION] Search

constexpr int kSearchEnterprises = 10'000;
constexpr int kSearchRepeats = 15;

void BenchSearch() {
  if (!Wanted("search_latency_ms")) return;
  TempDir dir;
  auto s = OpenSession(dir.File("search.db"));
  auto seed_start = Clock_::now();
  int64_t records = Check(SeedDemo(*s, kSearchEnterprises, 1), "seed 10000");
  double seed_ms = MsSince(seed_start);
  Note("seeded " + std::to_string(kSearchEnterprises) + " enterprises (" + std::to_string(records) +
       " records) in " + Number(seed_ms) + " ms");

  // Real values for the exact-match kinds, from the data itself.
  std::string uscc, phone;
  auto cn = Check(s->ListEnterprises({"CN", "", false, 50}), "list");
  for (const Record& e : cn) {
    auto view = Check(s->GetEnterprise(e.id), "get");
    for (const Identifier& id : view.identifiers) {
      if (id.type == IdentifierType::kCnUscc && uscc.empty()) uscc = id.value;
    }
    auto contacts = Check(s->ListContacts(e.id), "contacts");
    if (phone.empty() && !contacts.empty()) phone = contacts.front().Text("mobile");
  }
  // A mobile as people type it: national format with spaces ("138 0013 8000").
  std::string typed_phone =
      phone.size() == 14 ? phone.substr(3, 3) + " " + phone.substr(6, 4) + " " + phone.substr(10)
                         : phone;
  struct Query {
    const char* kind;
    std::string text;
  };
  std::vector<Query> queries = {{"cn_2_chars", "智联"},
                                {"cn_2_chars", "丝路"},
                                {"cn_3_plus_chars", "智联科技"},
                                {"cn_3_plus_chars", "数据科技有限"},
                                {"latin", "Indus Data"},
                                {"latin", "margalla soft"},
                                {"urdu", "ڈیٹا سسٹمز"},
                                {"urdu", "مارگلہ"},
                                {"identifier", uscc},
                                {"phone", typed_phone},
                                {"similar_name", "Indus Data Sytems"}};
  std::vector<double> all;
  Detail d;
  d.Add("enterprises", kSearchEnterprises);
  std::vector<std::pair<std::string, std::vector<double>>> per_kind;
  for (const Query& q : queries) {
    if (q.text.empty()) continue;
    Check(s->Search(q.text), "warm-up search");
    std::vector<double> samples;
    size_t hits = 0;
    for (int r = 0; r < kSearchRepeats; ++r) {
      auto start = Clock_::now();
      auto result = Check(s->Search(q.text), "search");
      samples.push_back(MsSince(start));
      hits = result.size();
    }
    if (hits == 0) Note(std::string("search for '") + q.text + "' (" + q.kind + ") found nothing");
    all.insert(all.end(), samples.begin(), samples.end());
    auto it = std::find_if(per_kind.begin(), per_kind.end(),
                           [&](const auto& p) { return p.first == q.kind; });
    if (it == per_kind.end()) it = per_kind.insert(per_kind.end(), {q.kind, {}});
    it->second.insert(it->second.end(), samples.begin(), samples.end());
  }
  for (const auto& [kind, samples] : per_kind) d.Add(kind + "_ms", Median(samples));
  d.Add("seed_ms", seed_ms);
  Emit("search_latency_ms", Median(all), "ms", kSearchRepeats, d);
}

// [SECTION] Demo seed and reports

constexpr int kDemoEnterprises = 200;
constexpr int kSeedRuns = 3;
constexpr int kReportRuns = 7;

void BenchDemoAndReports() {
  static constexpr const char* kNames[] = {
      "seed_demo_ms",         "report_progress_ms", "report_services_ms", "report_funnel_ms",
      "report_follow_ups_ms", "report_quality_ms",  "report_coverage_ms", "report_landing_ms"};
  if (std::none_of(std::begin(kNames), std::end(kNames), [](const char* n) { return Wanted(n); }))
    return;
  std::unique_ptr<Session> demo;
  std::vector<TempDir> dirs(kSeedRuns);
  std::vector<double> seed_runs;
  int64_t records = 0;
  for (int r = 0; r < kSeedRuns; ++r) {
    auto s = OpenSession(dirs[static_cast<size_t>(r)].File("demo.db"));
    auto start = Clock_::now();
    records = Check(SeedDemo(*s, kDemoEnterprises, 1), "seed demo");
    seed_runs.push_back(MsSince(start));
    demo = std::move(s);  // the last one serves the reports
    if (!Wanted("seed_demo_ms")) break;
  }
  if (Wanted("seed_demo_ms")) {
    Detail d;
    d.Add("enterprises", kDemoEnterprises).Add("records", static_cast<double>(records));
    Emit("seed_demo_ms", Median(seed_runs), "ms", kSeedRuns, d);
  }

  std::string month = FormatMonth(demo->Today());
  struct Report {
    const char* name;
    std::function<Result<void>()> run;
  };
  auto discard = [](auto r) -> Result<void> {
    if (!r) return r.error();
    return {};
  };
  Session& s = *demo;
  std::vector<Report> reports = {
      {"report_progress_ms", [&] { return discard(s.ReportProgress()); }},
      {"report_services_ms", [&] { return discard(s.ReportServices(month)); }},
      {"report_funnel_ms", [&] { return discard(s.ReportFunnel()); }},
      {"report_follow_ups_ms", [&] { return discard(s.ReportFollowUps()); }},
      {"report_quality_ms", [&] { return discard(s.ReportQuality()); }},
      {"report_coverage_ms", [&] { return discard(s.ReportCoverage(month)); }},
      {"report_landing_ms", [&] { return discard(s.ReportLanding()); }},
  };
  for (const Report& rep : reports) {
    if (!Wanted(rep.name)) continue;
    std::vector<double> runs;
    bool ok = true;
    for (int r = 0; r < kReportRuns && ok; ++r) {
      auto start = Clock_::now();
      auto result = rep.run();
      double ms = MsSince(start);
      if (!result) {
        Note(std::string("skipped ") + rep.name + ": " + result.error().message);
        ok = false;
      }
      runs.push_back(ms);
    }
    if (!ok) continue;
    Detail d;
    d.Add("enterprises", kDemoEnterprises);
    Emit(rep.name, Median(runs), "ms", kReportRuns, d);
  }
  demo.reset();
}

}  // namespace
}  // namespace dosti::bench

namespace {

int Usage() {
  std::fprintf(stderr,
               "usage: dosti_bench [--runs N] [--merge-records N] [--merge-edits E] "
               "[--merge-dir DIR] [--no-sync] [NAME-FILTER | replication | sync]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace dosti::bench;
  Options& o = Opts();
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto number = [&](int& out) {
      if (i + 1 >= argc) return false;
      out = std::atoi(argv[++i]);
      return out > 0;
    };
    if (a == "--runs") {
      if (!number(o.runs)) return Usage();
    } else if (a == "--merge-records") {
      if (!number(o.merge_records)) return Usage();
    } else if (a == "--merge-edits") {
      if (!number(o.merge_edits)) return Usage();
    } else if (a == "--no-sync") {
      o.no_sync = true;
    } else if (a == "--merge-dir") {
      if (i + 1 >= argc) return Usage();
      o.merge_dir = argv[++i];
    } else if (a.empty() || a[0] == '-' || !o.filter.empty()) {
      return Usage();
    } else {
      o.filter = std::string(a);
    }
  }
  auto start = Clock_::now();
  if (o.filter != "replication" && o.filter != "sync") {
    BenchInserts();
    BenchSearch();
    BenchDemoAndReports();
  }
  BenchReplication();
  if (o.filter != "replication") BenchSync();
  Note("done in " + Number(MsSince(start) / 1000) + " s");
  return 0;
}
