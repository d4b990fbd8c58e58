// dosti_bench: the benchmarks of DESIGN.md §6, printed one JSON object per line on stdout:
//   {"name": ..., "value": ..., "unit": ..., "runs": N, "detail": {...}}
// Notes and skipped benchmarks go to stderr. Each figure is the median of several runs, since
// the machines this runs on are small and shared. Usage:
//   dosti_bench [--runs N] [--merge-records N] [--merge-edits E] [--merge-dir DIR] [--no-sync]
//               [--relay-bin PATH] [--relay-bin-before PATH] [--scale-rows N]
//               [--load-seconds N] [FILTER]
// FILTER is a substring of the names wanted, or "replication" for the figures of replication.cpp
// (change capture and merge; described there), or "sync" for those of sync.cpp (envelope
// throughput, the relay; described there), or "relay_abuse" for those of relay_abuse.cpp (what
// strangers cost the dosti-relay executable, the build's own or --relay-bin PATH), or "scale"
// for those of scale.cpp (a workspace of 100,000 enterprises imported, opened, listed).
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
//   list_page_ms                      Session::QueryEnterprises at 100,000 enterprises: one page
//                                     of 50 and its total count, over the sorts and filters a
//                                     GUI's enterprise table uses (detail: the median per query).
//   import_enterprises_per_s, open_ms_100k, list_enterprises_100k_ms
//                                     a workspace of 100,000 enterprises imported from CSV,
//                                     opened, listed (scale.cpp).
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
    Check(s->AddServiceLog(ServiceRow(enterprises, today, i), std::nullopt), "add service log");
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

// [SECTION] Paged lists

constexpr int kListEnterprises = 100'000;
constexpr int kListRepeats = 15;

// 100,000 enterprises written through the one write path (Store::Insert, 1,000 per
// transaction, so the derived stage and the list indexes are maintained as in use): both
// countries, 40 sectors, both offices, one in ten enrolled at some stage, one in fifty
// archived. Names are made of random syllables, so their order is not their insertion order.
void FillForLists(const std::string& path) {
  auto s = OpenSession(path);
  std::string programme = Check(s->Info(), "info").programme_id;
  s.reset();
  auto db = Check(Db::Open(path), "open db");
  Store store(*db, SystemClock(), SystemRandom());
  Check(store.SetDevice(std::string(32, 'b')), "set device");
  SeededRandom dice(11);
  static const char* const kSyllables[] = {"al", "bo", "ce", "da", "el", "fu", "ga", "hi",
                                           "in", "jo", "ka", "lu", "ma", "ne", "or", "pa",
                                           "qi", "ra", "su", "ta", "ur", "vi", "wa", "xi",
                                           "ya", "zo"};
  for (int batch = 0; batch < kListEnterprises / kBatch; ++batch) {
    Tx tx(*db);
    Check(tx.Begin(), "begin");
    for (int k = 0; k < kBatch; ++k) {
      int i = batch * kBatch + k;
      std::string name;
      for (int w = 0; w < 4; ++w) name += kSyllables[dice.Below(26)];
      name[0] = static_cast<char>(name[0] - 'a' + 'A');
      name.append(1, ' ').append(std::to_string(i));  // (not += " " + …: a false -Wrestrict)
      bool cn = i % 2 == 0;
      std::string id = store.NewId();
      Check(store.Insert("enterprise", id,
                         {{"country", std::string(cn ? "CN" : "PK")},
                          {"name", name},
                          {"sector", std::to_string(6200 + dice.Below(40))},
                          {"owning_office", std::string((dice.Below(10) < 8) == cn ? "beijing"
                                                                              : "islamabad")},
                          {"landing_status", std::string("none")},
                          {"record_state", std::string("complete")},
                          {"archived", int64_t{i % 50 == 0 ? 1 : 0}}}),
            "insert enterprise");
      if (i % 10 == 0) {
        Check(store.Insert("enrollment", store.NewId(),
                           {{"enterprise_id", id},
                            {"programme_id", programme},
                            {"stage", std::string(kEnrollmentStages[dice.Below(9)])}}),
              "insert enrollment");
      }
    }
    Check(tx.Commit(), "commit");
  }
}

void BenchLists() {
  if (!Wanted("list_page_ms")) return;
  TempDir dir;
  std::string path = dir.File("lists.db");
  auto fill_start = Clock_::now();
  FillForLists(path);
  Note("wrote " + std::to_string(kListEnterprises) + " enterprises for the lists in " +
       Number(MsSince(fill_start)) + " ms");
  auto s = Check(Session::Open(path), "open");
  struct Query {
    const char* name;
    EnterpriseQuery q;
  };
  auto make = [](EnterpriseSort sort, bool desc, int64_t offset) {
    EnterpriseQuery q;
    q.sort = sort;
    q.descending = desc;
    q.offset = offset;
    q.limit = 50;
    return q;
  };
  std::vector<Query> queries;
  queries.push_back({"name_first_page", make(EnterpriseSort::kName, false, 0)});
  queries.push_back({"name_desc", make(EnterpriseSort::kName, true, 0)});
  queries.push_back({"name_offset_50000", make(EnterpriseSort::kName, false, 50'000)});
  queries.push_back({"country_sort", make(EnterpriseSort::kCountry, false, 1'000)});
  queries.push_back({"stage_sort_desc", make(EnterpriseSort::kStage, true, 0)});
  queries.push_back({"updated_desc", make(EnterpriseSort::kUpdated, true, 0)});
  {
    EnterpriseQuery q = make(EnterpriseSort::kName, false, 0);
    q.country = "PK";
    queries.push_back({"filter_country", q});
    q.country = "CN";
    q.sector = "6201";
    q.office = "beijing";
    queries.push_back({"filter_country_sector_office", q});
    q = make(EnterpriseSort::kName, false, 0);
    q.stage = "nominated";
    queries.push_back({"filter_stage", q});
    q = make(EnterpriseSort::kUpdated, true, 0);
    q.archived = ArchivedFilter::kOnly;
    queries.push_back({"archived_only", q});
  }
  Detail d;
  d.Add("enterprises", kListEnterprises).Add("page_rows", 50);
  for (const Query& query : queries) {
    auto warm = Check(s->QueryEnterprises(query.q), "list");
    if (warm.rows.empty()) Note(std::string("list query ") + query.name + " returned no rows");
    d.Add(std::string(query.name) + "_total", warm.total);
  }
  // The queries in turn: what opening a list, or changing its filter or order, costs.
  std::vector<std::vector<double>> samples(queries.size());
  for (int r = 0; r < kListRepeats; ++r) {
    for (size_t i = 0; i < queries.size(); ++i) {
      auto start = Clock_::now();
      Check(s->QueryEnterprises(queries[i].q), "list");
      samples[i].push_back(MsSince(start));
    }
  }
  std::vector<double> all;
  for (size_t i = 0; i < queries.size(); ++i) {
    all.insert(all.end(), samples[i].begin(), samples[i].end());
    d.Add(std::string(queries[i].name) + "_ms", Median(samples[i]));
  }
  std::vector<double> sorted = all;
  std::sort(sorted.begin(), sorted.end());
  d.Add("max_ms", sorted.back());
  // Scrolling: the next pages of the same list.
  std::vector<double> next;
  EnterpriseQuery scroll = queries[0].q;
  Check(s->QueryEnterprises(scroll), "list");
  for (int r = 0; r < kListRepeats * 4; ++r) {
    scroll.offset += 50;
    auto start = Clock_::now();
    Check(s->QueryEnterprises(scroll), "list");
    next.push_back(MsSince(start));
  }
  d.Add("next_page_ms", Median(next));
  Emit("list_page_ms", Median(all), "ms", kListRepeats, d);
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
               "[--merge-dir DIR] [--no-sync] [--relay-bin PATH] [--relay-bin-before PATH] [--scale-rows N] "
               "[--load-seconds N] [NAME-FILTER | replication | sync | relay_abuse | relay_load]\n");
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
    } else if (a == "--scale-rows") {
      if (!number(o.scale_rows)) return Usage();
    } else if (a == "--no-sync") {
      o.no_sync = true;
    } else if (a == "--relay-bin") {
      if (i + 1 >= argc) return Usage();
      o.relay_bin = argv[++i];
    } else if (a == "--load-seconds") {
      if (!number(o.load_seconds)) return Usage();
    } else if (a == "--relay-bin-before") {
      if (i + 1 >= argc) return Usage();
      o.relay_bin_before = argv[++i];
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
  const bool group = o.filter == "replication" || o.filter == "sync" ||
                     o.filter == "relay_abuse" || o.filter == "relay_load";
  if (!group) {
    BenchInserts();
    BenchSearch();
    BenchLists();
    BenchScale();
    BenchDemoAndReports();
  }
  if (!group || o.filter == "replication") BenchReplication();
  if (!group || o.filter == "sync") BenchSync();
  if (!group || o.filter == "relay_abuse") BenchRelayAbuse();
  BenchRelayLoad();  // by name only
  Note("done in " + Number(MsSince(start) / 1000) + " s");
  return 0;
}
