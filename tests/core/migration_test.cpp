// Databases of an older schema open and are upgraded in place, keeping every record; files
// that Dosti cannot read are refused and left untouched.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "db.h"
#include "dosti/replica.h"
#include "dosti/session.h"
#include "schema.h"
#include "session_fixture.h"
#include "store.h"

using namespace dosti;
namespace fs = std::filesystem;

namespace {

struct TempDb {
  std::string path;
  explicit TempDb(const char* name) {
    path = (fs::temp_directory_path() /
            (std::string("dosti-") + name + "-" + std::to_string(getpid()) + ".db"))
               .string();
    Clean();
  }
  ~TempDb() { Clean(); }
  void Clean() {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix);
  }
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("A version 1 database is upgraded and its enterprises become searchable",
          "[core][migration]") {
  TempDb file("v1");
  ManualClock clock(dosti::testing::MsAt({2024, 6, 15}));
  SeededRandom random(7);
  {
    // Build a database exactly as schema version 1 left it.
    auto db = Db::Open(file.path);
    REQUIRE(db);
    REQUIRE(Migrate(**db, 1));
    REQUIRE(*SchemaVersion(**db) == 1);
    // Rows as the version 1 code wrote them: plain SQL, no replication bookkeeping.
    REQUIRE((*db)->Exec(
        "INSERT INTO local_setting VALUES ('device_id', '0123456789abcdef0123456789abcdef'),"
        " ('office', 'islamabad'), ('workspace_name', 'Old');"
        "INSERT INTO programme(id, created_at, updated_at, origin_device, code, start_date,"
        " target_cn, target_pk) VALUES ('00000000000000000000000000000001', 1, 1,"
        " '0123456789abcdef0123456789abcdef', 'DH-2023', '2023-09-01', 100, 100);"
        "INSERT INTO enterprise(id, created_at, updated_at, origin_device, country, name)"
        " VALUES ('00000000000000000000000000000002', 1, 1, '0123456789abcdef0123456789abcdef',"
        " 'CN', '中兴通讯股份有限公司');"));
  }
  auto s = Session::Open(file.path, {&clock, &random});
  REQUIRE(s);
  auto info = (*s)->Info();
  REQUIRE(info);
  CHECK(info->schema_version == kSchemaVersion);
  CHECK(info->office == "islamabad");
  auto hits = (*s)->Search("中兴通讯");
  REQUIRE(hits);
  REQUIRE(hits->size() == 1);
  CHECK(hits->front().name == "中兴通讯股份有限公司");
  // The old rows joined the change log, so they replicate like new ones.
  auto frontier = dosti::Replica(*(*s)).GetFrontier();
  REQUIRE(frontier);
  CHECK(frontier->at("0123456789abcdef0123456789abcdef") == 1);
  auto changesets = dosti::Replica(*(*s)).ChangesetsFor({});
  REQUIRE(changesets);
  CHECK(changesets->size() == 1);
}

TEST_CASE("A database from a newer Dosti is refused, not guessed at", "[core][migration]") {
  TempDb file("newer");
  {
    auto db = Db::Open(file.path);
    REQUIRE(db);
    REQUIRE((*db)->Exec("PRAGMA user_version = 99"));
  }
  auto s = Session::Open(file.path);
  REQUIRE_FALSE(s);
  CHECK(s.error().code == ErrorCode::kSchemaTooNew);
  CHECK(s.error().message.find("newer Dosti") != std::string::npos);
}

TEST_CASE("A file that is not a database is refused and left untouched", "[core][migration]") {
  TempDb file("garbage");
  std::string garbage = "name,country\nnot a database at all\n";
  {
    std::ofstream out(file.path, std::ios::binary);
    out << garbage;
  }
  auto s = Session::Open(file.path);
  REQUIRE_FALSE(s);
  CHECK(s.error().code == ErrorCode::kStorage);
  CHECK(ReadAll(file.path) == garbage);
}

TEST_CASE("Records survive closing and reopening the database file", "[core][migration]") {
  TempDb file("reopen");
  std::string id;
  {
    dosti::testing::Workspace w("beijing", file.path);
    auto e = w->AddEnterprise({{"country", std::string("PK")}, {"name", std::string("Indus")}});
    REQUIRE(e);
    id = e->id;
  }
  auto s = Session::Open(file.path);
  REQUIRE(s);
  auto e = (*s)->GetEnterprise(id);
  REQUIRE(e);
  CHECK(e->record.Text("name") == "Indus");
}
