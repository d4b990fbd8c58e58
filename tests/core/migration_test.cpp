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
#include "session_impl.h"
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

namespace {

// How many rows of `sql` (a count query) the database file at `path` holds now.
int64_t CountIn(const std::string& path, const char* sql) {
  auto db = Db::Open(path);
  REQUIRE(db);
  auto n = (*db)->QueryInt(sql);
  REQUIRE(n);
  return *n;
}

}  // namespace

TEST_CASE("A schema 5 database is upgraded to 6: old rows adopted once, search and clock go on",
          "[core][migration]") {
  TempDb file("v5");
  std::string old_id;
  std::string device;
  int64_t last_hlc = 0, last_seq = 0;
  {
    dosti::testing::Workspace w("beijing", file.path);
    auto e = w->AddEnterprise({{"country", std::string("CN")},
                               {"name", std::string("中兴通讯股份有限公司")}});
    REQUIRE(e);
    old_id = e->id;
    device = w->Info()->device_id;
  }
  {
    // Back to schema 5 as the Dosti before it left it, with one row written before change
    // capture (no clock) that it had not adopted yet.
    auto db = Db::Open(file.path);
    REQUIRE(db);
    REQUIRE((*db)->Exec(dosti::testing::kUndoSchema6));
    REQUIRE((*db)->Exec(
        "INSERT INTO enterprise(id, created_at, updated_at, origin_device, country, name)"
        " VALUES ('00000000000000000000000000000002', 1, 1, '" + device +
        "', 'PK', 'Indus Motor Company');"));
    last_hlc = *(*db)->QueryInt("SELECT max(hlc) FROM commit_log");
    last_seq = *(*db)->QueryInt("SELECT max(seq) FROM commit_log");
    REQUIRE(*SchemaVersion(**db) == 5);
  }
  {
    auto s = Session::Open(file.path);
    REQUIRE(s);
    CHECK((*s)->Info()->schema_version == kSchemaVersion);
    // The row without a clock joined the log as this device's next commit.
    auto frontier = dosti::Replica(**s).GetFrontier();
    REQUIRE(frontier);
    CHECK(frontier->at(device) == last_seq + 1);
    // Enterprises from before and after the upgrade are found; the new one's commit is later.
    auto added = (*s)->AddEnterprise({{"country", std::string("PK")},
                                      {"name", std::string("Karakoram Textile Mills")}});
    REQUIRE(added);
    for (const char* q : {"中兴通讯", "Indus Motor", "Karakoram"}) {
      auto hits = (*s)->Search(q);
      REQUIRE(hits);
      CHECK(hits->size() == 1);
    }
    CHECK((*s)->impl().store->last_hlc() > last_hlc);
  }
  // Adopted once: the mark is gone, the hlc index is there, the insert trigger is not.
  CHECK(CountIn(file.path, "SELECT count(*) FROM local_setting WHERE key = 'rows_to_adopt'") == 0);
  CHECK(CountIn(file.path, "SELECT count(*) FROM enterprise WHERE clock IS NULL") == 0);
  CHECK(CountIn(file.path, "SELECT count(*) FROM sqlite_schema WHERE name = 'commit_log_hlc'") ==
        1);
  // The log keeps every commit, now in a table with rowids (bodies out of its key).
  CHECK(CountIn(file.path, "SELECT count(*) FROM commit_log") == last_seq + 2);
  CHECK(CountIn(file.path, "SELECT count(*) FROM sqlite_schema WHERE name = 'commit_log' AND "
                           "sql LIKE '%WITHOUT ROWID%'") == 0);
  CHECK(CountIn(file.path,
                "SELECT count(*) FROM sqlite_schema WHERE name = 'enterprise_fts_insert'") == 0);
}

TEST_CASE("Opening an initialised workspace does not look through its tables",
          "[core][migration]") {
  TempDb file("open");
  std::string device;
  int64_t last_seq = 0;
  {
    dosti::testing::Workspace w("islamabad", file.path);
    REQUIRE(w->AddEnterprise({{"country", std::string("PK")}, {"name", std::string("Indus")}}));
    device = w->Info()->device_id;
    last_seq = w->impl().store->frontier().at(device);
  }
  {
    // A row without a clock now can only have been written behind Dosti's back: opening
    // no longer searches every table for such rows (a full scan of each, at every command).
    auto db = Db::Open(file.path);
    REQUIRE(db);
    REQUIRE((*db)->Exec(
        "INSERT INTO enterprise(id, created_at, updated_at, origin_device, country, name)"
        " VALUES ('00000000000000000000000000000003', 1, 1, '" + device +
        "', 'PK', 'Behind the back');"));
  }
  auto s = Session::Open(file.path);
  REQUIRE(s);
  auto frontier = dosti::Replica(**s).GetFrontier();
  REQUIRE(frontier);
  CHECK(frontier->at(device) == last_seq);
  CHECK(CountIn(file.path, "SELECT count(*) FROM enterprise WHERE clock IS NULL") == 1);
}
