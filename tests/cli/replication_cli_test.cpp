// Replication through the command line: two or three databases (Beijing `init`, Islamabad
// `replica init`), each with its own manual clock, exchanging plain changes files with
// `changes export/import`, all through RunCli as a user or a script would. Checks the
// properties of DESIGN.md §3 at the CLI: convergence (`digest`), field-level merge, conflicts
// and their resolution, idempotent import, damaged files, clock skew (held commits) and the
// merge of duplicate enterprises.
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cli.h"
#include "cli/cli_fixture.h"
#include "dosti/date.h"
#include "dosti/platform.h"

namespace {

using dosti::testing::Run;
using dosti::testing::TempPath;

using dosti::cli::Environment;
using dosti::cli::RunCli;

constexpr int64_t kHour = 3'600'000;
// 2024-06-15 04:00 UTC: noon in Beijing, 09:00 in Islamabad.
const int64_t kStart = dosti::DaysFromCivil({2024, 6, 15}) * 86'400'000 + 4 * kHour;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteAll(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// Temporary files removed at the end of a test.
class TempFiles {
 public:
  TempFiles() = default;
  TempFiles(const TempFiles&) = delete;
  TempFiles& operator=(const TempFiles&) = delete;
  ~TempFiles() {
    for (const std::string& p : paths_) {
      std::remove(p.c_str());
      std::remove((p + ".part").c_str());
    }
  }
  std::string New(const std::string& suffix) {
    paths_.push_back(TempPath(suffix));
    return paths_.back();
  }

 private:
  std::vector<std::string> paths_;
};

// One database on its own clock, driven through RunCli.
class Db {
 public:
  Db() : path_(TempPath(".db")) {
    env_.dosti_db = path_;
    env_.clock = &clock;
  }
  // A byte copy of `other`'s database (closed between commands) on a clock at the same time:
  // the same replica, to replay a different history from the same point.
  static std::unique_ptr<Db> CopyOf(Db& other) {
    auto copy = std::make_unique<Db>();
    for (const char* suffix : {"", "-wal"}) {
      std::ifstream probe(other.path_ + suffix, std::ios::binary);
      if (probe) WriteAll(copy->path_ + suffix, ReadAll(other.path_ + suffix));
    }
    copy->clock.Set(other.clock.NowMs());
    return copy;
  }
  ~Db() {
    for (const char* suffix : {"", "-wal", "-shm", "-journal", ".key"}) {
      std::remove((path_ + suffix).c_str());
    }
  }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  Run operator()(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    Run r;
    r.code = RunCli(args, out, err, env_);
    r.out = out.str();
    r.err = err.str();
    return r;
  }
  Run Json(std::vector<std::string> args) {
    args.push_back("--json");
    return (*this)(args);
  }
  // A command that must succeed; its stdout.
  std::string Ok(const std::vector<std::string>& args) {
    Run r = (*this)(args);
    INFO("dosti " << Join(args) << "\nstdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE(r.code == 0);
    return r.out;
  }
  std::string Digest() {
    std::string out = Ok({"digest"});
    REQUIRE(std::regex_match(out, std::regex("[0-9a-f]{64}\n")));
    return out.substr(0, 64);
  }
  std::string DeviceId() {
    std::smatch m;
    std::string info = Ok({"info", "--json"});
    REQUIRE(std::regex_search(info, m, std::regex("\"device_id\": \"([0-9a-f]{32})\"")));
    return m[1].str();
  }
  std::string AddEnterprise(std::vector<std::string> args) {
    args.insert(args.begin(), {"enterprise", "add", "--json"});
    std::smatch m;
    std::string out = Ok(args);
    REQUIRE(std::regex_search(out, m, std::regex("\"id\": \"([0-9a-f]{32})\"")));
    return m[1].str();
  }
  std::string Field(const std::string& id, const std::string& field) {
    std::string out = Ok({"enterprise", "get", id, "--json"});
    std::smatch m;
    std::regex re("\"" + field + "\": (\"((?:[^\"\\\\]|\\\\.)*)\"|null|-?[0-9.]+)");
    REQUIRE(std::regex_search(out, m, re));
    return m[2].matched ? m[2].str() : m[1].str();
  }

  static std::string Join(const std::vector<std::string>& args) {
    std::string s;
    for (const std::string& a : args) s += (s.empty() ? "" : " ") + a;
    return s;
  }

  const std::string& path() const { return path_; }
  dosti::ManualClock clock{kStart};

 private:
  std::string path_;
  Environment env_;
};

// Everything `from` has that `to` lacks: `to` writes its frontier, `from` exports what is
// missing from it, `to` imports the file. Returns the import's stdout.
std::string Send(Db& from, Db& to, TempFiles& files) {
  std::string frontier = files.New(".frontier");
  std::string changes = files.New(".changes");
  to.Ok({"changes", "frontier", "--out", frontier});
  from.Ok({"changes", "export", "--out", changes, "--since", frontier});
  return to.Ok({"changes", "import", changes});
}

// Everything `from` has, as a file.
std::string ExportAll(Db& from, TempFiles& files) {
  std::string changes = files.New(".changes");
  from.Ok({"changes", "export", "--out", changes});
  return changes;
}

// A Beijing workspace and an Islamabad replica that has received it.
struct Pair {
  Db bj, isl;
  TempFiles files;
  Pair() {
    bj.Ok({"init", "--office", "beijing"});
    isl.Ok({"replica", "init", "--office", "islamabad"});
    Send(bj, isl, files);
    Send(isl, bj, files);
    REQUIRE(bj.Digest() == isl.Digest());
  }
};

// Conflict ids of `conflicts list --json`, in order, with the winning value of each.
std::vector<std::pair<std::string, std::string>> Conflicts(Db& db) {
  std::string json = db.Ok({"conflicts", "list", "--json"});
  std::vector<std::pair<std::string, std::string>> out;
  std::regex re(
      "\"id\": \"([0-9a-f]+)\"[^\\[]*\"values\": \\[\\s*\\{\\s*\"value\": "
      "(\"[^\"]*\"|null|[-0-9.]+)");
  for (auto it = std::sregex_iterator(json.begin(), json.end(), re); it != std::sregex_iterator();
       ++it) {
    out.push_back({(*it)[1].str(), (*it)[2].str()});
  }
  return out;
}

const std::vector<std::string> kHuawei = {"--country",        "CN",     "--name",
                                          "华为技术有限公司", "--uscc", "914403001922038216",
                                          "--city",           "深圳"};

}  // namespace

// [SECTION] Joining and exchanging

TEST_CASE("replica init joins a workspace whose records arrive with changes import",
          "[cli][replication]") {
  Db bj, isl;
  TempFiles files;
  bj.Ok({"init", "--office", "beijing"});
  std::string huawei = bj.AddEnterprise(kHuawei);

  Run joined = isl.Json({"replica", "init", "--office", "islamabad"});
  REQUIRE(joined.code == 0);
  CHECK(joined.out.find("\"office\": \"islamabad\"") != std::string::npos);
  // Before its records arrive the replica refuses record commands with the core's message,
  // but can already show its (empty) state and take changes.
  Run early = isl({"enterprise", "list"});
  CHECK(early.code == 1);
  CHECK(early.err.find("has not received its records yet") != std::string::npos);
  CHECK(isl.Ok({"conflicts", "list"}).find("(none)") != std::string::npos);
  CHECK(isl.Ok({"held", "list"}).find("(none)") != std::string::npos);
  CHECK(isl.Ok({"info"}).find("not received yet") != std::string::npos);

  std::string file = ExportAll(bj, files);
  CHECK(ReadAll(file).rfind("DOSTI-CHANGES 1\n", 0) == 0);
  std::string imported = isl.Ok({"changes", "import", file});
  CHECK(imported.find("Applied ") == 0);
  CHECK(imported.find("0 held") != std::string::npos);
  CHECK(isl.Ok({"enterprise", "list"}).find(huawei) != std::string::npos);
  CHECK(isl.Field(huawei, "city") == "深圳");

  // Beijing lacks the replica's own device record until the other way round.
  CHECK(bj.Digest() != isl.Digest());
  Send(isl, bj, files);
  CHECK(bj.Digest() == isl.Digest());

  SECTION("replica init refuses an office outside the vocabulary, and a second join") {
    Db other;
    Run bad = other({"replica", "init", "--office", "shanghai"});
    CHECK(bad.code == 2);
    CHECK_FALSE(std::ifstream(other.path()).good());
    Run again = isl({"replica", "init", "--office", "beijing"});
    CHECK(again.code == 1);
    CHECK(again.err.find("already belongs to a workspace") != std::string::npos);
  }
  SECTION("a missing database is refused, not created") {
    Db missing;
    Run r = missing({"changes", "import", file});
    CHECK(r.code == 1);
    CHECK(r.err.find("no workspace yet") != std::string::npos);
    CHECK_FALSE(std::ifstream(missing.path()).good());
  }
}

TEST_CASE("changes export --since writes only what the frontier lacks", "[cli][replication]") {
  Pair p;
  std::string frontier = p.files.New(".frontier");
  p.isl.Ok({"changes", "frontier", "--out", frontier});
  // One line per device: "DEVICE_ID SEQ".
  std::string text = ReadAll(frontier);
  CHECK(std::regex_match(text, std::regex("([0-9a-f]{32} [0-9]+\n){2}")));
  CHECK(text.find(p.bj.DeviceId()) != std::string::npos);

  std::string out = p.files.New(".changes");
  Run none = p.bj.Json({"changes", "export", "--out", out, "--since", frontier});
  REQUIRE(none.code == 0);
  CHECK(none.out.find("\"changesets\": 0") != std::string::npos);
  p.bj.AddEnterprise({"--country", "PK", "--name", "Indus Motors"});
  Run one = p.bj({"changes", "export", "--out", out, "--since", frontier});
  REQUIRE(one.code == 0);
  CHECK(one.out.find("Wrote 1 changeset (") == 0);
  CHECK(p.isl.Ok({"changes", "import", out}).find("Applied 1 commit (") == 0);
  CHECK(p.bj.Digest() == p.isl.Digest());

  SECTION("a frontier file is parsed strictly and a bad line names its number") {
    std::string bad = p.files.New(".frontier");
    WriteAll(bad, text + "not-a-device 3\n");
    Run r = p.bj({"changes", "export", "--out", out, "--since", bad});
    CHECK(r.code == 1);
    CHECK(r.out.empty());
    CHECK(r.err.find("line 3") != std::string::npos);
    WriteAll(bad, text.substr(0, 33) + "-1\n");
    CHECK(p.bj({"changes", "export", "--out", out, "--since", bad}).code == 1);
    WriteAll(bad, text + text);  // a device twice
    CHECK(p.bj({"changes", "export", "--out", out, "--since", bad}).err.find("twice") !=
          std::string::npos);
  }
}

// [SECTION] Merge and conflicts

TEST_CASE("Concurrent edits converge whichever way the files travel", "[cli][replication]") {
  Pair p;
  std::string id = p.bj.AddEnterprise(kHuawei);
  Send(p.bj, p.isl, p.files);
  // Offline on both sides: different fields, and the same field (Islamabad a second later).
  p.bj.Ok({"enterprise", "set", id, "website", "huawei.com"});
  p.isl.Ok({"enterprise", "set", id, "address", "Blue Area, Islamabad"});
  p.bj.Ok({"enterprise", "set", id, "city", "东莞"});
  p.isl.clock.Advance(1000);
  p.isl.Ok({"enterprise", "set", id, "city", "Shenzhen"});

  // A second world: the same two databases, to replay the other order.
  auto bj2 = Db::CopyOf(p.bj);
  auto isl2 = Db::CopyOf(p.isl);
  // World 1: Beijing → Islamabad, then Islamabad → Beijing.
  p.isl.Ok({"changes", "import", ExportAll(p.bj, p.files)});
  p.bj.Ok({"changes", "import", ExportAll(p.isl, p.files)});
  // World 2: Islamabad → Beijing, then Beijing → Islamabad.
  bj2->Ok({"changes", "import", ExportAll(*isl2, p.files)});
  isl2->Ok({"changes", "import", ExportAll(*bj2, p.files)});

  std::string digest = p.bj.Digest();
  for (Db* db : {&p.isl, bj2.get(), isl2.get()}) CHECK(db->Digest() == digest);
  for (Db* db : {&p.bj, &p.isl, bj2.get(), isl2.get()}) {
    CHECK(db->Field(id, "website") == "huawei.com");
    CHECK(db->Field(id, "address") == "Blue Area, Islamabad");
    CHECK(db->Field(id, "city") == "Shenzhen");
  }
  auto conflicts = Conflicts(p.bj);
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts[0].second == "\"Shenzhen\"");
  for (Db* db : {&p.isl, bj2.get(), isl2.get()}) CHECK(Conflicts(*db) == conflicts);
  const std::string conflict = conflicts[0].first;

  // People read a block per conflict: the winner first and marked, offices, times in UTC.
  std::string human = p.isl.Ok({"conflicts", "list"});
  CHECK(human.find("Conflict " + conflict) != std::string::npos);
  CHECK(human.find("enterprise.city") != std::string::npos);
  CHECK(human.find("1. Shenzhen") != std::string::npos);
  CHECK(human.find("2. 东莞") != std::string::npos);
  CHECK(human.find("Islamabad") != std::string::npos);
  CHECK(human.find("2024-06-15 04:00 UTC  (shown)") != std::string::npos);
  std::string zh = p.isl.Ok({"conflicts", "list", "--lang", "zh"});
  CHECK(zh.find("冲突 " + conflict) != std::string::npos);
  CHECK(zh.find("（当前显示）") != std::string::npos);

  SECTION("--keep 2 on one side closes the conflict on both") {
    std::string out = p.bj.Ok({"conflicts", "resolve", conflict.substr(0, 6), "--keep", "2"});
    CHECK(out.find("东莞") != std::string::npos);
    CHECK(Conflicts(p.bj).empty());
    Send(p.bj, p.isl, p.files);
    CHECK(Conflicts(p.isl).empty());
    CHECK(p.isl.Field(id, "city") == "东莞");
    Send(p.isl, p.bj, p.files);
    CHECK(p.bj.Digest() == p.isl.Digest());
  }
  SECTION("--value sets a new value, and it syncs") {
    Run r = p.isl.Json({"conflicts", "resolve", conflict, "--value", "  深圳 "});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("\"value\": \"深圳\"") != std::string::npos);
    Send(p.isl, p.bj, p.files);
    CHECK(Conflicts(p.bj).empty());
    CHECK(p.bj.Field(id, "city") == "深圳");
    CHECK(p.bj.Digest() == p.isl.Digest());
  }
  SECTION("resolve needs exactly one of --value and --keep, and a listed N") {
    CHECK(p.bj({"conflicts", "resolve", conflict}).code == 2);
    CHECK(p.bj({"conflicts", "resolve", conflict, "--keep", "1", "--value", "x"}).code == 2);
    CHECK(p.bj({"conflicts", "resolve", conflict, "--keep", "two"}).code == 2);
    Run out_of_range = p.bj({"conflicts", "resolve", conflict, "--keep", "3"});
    CHECK(out_of_range.code == 1);
    CHECK(out_of_range.err.find("between 1 and 2") != std::string::npos);
    Run unknown = p.bj({"conflicts", "resolve", "ffffffffffff", "--keep", "1"});
    CHECK(unknown.code == 1);
    CHECK(unknown.err.find("no open conflict") != std::string::npos);
    CHECK(Conflicts(p.bj).size() == 1);
  }
}

// [SECTION] Idempotence and damaged files

TEST_CASE("Importing a file twice changes nothing; damaged files change nothing",
          "[cli][replication]") {
  Pair p;
  p.bj.AddEnterprise(kHuawei);
  p.bj.AddEnterprise({"--country", "PK", "--name", "Systems Limited", "--ntn", "1234567-8"});
  std::string file = ExportAll(p.bj, p.files);
  p.isl.Ok({"changes", "import", file});
  std::string digest = p.isl.Digest();

  std::string again = p.isl.Ok({"changes", "import", file});
  CHECK(again.find("Applied 0 commits (0 changes)") == 0);
  CHECK(again.find("already here") != std::string::npos);
  CHECK(p.isl.Digest() == digest);
  Run json = p.isl.Json({"changes", "import", file});
  CHECK(json.out.find("\"applied\": 0") != std::string::npos);
  CHECK(json.out.find("\"known\": 0") == std::string::npos);

  // Damage a copy of a file Islamabad has not imported yet, in several ways.
  p.bj.Ok({"enterprise", "add", "--country", "CN", "--name", "新公司"});
  std::string fresh = ReadAll(ExportAll(p.bj, p.files));
  std::string damaged = p.files.New(".changes");
  auto refused = [&](const std::string& bytes, const std::string& says) {
    WriteAll(damaged, bytes);
    Run r = p.isl({"changes", "import", damaged});
    INFO("stderr: " << r.err);
    CHECK(r.code == 1);
    CHECK(r.out.empty());
    CHECK(r.err.rfind("error: ", 0) == 0);
    CHECK(r.err.find(says) != std::string::npos);
    CHECK(r.err.find("nothing was imported") != std::string::npos);
    CHECK(p.isl.Digest() == digest);
  };
  refused(fresh.substr(0, fresh.size() / 2), "truncated");
  refused(fresh.substr(0, fresh.size() - 4), "truncated");  // without its checksum
  refused("PK\x03\x04 this is a zip, not changes", "not a Dosti changes file");
  refused("", "not a Dosti changes file");
  std::string flipped = fresh;
  flipped[flipped.size() / 2] ^= 0x20;
  refused(flipped, "checksum");
  refused(fresh + "x", "unexpected bytes");
  // The intact file still imports.
  WriteAll(damaged, fresh);
  CHECK(p.isl.Ok({"changes", "import", damaged}).find("Applied 1 commit (") == 0);

  Run missing = p.isl({"changes", "import", p.files.New(".absent")});
  CHECK(missing.code == 1);
  CHECK(missing.err.find("cannot read") != std::string::npos);
}

// [SECTION] Clock skew

TEST_CASE("A change stamped 3 h ahead is held with a diagnosis until accepted or due",
          "[cli][replication]") {
  Pair p;
  std::string id = p.bj.AddEnterprise(kHuawei);
  Send(p.bj, p.isl, p.files);
  std::string isl_device = p.isl.DeviceId();

  p.isl.clock.Advance(3 * kHour + 5 * 60'000);  // Islamabad's clock runs 3 h 5 min fast
  p.isl.Ok({"enterprise", "set", id, "website", "huawei.com.pk"});
  std::string digest = p.bj.Digest();
  std::string imported = Send(p.isl, p.bj, p.files);
  CHECK(imported.find("1 held: ") != std::string::npos);
  CHECK(imported.find("clock is 3 h 5 min ahead") != std::string::npos);
  CHECK(imported.find("(islamabad)") != std::string::npos);
  CHECK(p.bj.Field(id, "website") == "null");
  CHECK(p.bj.Digest() == digest);

  std::string held = p.bj.Ok({"held", "list"});
  CHECK(held.find("ahead") != std::string::npos);
  CHECK(held.find(isl_device.substr(0, 8)) != std::string::npos);
  Run held_json = p.bj.Json({"held", "list"});
  CHECK(held_json.out.find("\"device\": \"" + isl_device + "\"") != std::string::npos);
  CHECK(held_json.out.find("\"accepted\": false") != std::string::npos);
  // The commit's own time, 3 h 5 min past Beijing's clock.
  CHECK(held_json.out.find("\"time\": \"2024-06-15T07:05:00.000Z\"") != std::string::npos);
  // Nothing is due yet.
  CHECK(p.bj.Ok({"held", "release"}).find("Applied 0 commits (0 changes), 1 still held") == 0);

  SECTION("an admin accepts the device's changes now") {
    std::string accepted = p.bj.Ok({"held", "accept", isl_device.substr(0, 16)});
    CHECK(accepted.find("Applied 1 commit (1 change), 0 still held") == 0);
    CHECK(p.bj.Field(id, "website") == "huawei.com.pk");
    CHECK(p.bj.Ok({"held", "list"}).find("(none)") != std::string::npos);
    CHECK(p.bj.Digest() == p.isl.Digest());
  }
  SECTION("they apply by themselves once their time has come") {
    p.bj.clock.Advance(3 * kHour + 5 * 60'000);
    Run released = p.bj.Json({"held", "release"});
    CHECK(released.out.find("\"applied\": 1") != std::string::npos);
    CHECK(p.bj.Field(id, "website") == "huawei.com.pk");
    CHECK(p.bj.Digest() == p.isl.Digest());
  }
  SECTION("accepting a device with nothing held is refused") {
    Run r = p.bj({"held", "accept", "ffffffff"});
    CHECK(r.code == 1);
    CHECK(r.err.find("no held changes") != std::string::npos);
  }
}

// [SECTION] Duplicates

TEST_CASE("The same enterprise added at both offices is found, merged and unmerged everywhere",
          "[cli][replication]") {
  Pair p;
  // Both offices meet Huawei at a fair, offline.
  std::string keep = p.bj.AddEnterprise(kHuawei);
  p.isl.clock.Advance(60'000);
  std::string other =
      p.isl.AddEnterprise({"--country", "CN", "--name", "华为", "--uscc", "914403001922038216"});
  p.isl.Ok(
      {"contact", "add", "--enterprise", other, "--name", "Li Wei", "--mobile", "13800138000"});
  Send(p.bj, p.isl, p.files);
  Send(p.isl, p.bj, p.files);
  CHECK(p.bj.Digest() == p.isl.Digest());

  for (Db* db : {&p.bj, &p.isl}) {
    std::string pairs = db->Ok({"duplicates", "list", "--json"});
    CHECK(pairs.find(keep) != std::string::npos);
    CHECK(pairs.find(other) != std::string::npos);
    CHECK(pairs.find("914403001922038216") != std::string::npos);
  }
  std::string human = p.bj.Ok({"duplicates", "list"});
  CHECK(human.find("1. ") == 0);
  CHECK(human.find("914403001922038216") != std::string::npos);

  Run merged = p.bj.Json({"duplicates", "merge", keep.substr(0, 20), other});
  REQUIRE(merged.code == 0);
  CHECK(merged.out.find("\"kept\": \"" + keep + "\"") != std::string::npos);
  auto check_merged = [&](Db& db) {
    std::string list = db.Ok({"enterprise", "list"});
    CHECK(list.find(keep) != std::string::npos);
    CHECK(list.find(other) == std::string::npos);
    CHECK(db.Ok({"contact", "list", keep}).find("Li Wei") != std::string::npos);
    CHECK(db.Ok({"duplicates", "list"}).find(other) == std::string::npos);
  };
  check_merged(p.bj);
  Send(p.bj, p.isl, p.files);
  check_merged(p.isl);
  CHECK(p.bj.Digest() == p.isl.Digest());

  CHECK(p.bj({"duplicates", "merge", keep, other}).code == 1);  // already merged
  CHECK(p.bj({"duplicates", "merge", keep}).code == 2);

  p.isl.Ok({"duplicates", "unmerge", other});
  Send(p.isl, p.bj, p.files);
  for (Db* db : {&p.bj, &p.isl}) {
    std::string list = db->Ok({"enterprise", "list"});
    CHECK(list.find(keep) != std::string::npos);
    CHECK(list.find(other) != std::string::npos);
    CHECK(db->Ok({"contact", "list", other}).find("Li Wei") != std::string::npos);
  }
  CHECK(p.bj.Digest() == p.isl.Digest());
}

// [SECTION] Output contracts

TEST_CASE("digest prints one line of 64 hex digits, also as JSON", "[cli][replication]") {
  Pair p;
  std::string digest = p.bj.Digest();
  Run json = p.bj.Json({"digest"});
  REQUIRE(json.code == 0);
  CHECK(json.out == "{\n  \"digest\": \"" + digest + "\"\n}\n");
  Run fresh = Db()({"digest"});
  CHECK(fresh.code == 1);
  CHECK(fresh.err.find("no workspace yet") != std::string::npos);
  // Help lists the new commands in the user's language.
  std::string help = p.bj.Ok({"help", "changes", "--lang", "zh"});
  CHECK(help.find("dosti changes import FILE") != std::string::npos);
  CHECK(help.find("变更文件") != std::string::npos);
}
