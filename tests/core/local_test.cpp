// The local state the sync layer keeps in the database (Session::Local*, Atomically).
#include <catch2/catch.hpp>

#include "dosti/replica.h"
#include "session_fixture.h"

using dosti::testing::Workspace;

TEST_CASE("local blobs: put, get, list by prefix, delete, outside the digest", "[local]") {
  Workspace w;
  auto digest = w->Digest();
  REQUIRE(digest);
  REQUIRE(dosti::Replica(*w.session).LocalPut("env", std::string("a\0\x01", 3), "one"));
  REQUIRE(dosti::Replica(*w.session).LocalPut("env", std::string("a\0\x02", 3), std::string("t\0o", 3)));
  REQUIRE(dosti::Replica(*w.session).LocalPut("env", std::string("a\xff", 2), "ff"));
  REQUIRE(dosti::Replica(*w.session).LocalPut("env", "b", ""));
  REQUIRE(dosti::Replica(*w.session).LocalPut("other", "a", "x"));
  REQUIRE(dosti::Replica(*w.session).LocalPut("env", std::string("a\0\x01", 3), "uno"));  // replaces

  auto one = dosti::Replica(*w.session).LocalGet("env", std::string("a\0\x01", 3));
  REQUIRE(one);
  REQUIRE(one->has_value());
  CHECK(**one == "uno");
  auto empty = dosti::Replica(*w.session).LocalGet("env", "b");
  REQUIRE(empty);
  REQUIRE(empty->has_value());
  CHECK((*empty)->empty());
  auto none = dosti::Replica(*w.session).LocalGet("env", "zz");
  REQUIRE(none);
  CHECK(!none->has_value());

  auto a = dosti::Replica(*w.session).LocalList("env", "a");
  REQUIRE(a);
  REQUIRE(a->size() == 3);
  CHECK((*a)[1].second == std::string("t\0o", 3));
  CHECK((*a)[2].first == std::string("a\xff", 2));
  auto after = dosti::Replica(*w.session).LocalList("env", "a", std::string("a\0\x01", 3), 1);
  REQUIRE(after);
  REQUIRE(after->size() == 1);
  CHECK((*after)[0].first == std::string("a\0\x02", 3));
  auto all = dosti::Replica(*w.session).LocalList("env");
  REQUIRE(all);
  CHECK(all->size() == 4);

  REQUIRE(dosti::Replica(*w.session).LocalDelete("env", "b"));
  CHECK(dosti::Replica(*w.session).LocalList("env")->size() == 3);
  CHECK(*w->Digest() == *digest);
}

TEST_CASE("Atomically: record changes and local blobs commit together or not at all", "[local]") {
  Workspace w;
  auto before = w->ListEnterprises();
  REQUIRE(before);
  auto failed = w->Atomically([&]() -> dosti::Result<void> {
    auto saved = w->AddEnterprise({{"country", std::string("CN")}, {"name", std::string("甲公司")}});
    if (!saved) return saved.error();
    if (auto r = dosti::Replica(*w.session).LocalPut("log", "k", "v"); !r) return r;
    return dosti::MakeError(dosti::ErrorCode::kInvalid, "test.stop");
  });
  CHECK(!failed);
  CHECK(w->ListEnterprises()->size() == before->size());
  CHECK(!dosti::Replica(*w.session).LocalGet("log", "k")->has_value());

  REQUIRE(w->Atomically([&]() -> dosti::Result<void> {
    auto saved = w->AddEnterprise({{"country", std::string("CN")}, {"name", std::string("乙公司")}});
    if (!saved) return saved.error();
    return dosti::Replica(*w.session).LocalPut("log", "k", "v");
  }));
  CHECK(w->ListEnterprises()->size() == before->size() + 1);
  CHECK(dosti::Replica(*w.session).LocalGet("log", "k")->has_value());
}

TEST_CASE("a device id given to Init or JoinAsReplica must be 32 lowercase hex digits", "[local]") {
  dosti::ManualClock clock(1'700'000'000'000);
  dosti::SeededRandom random(1);
  auto s = dosti::Session::Open(":memory:", {&clock, &random});
  REQUIRE(s);
  CHECK(!(*s)->Init("beijing", "", "ABC"));
  auto info = (*s)->Init("beijing", "", "0123456789abcdef0123456789abcdef");
  REQUIRE(info);
  CHECK(info->device_id == "0123456789abcdef0123456789abcdef");
  auto r = dosti::Session::Open(":memory:", {&clock, &random});
  REQUIRE(r);
  CHECK(!dosti::Replica(*(*r)).JoinAsReplica("islamabad", "", "king"));
  auto joined = dosti::Replica(*(*r)).JoinAsReplica("islamabad", "fedcba9876543210fedcba9876543210", "booth");
  REQUIRE(joined);
  CHECK(joined->device_id == "fedcba9876543210fedcba9876543210");
}
