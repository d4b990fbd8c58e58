// What the command-line tests share: the outcome of one RunCli call, unique temporary paths, a
// command line on its own temporary database (Cli), and the checks scripts make of its output.
#pragma once

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cli.h"
#include "core/session_fixture.h"
#include "dosti/date.h"
#include "dosti/platform.h"

namespace dosti::testing {

// One `dosti` invocation: its exit code and what it wrote.
struct Run {
  int code = -1;
  std::string out, err;
  // Lines written to stderr.
  std::vector<std::string> ErrLines() const {
    std::vector<std::string> lines;
    std::istringstream in(err);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    return lines;
  }
};

// A path in $TMPDIR (or /tmp) that nothing uses yet, ending in `suffix`.
inline std::string TempPath(const std::string& suffix) {
  const char* dir = std::getenv("TMPDIR");
  uint8_t bytes[8];
  SystemRandom().Fill(bytes, sizeof bytes);
  std::string name = "dosti-cli-test-";
  static const char* hex = "0123456789abcdef";
  for (uint8_t b : bytes) name += {hex[b >> 4], hex[b & 15]};
  return std::string(dir && *dir ? dir : "/tmp") + "/" + name + suffix;
}

inline constexpr int64_t kDay = 86'400'000;

inline bool Exists(const std::string& path) {
  std::ifstream f(path);
  return f.good();
}

// A command line on its own temporary database ($DOSTI_DB), removed afterwards.
class Cli {
 public:
  Cli() : path_(TempPath(".db")) {
    env_.dosti_db = path_;
    env_.clock = &clock;
  }
  ~Cli() {
    for (const char* suffix : {"", "-wal", "-shm", "-journal", ".key"}) {
      std::remove((path_ + suffix).c_str());
    }
  }
  Cli(const Cli&) = delete;
  Cli& operator=(const Cli&) = delete;

  Run operator()(std::vector<std::string> args) { return RunWith(args, env_); }
  Run Json(std::vector<std::string> args) {
    args.push_back("--json");
    return RunWith(args, env_);
  }
  Run RunWith(const std::vector<std::string>& args, const dosti::cli::Environment& env) {
    std::ostringstream out, err;
    Run r;
    r.code = dosti::cli::RunCli(args, out, err, env);
    r.out = out.str();
    r.err = err.str();
    return r;
  }

  // `dosti init --office OFFICE`, which must succeed.
  void Init(const std::string& office = "beijing") {
    Run r = (*this)({"init", "--office", office});
    REQUIRE(r.code == 0);
  }
  // Adds an enterprise and returns its id.
  std::string Add(std::vector<std::string> args) {
    args.insert(args.begin(), {"enterprise", "add"});
    Run r = Json(args);
    INFO(r.err);
    REQUIRE(r.code == 0);
    return Id(r.out);
  }

  static std::string Id(const std::string& json) {
    std::smatch m;
    static const std::regex id("\"id\":\\s*\"([0-9a-f]{32})\"");
    return std::regex_search(json, m, id) ? m[1].str() : std::string();
  }

  const std::string& path() const { return path_; }
  const dosti::cli::Environment& env() const { return env_; }
  // 2024-06-15 04:00 UTC: noon in Beijing, 09:00 in Islamabad.
  dosti::ManualClock clock{MsAt({2024, 6, 15})};

 private:
  std::string path_;
  dosti::cli::Environment env_;
};

// The value of "key": "..." (first occurrence), or "<absent>".
inline std::string JsonText(const std::string& json, const std::string& key) {
  std::smatch m;
  std::regex re("\"" + key + "\":\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  return std::regex_search(json, m, re) ? m[1].str() : std::string("<absent>");
}
// The value of "key": N (first occurrence), or -999.
inline long long JsonInt(const std::string& json, const std::string& key) {
  std::smatch m;
  std::regex re("\"" + key + "\":\\s*(-?[0-9]+)");
  return std::regex_search(json, m, re) ? std::stoll(m[1].str()) : -999;
}
inline bool HasKey(const std::string& json, const std::string& key) {
  return json.find("\"" + key + "\":") != std::string::npos;
}
// Number of objects with an "id" in a JSON array of records.
inline size_t CountIds(const std::string& json) {
  static const std::regex id("\"id\":\\s*\"[0-9a-f]{32}\"");
  return static_cast<size_t>(
      std::distance(std::sregex_iterator(json.begin(), json.end(), id), std::sregex_iterator()));
}

// A refusal: exit 1, nothing on stdout, exactly one "error: " line on stderr.
inline void RequireRefused(const Run& r) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.code == 1);
  REQUIRE(r.out.empty());
  REQUIRE(r.ErrLines().size() == 1);
  REQUIRE(r.err.rfind("error: ", 0) == 0);
}

// A usage error: exit 2, nothing on stdout, "error: ..." then a usage hint on stderr.
inline void RequireUsage(const Run& r) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.code == 2);
  REQUIRE(r.out.empty());
  REQUIRE(r.err.rfind("error: ", 0) == 0);
  REQUIRE(r.err.find("usage: ") != std::string::npos);
}

inline const std::vector<std::string> kCompleteCn = {"--country", "CN",
                                                     "--name",    "北京数字科技有限公司",
                                                     "--uscc",    "91110000600037341L",
                                                     "--sector",  "6201",
                                                     "--region",  "CN-BJ",
                                                     "--city",    "北京"};

}  // namespace dosti::testing
