// Replication through the command line: two or three databases (Beijing `init`, Islamabad
// joined with an invite and approved), each with its own manual clock, exchanging signed and
// encrypted bundles with `bundle export/import`, all through RunCli as a user or a script
// would. Checks the properties of DESIGN.md §3 at the CLI: convergence (`digest`), field-level
// merge, conflicts and their resolution, idempotent import, damaged files, clock skew (held
// commits) and the merge of duplicate enterprises.
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
    for (const char* suffix : {"", "-wal", ".key"}) {
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

// A bundle of what `from` has that the others may lack, imported by `to`. Returns the
// import's stdout.
std::string Send(Db& from, Db& to, TempFiles& files) {
  std::string bundle = files.New(".bundle");
  from.Ok({"bundle", "export", "--out", bundle});
  return to.Ok({"bundle", "import", bundle});
}

// Everything `from` has, as a bundle file.
std::string ExportAll(Db& from, TempFiles& files) {
  std::string bundle = files.New(".bundle");
  from.Ok({"bundle", "export", "--out", bundle});
  return bundle;
}

std::string JsonString(const std::string& json, const std::string& key) {
  std::smatch m;
  if (!std::regex_search(json, m, std::regex("\"" + key + "\": \"([^\"]*)\""))) return {};
  return m[1].str();
}

// `device` joins Beijing's workspace with an invite; its join reaches the admin in a bundle and
// the admin approves it with the code the device shows. It has no records yet.
void Join(Db& admin, Db& device, TempFiles& files, const std::string& office = "islamabad") {
  std::string invite = files.New(".invite");
  admin.Ok({"invite", "create", "--role", "office", "--office", office, "--passphrase",
            "a long passphrase", "--out", invite});
  std::string joined = device.Ok({"join", invite, "--passphrase", "a long passphrase", "--json"});
  Send(device, admin, files);
  admin.Ok({"device", "approve", JsonString(joined, "device"), "--code",
            JsonString(joined, "code")});
}

// A Beijing workspace and an Islamabad device that has received it.
struct Pair {
  Db bj, isl;
  TempFiles files;
  Pair() {
    bj.Ok({"init", "--office", "beijing"});
    Join(bj, isl, files);
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

TEST_CASE("A joined, approved device's records arrive with a bundle", "[cli][replication]") {
  Db bj, isl;
  TempFiles files;
  bj.Ok({"init", "--office", "beijing"});
  std::string huawei = bj.AddEnterprise(kHuawei);
  Join(bj, isl, files);

  // Before its records arrive the device refuses record commands with the core's message,
  // but can already show its (empty) state and take bundles.
  Run early = isl({"enterprise", "list"});
  CHECK(early.code == 1);
  CHECK(early.err.find("has not received its records yet") != std::string::npos);
  CHECK(isl.Ok({"conflicts", "list"}).find("(none)") != std::string::npos);
  CHECK(isl.Ok({"held", "list"}).find("(none)") != std::string::npos);
  CHECK(isl.Ok({"info"}).find("not received yet") != std::string::npos);

  std::string file = ExportAll(bj, files);
  CHECK(ReadAll(file).rfind("DHBUNDL1", 0) == 0);
  std::string imported = isl.Ok({"bundle", "import", file});
  CHECK(imported.find("rejected 0") != std::string::npos);
  CHECK(imported.find("Held back") == std::string::npos);
  CHECK(isl.Ok({"enterprise", "list"}).find(huawei) != std::string::npos);
  CHECK(isl.Field(huawei, "city") == "深圳");

  // Beijing lacks the device's own device record until the other way round.
  CHECK(bj.Digest() != isl.Digest());
  Send(isl, bj, files);
  CHECK(bj.Digest() == isl.Digest());

  SECTION("a second join into the same database is refused") {
    std::string invite = files.New(".invite");
    bj.Ok({"invite", "create", "--role", "booth", "--office", "beijing", "--passphrase",
           "another passphrase", "--out", invite});
    Run again = isl({"join", invite, "--passphrase", "another passphrase"});
    CHECK(again.code == 1);
    CHECK(again.err.find("already belongs to a workspace") != std::string::npos);
  }
  SECTION("a missing database is refused, not created") {
    Db missing;
    Run r = missing({"bundle", "import", file});
    CHECK(r.code == 1);
    CHECK(r.err.find("no workspace yet") != std::string::npos);
    CHECK_FALSE(std::ifstream(missing.path()).good());
  }
}

TEST_CASE("bundle export --for DEVICE holds only what that device's receipt lacks",
          "[cli][replication]") {
  Pair p;
  std::string isl = p.isl.DeviceId();
  std::string none = p.files.New(".bundle");
  p.bj.Ok({"bundle", "export", "--out", none, "--for", isl});
  Run nothing_new = p.isl.Json({"bundle", "import", none});
  REQUIRE(nothing_new.code == 0);
  CHECK(nothing_new.out.find("\"changes\": 0") != std::string::npos);
  p.bj.AddEnterprise({"--country", "PK", "--name", "Indus Motors"});
  std::string one = p.files.New(".bundle");
  p.bj.Ok({"bundle", "export", "--out", one, "--for", isl.substr(0, 8)});
  Run got = p.isl.Json({"bundle", "import", one});
  REQUIRE(got.code == 0);
  CHECK(got.out.find("\"changes\": 0") == std::string::npos);
  CHECK(p.bj.Digest() == p.isl.Digest());
  Run unknown = p.bj({"bundle", "export", "--out", one, "--for", "ffffffffff"});
  CHECK(unknown.code == 1);
  CHECK(unknown.err.find("no device") != std::string::npos);
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
  p.isl.Ok({"bundle", "import", ExportAll(p.bj, p.files)});
  p.bj.Ok({"bundle", "import", ExportAll(p.isl, p.files)});
  // World 2: Islamabad → Beijing, then Beijing → Islamabad.
  bj2->Ok({"bundle", "import", ExportAll(*isl2, p.files)});
  isl2->Ok({"bundle", "import", ExportAll(*bj2, p.files)});

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

TEST_CASE("Importing a bundle twice changes nothing, damaged files are reported",
          "[cli][replication]") {
  Pair p;
  p.bj.AddEnterprise(kHuawei);
  p.bj.AddEnterprise({"--country", "PK", "--name", "Systems Limited", "--ntn", "1234567-8"});
  std::string file = ExportAll(p.bj, p.files);
  p.isl.Ok({"bundle", "import", file});
  std::string digest = p.isl.Digest();

  std::string again = p.isl.Ok({"bundle", "import", file});
  CHECK(again.find("applied 0 envelopes (0 field changes)") != std::string::npos);
  CHECK(p.isl.Digest() == digest);
  Run json = p.isl.Json({"bundle", "import", file});
  CHECK(json.out.find("\"applied\": 0") != std::string::npos);
  CHECK(json.out.find("\"damaged\": false") != std::string::npos);

  // Damage a copy of a bundle Islamabad has not imported yet, in several ways.
  p.bj.Ok({"enterprise", "add", "--country", "CN", "--name", "新公司"});
  std::string fresh = ReadAll(ExportAll(p.bj, p.files));
  std::string damaged = p.files.New(".bundle");
  auto refused = [&](const std::string& bytes, const std::string& says) {
    WriteAll(damaged, bytes);
    Run r = p.isl({"bundle", "import", damaged});
    INFO("stdout: " << r.out << "stderr: " << r.err);
    CHECK(r.code == 1);
    CHECK(r.err.find("error: ") != std::string::npos);
    CHECK(r.err.find(says) != std::string::npos);
  };
  refused("PK\x03\x04 this is a zip, not a bundle", "not a Dosti bundle file");
  refused("", "not a Dosti bundle file");
  refused(fresh.substr(0, 40), "truncated");
  std::string flipped = fresh;
  // Inside the changes envelope, before the receipt (240 bytes) and the hash and signature.
  flipped[flipped.size() - 96 - 240 - 100] ^= 0x20;
  refused(flipped, "checksum does not match");
  CHECK(p.isl.Digest() == digest);  // none of these carried the new record in
  // A file with bytes appended is reported, and its valid envelopes still count.
  refused(fresh + "x", "extra bytes");
  CHECK(p.isl.Digest() != digest);
  WriteAll(damaged, fresh);
  CHECK(p.isl.Ok({"bundle", "import", damaged}).find("applied 0 envelopes") != std::string::npos);

  Run missing = p.isl({"bundle", "import", p.files.New(".absent")});
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
  // The receive report says what the core held back, and why.
  CHECK(imported.find("Held back by the core: 1 commits") != std::string::npos);
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
  // Help lists the commands in the user's language.
  std::string help = p.bj.Ok({"help", "bundle", "--lang", "zh"});
  CHECK(help.find("dosti bundle import FILE") != std::string::npos);
  CHECK(help.find("导入同步包") != std::string::npos);
}
