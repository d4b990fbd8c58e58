// FilePool (dosti/vfs.h): SQLite's files and small whole files in a fixed set of slots, the
// browser's storage. The slots here are memory that keeps only what was flushed when the test
// "crashes" (SQLite's test6.c idea): what a save reported as done must survive that.
#include <catch2/catch.hpp>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "core/session_fixture.h"
#include "dosti/session.h"
#include "dosti/vfs.h"
#include "core/memory_slots.h"

namespace dosti {
namespace {

using testing::LossySlots;
using testing::Must;

struct Clocked {
  ManualClock clock{testing::MsAt({2024, 6, 15})};
  SeededRandom random{7};
  SessionOptions Options(const FilePool& pool) {
    SessionOptions o{&clock, &random};
    o.vfs = pool.vfs();
    return o;
  }
};

TEST_CASE("A database kept in a file pool reads back after it is closed and opened again",
          "[core][storage]") {
  LossySlots slots(6);
  Clocked c;
  std::string id;
  {
    auto pool = Must(FilePool::Open(slots, "pool-reopen"));
    auto s = Must(Session::Open("dosti.db", c.Options(*pool)));
    Must(s->Init("beijing", "Booth"));
    id = Must(s->AddEnterprise(
                  {{"country", std::string("CN")}, {"name", std::string("华为技术有限公司")}}))
             .id;
    auto files = pool->Files();
    CHECK(std::find(files.begin(), files.end(), "dosti.db") != files.end());
  }
  auto pool = Must(FilePool::Open(slots, "pool-reopen"));
  auto s = Must(Session::Open("dosti.db", c.Options(*pool)));
  CHECK(Must(s->GetEnterprise(id)).record.Text("name") == "华为技术有限公司");
  CHECK(Must(s->Search("华为", 5)).size() == 1);
}

TEST_CASE("A save reported done survives a crash right after it", "[core][storage]") {
  LossySlots slots(6);
  Clocked c;
  std::string first, second;
  std::vector<std::string> at_crash;
  {
    auto pool = Must(FilePool::Open(slots, "pool-crash"));
    auto s = Must(Session::Open("dosti.db", c.Options(*pool)));
    Must(s->Init("islamabad", "Booth"));
    first = Must(s->AddEnterprise(
                     {{"country", std::string("PK")}, {"name", std::string("Lahore Textiles")}}))
                .id;
    second = Must(s->AddEnterprise(
                      {{"country", std::string("PK")}, {"name", std::string("کراچی اسٹیل")}}))
                 .id;
    // The crash comes now: only what was flushed by then is kept. (Closing the session below
    // would checkpoint and flush more; the crash does not wait for that.)
    at_crash = slots.durable;
  }
  slots.durable = at_crash;
  slots.Crash();
  auto pool = Must(FilePool::Open(slots, "pool-crash"));
  auto s = Must(Session::Open("dosti.db", c.Options(*pool)));
  CHECK(Must(s->GetEnterprise(first)).record.Text("name") == "Lahore Textiles");
  CHECK(Must(s->GetEnterprise(second)).record.Text("name") == "کراچی اسٹیل");
}

TEST_CASE("The crash of the pool tests loses what was not flushed", "[core][storage]") {
  // The harness itself: without a flush a write is gone after a crash, so the test above would
  // see a save that was not flushed as lost.
  LossySlots slots(2);
  REQUIRE(slots.Write(0, "abc", 3, 0));
  slots.Crash();
  CHECK(slots.Size(0) == 0);
  REQUIRE(slots.Write(1, "abc", 3, 0));
  REQUIRE(slots.Flush(1));
  slots.Crash();
  CHECK(slots.Size(1) == 3);
}

TEST_CASE("Whole files in a pool are created once and read back and removed", "[core][storage]") {
  LossySlots slots(3);
  auto pool = Must(FilePool::Open(slots, "pool-files"));
  CHECK(Must(pool->ReadFile("dosti.db.key")) == std::nullopt);
  Must(pool->CreateFile("dosti.db.key", std::string("secret\0bytes", 12)));
  CHECK(Must(pool->ReadFile("dosti.db.key")) == std::string("secret\0bytes", 12));
  auto again = pool->CreateFile("dosti.db.key", "other");
  REQUIRE_FALSE(again);
  CHECK(again.error().code == ErrorCode::kAlreadyInitialised);
  CHECK(again.error().key == "storage.file_exists");
  CHECK(Must(pool->ReadFile("dosti.db.key")) == std::string("secret\0bytes", 12));
  // Kept across a crash (it was flushed), and found by a pool opened anew.
  slots.Crash();
  pool.reset();
  pool = Must(FilePool::Open(slots, "pool-files"));
  CHECK(Must(pool->ReadFile("dosti.db.key")) == std::string("secret\0bytes", 12));
  CHECK(pool->FreeSlots() == 2);
  Must(pool->RemoveFile("dosti.db.key"));
  CHECK(Must(pool->ReadFile("dosti.db.key")) == std::nullopt);
  CHECK(pool->FreeSlots() == 3);
  Must(pool->RemoveFile("dosti.db.key"));  // twice is the same as once
}

TEST_CASE("A file whose name was not yet written when the pool crashed is not there",
          "[core][storage]") {
  LossySlots slots(2);
  auto pool = Must(FilePool::Open(slots, "pool-torn"));
  Must(pool->CreateFile("a.key", "0123456789"));
  // A crash while the header of a new file is half written: the slot's header does not check.
  std::string header = slots.now[0].substr(0, kSlotHeaderBytes);
  slots.durable[1] = header.substr(0, 100) + std::string("0123456789");
  slots.Crash();
  pool.reset();
  pool = Must(FilePool::Open(slots, "pool-torn"));
  CHECK(pool->Files() == std::vector<std::string>{"a.key"});
  CHECK(pool->FreeSlots() == 1);
}

TEST_CASE("A full pool refuses a new file and changes nothing", "[core][storage]") {
  LossySlots slots(1);
  auto pool = Must(FilePool::Open(slots, "pool-full"));
  Must(pool->CreateFile("one", "1"));
  auto r = pool->CreateFile("two", "2");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::kTooLarge);
  CHECK(r.error().key == "storage.full");
  CHECK(pool->Files() == std::vector<std::string>{"one"});
  CHECK(Must(pool->ReadFile("one")) == "1");
}

TEST_CASE("A write the storage refuses fails the save and keeps the records as they were",
          "[core][storage]") {
  LossySlots slots(6);
  Clocked c;
  auto pool = Must(FilePool::Open(slots, "pool-refuse"));
  auto s = Must(Session::Open("dosti.db", c.Options(*pool)));
  Must(s->Init("beijing", "Booth"));
  slots.fail_writes = true;
  auto r = s->AddEnterprise({{"country", std::string("CN")}, {"name", std::string("Refused Ltd")}});
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::kStorage);
  slots.fail_writes = false;
  EnterpriseQuery q;
  CHECK(Must(s->QueryEnterprises(q)).total == 0);
}

TEST_CASE("Two pools cannot take one VFS name", "[core][storage]") {
  LossySlots a(1), b(1);
  auto first = Must(FilePool::Open(a, "pool-name"));
  auto second = FilePool::Open(b, "pool-name");
  REQUIRE_FALSE(second);
  CHECK(second.error().key == "storage.vfs_taken");
  first.reset();
  CHECK(FilePool::Open(b, "pool-name"));  // free again once the first is gone
}

TEST_CASE("Slots as plain files keep a database across pools", "[core][storage][native]") {
  char dir[] = "/tmp/dosti-slots-XXXXXX";
  REQUIRE(mkdtemp(dir));
  Clocked c;
  std::string id;
  {
    auto slots = Must(SlotFilesIn(dir, 4));
    auto pool = Must(FilePool::Open(*slots, "pool-posix"));
    auto s = Must(Session::Open("dosti.db", c.Options(*pool)));
    Must(s->Init("beijing", "Booth"));
    id = Must(s->AddEnterprise({{"country", std::string("CN")}, {"name", std::string("Slot Co")}}))
             .id;
  }
  auto slots = Must(SlotFilesIn(dir, 4));
  auto pool = Must(FilePool::Open(*slots, "pool-posix"));
  auto s = Must(Session::Open("dosti.db", c.Options(*pool)));
  CHECK(Must(s->GetEnterprise(id)).record.Text("name") == "Slot Co");
  s.reset();
  pool.reset();
  slots.reset();
  for (int i = 0; i < 4; ++i)
    std::remove((std::string(dir) + "/slot-" + std::to_string(i)).c_str());
  ::rmdir(dir);
}

}  // namespace
}  // namespace dosti
