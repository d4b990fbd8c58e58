// Shared helpers of dosti_bench: timing, medians, the JSON-lines output, temporary database
// directories and the command-line settings. Header-only; one translation unit per area
// (bench_main.cpp: inserts, search, demo, reports; scale.cpp: 100,000 enterprises imported,
// opened, listed; replication.cpp: capture and merge).
#pragma once

#include <sys/resource.h>
#include <unistd.h>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "dosti/result.h"

namespace dosti::bench {

using Clock_ = std::chrono::steady_clock;

inline double MsSince(Clock_::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock_::now() - start).count();
}

// CPU time of this process (user + system), in ms: on a loaded machine it tells our own cost
// apart from the time spent waiting for a core. Under Node (wasm) it is Node's whole process,
// which includes V8's compiler and GC threads.
inline double CpuMs() {
#ifdef __EMSCRIPTEN__
  // clang-format off
  return EM_ASM_DOUBLE({ const u = process.cpuUsage(); return (u.user + u.system) / 1000; });
  // clang-format on
#else
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 +
         (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
#endif
}

inline double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

inline std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

inline std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, v >= 1000 ? "%.0f" : "%.4g", v);
  return buf;
}

// A detail object built from (key, already-encoded JSON value) pairs.
struct Detail {
  std::vector<std::pair<std::string, std::string>> items;
  Detail& Add(std::string key, double v) {
    items.emplace_back(std::move(key), Number(v));
    return *this;
  }
  Detail& Add(std::string key, std::string_view s) {
    items.emplace_back(std::move(key), JsonString(s));
    return *this;
  }
  Detail& Add(std::string key, const char* s) { return Add(std::move(key), std::string_view(s)); }
  Detail& AddBool(std::string key, bool b) {
    items.emplace_back(std::move(key), b ? "true" : "false");
    return *this;
  }
  Detail& AddList(std::string key, const std::vector<double>& v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + Number(v[i]);
    items.emplace_back(std::move(key), s + "]");
    return *this;
  }
  std::string Json() const {
    std::string out = "{";
    for (size_t i = 0; i < items.size(); ++i) {
      out += (i ? ", " : "") + JsonString(items[i].first) + ": " + items[i].second;
    }
    return out + "}";
  }
};

// Command-line settings (see main() in bench_main.cpp).
struct Options {
  std::string filter;          // NAME-FILTER: a substring of a figure's name, or a group name
  int runs = 0;                // --runs N: runs of the replication figures (0: each one's default)
  int merge_records = 10'000;  // --merge-records N
  int merge_edits = 100;       // --merge-edits E: edits per record
  std::string merge_dir;       // --merge-dir DIR: keep (or reuse) the prepared merge workload there
  bool no_sync = false;        // --no-sync: the merging database runs with PRAGMA synchronous=OFF
  std::string relay_bin;       // --relay-bin PATH: the dosti-relay that relay_abuse measures
  // --relay-bin-before PATH: an older dosti-relay that relay_push_per_s measures side by side
  // with this build's
  std::string relay_bin_before;
  int load_seconds = 300;      // --load-seconds N: the length of relay_load's run
  int scale_rows = 100'000;    // --scale-rows N: enterprises of scale.cpp's workspace
};

inline Options& Opts() {
  static Options o;
  return o;
}

// True when the figure `name` (of `group`, e.g. "replication") should run.
inline bool Wanted(std::string_view name, std::string_view group = {}) {
  const std::string& f = Opts().filter;
  return f.empty() || name.find(f) != std::string_view::npos || (!group.empty() && f == group);
}

inline void Emit(std::string_view name, double value, std::string_view unit, int runs,
                 const Detail& detail = {}) {
  std::printf("{\"name\": %s, \"value\": %s, \"unit\": %s, \"runs\": %d", JsonString(name).c_str(),
              Number(value).c_str(), JsonString(unit).c_str(), runs);
  if (!detail.items.empty()) std::printf(", \"detail\": %s", detail.Json().c_str());
  std::printf("}\n");
  std::fflush(stdout);
}

inline void Note(const std::string& s) {
  std::fprintf(stderr, "bench: %s\n", s.c_str());
  std::fflush(stderr);
}

// A fresh directory for database files, removed afterwards.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    static int counter = 0;
    path = std::filesystem::temp_directory_path() /
           ("dosti-bench-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir(TempDir&& o) noexcept : path(std::move(o.path)) { o.path.clear(); }
  std::string File(const std::string& name) const { return (path / name).string(); }
};

template <typename T>
T Check(Result<T> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "bench: %s failed: %s\n", what, r.error().message.c_str());
    std::exit(1);
  }
  if constexpr (!std::is_void_v<T>) return std::move(*r);
}

// A workspace of 100,000 enterprises: import, open, list (scale.cpp).
void BenchScale();
// The replication benchmarks (replication.cpp).
void BenchReplication();
// The sync benchmarks (sync.cpp): envelopes, the relay.
void BenchSync();
// What strangers cost the dosti-relay executable (relay_abuse.cpp; native only).
void BenchRelayAbuse();
// 50 devices pushing and pulling at once through the dosti-relay executable (relay_abuse.cpp;
// native only); only when asked for by name ("relay_load"): it takes --load-seconds (5 min).
void BenchRelayLoad();

}  // namespace dosti::bench
