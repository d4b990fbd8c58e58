// The figures of a busy year (DESIGN.md §6; issue 9 §5): a workspace of 100,000 enterprises,
// made the way an office makes it, by importing a spreadsheet, then opened and listed.
//   import_enterprises_per_s   Session::ImportEnterprisesCsv of 100,000 rows (both countries,
//                              an identifier each; about 12 MB) into a fresh workspace file:
//                              validation, change capture, the search index, all in the
//                              import's one transaction. Each run in a child process (native).
//                              detail: that process's peak memory during the import (VmHWM,
//                              reset before it) and its resident memory before, CPU time.
//   open_ms_100k               Session::Open + Info on that file: what every command pays
//                              before its own work (detail: closing).
//   list_enterprises_100k_ms   Session::ListEnterprises with a limit of 100 (what
//                              `dosti enterprise list --limit 100` calls): a page of 100 rows
//                              in the list's order (detail: by country, the whole list of
//                              100,000, and the whole list as JSON, as `--json` prints it).
// --scale-rows N makes the workspace N enterprises instead (the names keep "100k"; the detail
// says how many); --runs N sets the number of imports (3).
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "bench.h"
#include "dosti/json.h"
#include "dosti/session.h"
#include "dosti/validation.h"
#ifndef __EMSCRIPTEN__
#include "sync/relay_process.h"
#endif

namespace dosti::bench {
namespace {

constexpr int kImportRuns = 3;  // unless --runs N
constexpr int kOpenRuns = 15;
constexpr int kListRuns = 15;
constexpr int kWholeListRuns = 3;

// [SECTION] The spreadsheet

// Rows as offices keep them: Chinese enterprises with a Chinese name, an English name and a
// USCC (valid check character); Pakistani ones with an English name and an NTN. Names are
// random (their order is not the file's), and carry the row number, so none repeats; so do
// the identifiers.
std::string MakeCsv(int rows) {
  static const char* const kHan[] = {"华", "中", "北", "东", "南", "西", "新", "智", "联", "丝",
                                     "路", "数", "据", "科", "技", "信", "息", "电", "子", "机",
                                     "械", "化", "工", "纺", "织", "能", "源", "物", "流", "建"};
  static const char* const kSyllables[] = {"al", "bo", "ce", "da", "el", "fu", "ga", "hi",
                                           "in", "jo", "ka", "lu", "ma", "ne", "or", "pa"};
  static const char* const kCn[][2] = {
      {"CN-BJ", "北京"}, {"CN-SH", "上海"}, {"CN-GD", "深圳"}, {"CN-ZJ", "杭州"}};
  static const char* const kPk[][2] = {
      {"PK-PB", "Lahore"}, {"PK-SD", "Karachi"}, {"PK-IS", "Islamabad"}};
  static const std::string_view kUsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  SeededRandom dice(9);
  auto latin = [&](int syllables) {
    std::string s;
    for (int k = 0; k < syllables; ++k) s += kSyllables[dice.Below(16)];
    s[0] = static_cast<char>(s[0] - 'a' + 'A');
    return s;
  };
  std::string out =
      "country,name,name_en,sector,region,city,address,website,founded_year,employees,uscc,"
      "ntn\n";
  out.reserve(static_cast<size_t>(rows) * 120);
  for (int i = 0; i < rows; ++i) {
    std::string n = std::to_string(i);
    std::string sector = std::to_string(6200 + dice.Below(40));
    std::string year = std::to_string(1980 + dice.Below(44));
    std::string staff = std::to_string(5 + dice.Below(5000));
    std::string number = std::to_string(1 + dice.Below(998));
    if (i % 2 == 0) {
      const auto& place = kCn[dice.Below(4)];
      std::string name;
      for (int k = 0; k < 4; ++k) name += kHan[dice.Below(30)];
      std::string en = latin(3);
      std::string uscc = "91" + std::to_string(110000 + dice.Below(550000));
      for (int k = 0; k < 3; ++k) uscc += kUsccAlphabet[dice.Below(31)];
      for (int k = 0, v = i; k < 6; ++k, v /= 31) uscc += kUsccAlphabet[v % 31];
      uscc += UsccCheckCharacter(uscc);
      out += "CN," + name + "有限公司" + n + "," + en + " Co " + n + "," + sector + "," + place[0] +
             "," + place[1] + ",\"" + place[1] + "路" + number + "号\",http://" + en + ".cn," +
             year + "," + staff + "," + uscc + ",\n";
    } else {
      const auto& place = kPk[dice.Below(3)];
      std::string name = latin(4);
      // Distinct for every row (7,919 is prime to 9,000,000), in no order: an import
      // matches rows by identifier, and two rows with one NTN would be one enterprise.
      std::string ntn = std::to_string(1'000'000 + (int64_t{i} * 7'919) % 9'000'000) + "-" +
                        std::to_string(dice.Below(10));
      out += "PK," + name + " Systems (Pvt) Ltd " + n + ",," + sector + "," + place[0] + "," +
             place[1] + ",\"Plot " + number + ", Block B\",http://" + name + ".pk," + year + "," +
             staff + ",," + ntn + "\n";
    }
  }
  return out;
}

// [SECTION] Memory

// This process's resident memory and its peak, in MiB (-1 where /proc is not there).
double StatusMiB(const char* field) {
#ifdef __EMSCRIPTEN__
  (void)field;
  return -1;
#else
  long kib = sync::testing::ProcStatusKiB(getpid(), field);
  return kib < 0 ? -1 : kib / 1024.0;
#endif
}

// Starts the peak (VmHWM) afresh from the current resident size (Linux: "5" to clear_refs).
bool ResetPeak() {
  int fd = ::open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::write(fd, "5", 1) == 1;
  ::close(fd);
  return ok;
}

// [SECTION] The figures

struct ImportRun {
  double ms = 0, cpu_ms = 0, rss_before_mib = 0, peak_mib = 0;
  bool peak_reset = false;
  int64_t imported = 0;
};

ImportRun ImportHere(const std::string& path, const std::string& csv) {
  auto s = Check(Session::Open(path), "open");
  Check(s->Init("beijing", "bench"), "init");
  ImportRun run;
  run.peak_reset = ResetPeak();
  run.rss_before_mib = StatusMiB("VmRSS");
  double cpu = CpuMs();
  auto start = Clock_::now();
  ImportSummary summary = Check(s->ImportEnterprisesCsv(csv), "import");
  run.ms = MsSince(start);
  run.cpu_ms = CpuMs() - cpu;
  run.peak_mib = StatusMiB("VmHWM");
  run.imported = summary.imported;
  return run;
}

// One import into a fresh workspace file. Natively it runs in a child process, so that its
// peak memory is its own (this process keeps what earlier runs freed) and it starts from what
// a `dosti import` starts with: the file's text in memory.
ImportRun ImportOnce(const std::string& path, const std::string& csv) {
  ImportRun run;
#ifdef __EMSCRIPTEN__
  run = ImportHere(path, csv);
#else
  int fds[2];
  if (::pipe(fds) != 0) {
    Note("pipe failed");
    std::exit(1);
  }
  pid_t child = ::fork();
  if (child == 0) {
    ::close(fds[0]);
    ImportRun mine = ImportHere(path, csv);
    bool sent = ::write(fds[1], &mine, sizeof mine) == static_cast<ssize_t>(sizeof mine);
    std::fflush(nullptr);
    ::_exit(sent ? 0 : 1);
  }
  ::close(fds[1]);
  bool got = child > 0 && ::read(fds[0], &run, sizeof run) == static_cast<ssize_t>(sizeof run);
  ::close(fds[0]);
  int status = 0;
  if (child > 0) ::waitpid(child, &status, 0);
  if (!got || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    Note("the import's process failed");
    std::exit(1);
  }
#endif
  if (run.imported != Opts().scale_rows) {
    Note("the import took " + std::to_string(run.imported) + " rows of " +
         std::to_string(Opts().scale_rows));
    std::exit(1);
  }
  return run;
}

}  // namespace

void BenchScale() {
  const bool import_wanted = Wanted("import_enterprises_per_s", "scale");
  const bool open_wanted = Wanted("open_ms_100k", "scale");
  const bool list_wanted = Wanted("list_enterprises_100k_ms", "scale");
  if (!import_wanted && !open_wanted && !list_wanted) return;
  const int rows = Opts().scale_rows;
  std::string csv = MakeCsv(rows);
  TempDir dir;
  std::string path;  // the last import's file serves the other figures

  const int import_runs = Opts().runs > 0 ? Opts().runs : kImportRuns;
  std::vector<ImportRun> runs;
  for (int r = 0; r < (import_wanted ? import_runs : 1); ++r) {
    path = dir.File("import" + std::to_string(r) + ".db");
    runs.push_back(ImportOnce(path, csv));
    Note("imported " + std::to_string(rows) + " enterprises in " + Number(runs.back().ms) + " ms");
  }
  if (import_wanted) {
    std::vector<double> rates, cpu, peak, before;
    for (const ImportRun& r : runs) {
      rates.push_back(rows / (r.ms / 1000));
      cpu.push_back(r.cpu_ms);
      peak.push_back(r.peak_mib);
      before.push_back(r.rss_before_mib);
    }
    Detail d;
    d.Add("rows", rows).Add("csv_mib", static_cast<double>(csv.size()) / (1 << 20));
    d.AddList("ms", [&] {
      std::vector<double> v;
      for (const ImportRun& r : runs) v.push_back(r.ms);
      return v;
    }());
    d.Add("rows_per_cpu_s", rows / (Median(cpu) / 1000));
    d.Add("peak_mib", Median(peak)).Add("rss_before_mib", Median(before));
    d.Add("peak_over_before_mib", Median(peak) - Median(before));
    d.AddBool("peak_measured", runs.back().peak_reset);
    d.Add("budget", ">= 20000 rows/s");
    Emit("import_enterprises_per_s", Median(rates), "rows/s", import_runs, d);
  }

  if (open_wanted) {
    std::vector<double> open, close;
    for (int r = 0; r < kOpenRuns; ++r) {
      auto start = Clock_::now();
      auto s = Check(Session::Open(path), "open");
      WorkspaceInfo info = Check(s->Info(), "info");
      open.push_back(MsSince(start));
      if (!info.initialised) Note("the imported workspace opened as not initialised");
      start = Clock_::now();
      s.reset();
      close.push_back(MsSince(start));
    }
    Detail d;
    d.Add("enterprises", rows);
    d.Add("file_mib", static_cast<double>(std::filesystem::file_size(path)) / (1 << 20));
    d.Add("close_ms", Median(close)).Add("budget", "<= 20 ms");
    Emit("open_ms_100k", Median(open), "ms", kOpenRuns, d);
  }

  if (list_wanted) {
    auto s = Check(Session::Open(path), "open");
    auto page = [&](const EnterpriseFilter& f) {
      std::vector<double> ms;
      size_t rows = 0;
      for (int r = 0; r < kListRuns; ++r) {
        auto start = Clock_::now();
        rows = Check(s->ListEnterprises(f), "list").size();
        ms.push_back(MsSince(start));
      }
      if (rows != static_cast<size_t>(f.limit)) {
        Note("a list page had " + std::to_string(rows) + " rows");
      }
      return Median(ms);
    };
    double first = page({"", "", false, 100});
    Detail d;
    d.Add("enterprises", rows).Add("page_rows", 100);
    d.Add("country_pk_ms", page({"PK", "", false, 100}));
    std::vector<double> whole, whole_json;
    size_t json_bytes = 0;
    for (int r = 0; r < kWholeListRuns; ++r) {
      auto start = Clock_::now();
      std::vector<Record> all = Check(s->ListEnterprises({}), "list");
      whole.push_back(MsSince(start));
      json::Writer w(true);
      json::Write(w, all);
      whole_json.push_back(MsSince(start));
      json_bytes = w.str().size();
    }
    d.Add("whole_list_ms", Median(whole)).Add("whole_list_json_ms", Median(whole_json));
    d.Add("whole_list_json_mib", static_cast<double>(json_bytes) / (1 << 20));
    d.Add("budget", "<= 20 ms");
    Emit("list_enterprises_100k_ms", first, "ms", kListRuns, d);
  }
}

}  // namespace dosti::bench
