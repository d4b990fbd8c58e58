// The periods of the reports: "as of now" and "as of a date" on two offices in different time
// zones holding the same changes, and the month of the coverage report. Two real replicas,
// synced through changesets, on manual clocks.
#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "dosti/replica.h"
#include "dosti/session.h"
#include "session_fixture.h"

using namespace dosti;
using dosti::testing::MsAt;
using dosti::testing::Must;
using dosti::testing::Workspace;

namespace {

// A second device of the workspace (the other office), on its own clock.
struct Peer {
  ManualClock clock{0};
  SeededRandom random;
  std::unique_ptr<Session> session;
  Peer(uint64_t seed, const std::string& office, int64_t now_ms) : random(seed) {
    clock.Set(now_ms);
    session = Must(Session::Open(":memory:", {&clock, &random}));
    REQUIRE(Replica(*session).JoinAsReplica(office));
  }
  Session* operator->() { return session.get(); }
};

// Everything `from` has that `to` lacks.
void Send(Session& from, Session& to) {
  auto frontier = Must(Replica(to).GetFrontier());
  for (const std::string& cs : Must(Replica(from).ChangesetsFor(frontier))) {
    REQUIRE(Replica(to).ApplyChangeset(cs));
  }
}

const CountryProgress& Country(const ProgressReport& r, const std::string& c) {
  for (const CountryProgress& p : r.countries) {
    if (p.country == c) return p;
  }
  FAIL("no country " << c);
  throw 0;
}

// "CN 3/100 · PK 1/100": what both offices must agree on.
std::string Headline(const ProgressReport& r) {
  return "CN " + std::to_string(Country(r, "CN").selected) + " · PK " +
         std::to_string(Country(r, "PK").selected);
}

}  // namespace

// The case: the Beijing office selects at 00:40 on 8 December (Beijing time), which is
// 21:40 on 7 December in Islamabad; Islamabad selects a Pakistani enterprise at the same
// instant. "As of today" used to cut at each office's own calendar day, so Islamabad showed
// China 0 while Beijing showed China 3 with the same digest.
TEST_CASE(
    "Two offices holding the same changes report the same progress as of now and as of a date",
    "[core][reports][progress]") {
  const int64_t instant = MsAt({2025, 12, 7}, 16) + 40 * 60'000;  // 16:40 UTC
  Workspace beijing("beijing");
  beijing.clock.Set(instant);
  Peer islamabad(9, "islamabad", instant);
  Send(*beijing.session, *islamabad.session);

  std::string cn[3];
  for (int i = 0; i < 3; ++i) {
    const char* uscc[] = {"91110000600037341L", "91230184MA1BUFLT44", "91110108772551611J"};
    cn[i] = beijing.CompleteEnterprise("CN", "北京进度" + std::to_string(i) + "有限公司", uscc[i]);
    Must(beijing->Enroll(cn[i], "selected"));
  }
  Send(*beijing.session, *islamabad.session);
  std::string pk = Must(islamabad->AddEnterprise({{"country", std::string("PK")},
                                                  {"name", std::string("Margalla Software")},
                                                  {"sector", std::string("6201")},
                                                  {"region", std::string("PK-IS")},
                                                  {"city", std::string("Islamabad")}},
                                                 {{IdentifierType::kPkNtn, "1234567-8"}}))
                       .id;
  Must(islamabad->AddContact({{"enterprise_id", pk},
                              {"full_name", std::string("Ayesha Khan")},
                              {"consent_contact", std::string("1")}}));
  Must(islamabad->Enroll(pk, "selected"));
  Send(*islamabad.session, *beijing.session);
  REQUIRE(Must(beijing->Digest()) == Must(islamabad->Digest()));
  REQUIRE(beijing->Today() == Date{2025, 12, 8});
  REQUIRE(islamabad->Today() == Date{2025, 12, 7});

  SECTION("as of now both count everything they hold") {
    ProgressReport b = Must(beijing->ReportProgress());
    ProgressReport i = Must(islamabad->ReportProgress());
    CHECK(Headline(b) == "CN 3 · PK 1");
    CHECK(Headline(i) == "CN 3 · PK 1");
    CHECK(b.now);
    CHECK(i.now);
    // Each country's day is read in its home office's calendar, the same on both devices.
    for (const ProgressReport* r : {&b, &i}) {
      CHECK(Country(*r, "CN").as_of == Date{2025, 12, 8});
      CHECK(Country(*r, "CN").calendar == "beijing");
      CHECK(Country(*r, "CN").time_zone == "Asia/Shanghai");
      CHECK(Country(*r, "PK").as_of == Date{2025, 12, 7});
      CHECK(Country(*r, "PK").calendar == "islamabad");
      CHECK(Country(*r, "PK").time_zone == "Asia/Karachi");
    }
  }
  SECTION("as of 7 December both cut each country at its home office's midnight") {
    ProgressReport b = Must(beijing->ReportProgress(Date{2025, 12, 7}));
    ProgressReport i = Must(islamabad->ReportProgress(Date{2025, 12, 7}));
    CHECK_FALSE(b.now);
    // 16:40 UTC is after Beijing's 7 December (it ended at 16:00 UTC) and within Islamabad's.
    CHECK(Headline(b) == "CN 0 · PK 1");
    CHECK(Headline(i) == "CN 0 · PK 1");
    CHECK(Country(b, "CN").as_of == Date{2025, 12, 7});
    CHECK(Country(i, "PK").as_of == Date{2025, 12, 7});
  }
  SECTION("as of 8 December both count the selections of that night") {
    CHECK(Headline(Must(beijing->ReportProgress(Date{2025, 12, 8}))) == "CN 3 · PK 1");
    CHECK(Headline(Must(islamabad->ReportProgress(Date{2025, 12, 8}))) == "CN 3 · PK 1");
  }
}

TEST_CASE("Progress as of a date cuts at the end of the day in the home office's calendar",
          "[core][reports][progress]") {
  Workspace w("beijing");
  // 15:59 UTC is 23:59 in Beijing: still 7 December there.
  w.clock.Set(MsAt({2025, 12, 7}, 15) + 59 * 60'000);
  std::string a = w.CompleteEnterprise("CN", "甲有限公司", "91110000600037341L");
  Must(w->Enroll(a, "selected"));
  // 16:00 UTC is midnight in Beijing: 8 December.
  w.clock.Set(MsAt({2025, 12, 7}, 16));
  std::string b = w.CompleteEnterprise("CN", "乙有限公司", "91230184MA1BUFLT44");
  Must(w->Enroll(b, "selected"));
  CHECK(Country(Must(w->ReportProgress(Date{2025, 12, 7})), "CN").selected == 1);
  CHECK(Country(Must(w->ReportProgress(Date{2025, 12, 8})), "CN").selected == 2);
  CHECK(Country(Must(w->ReportProgress(Date{2025, 12, 6})), "CN").selected == 0);
}

// [SECTION] Coverage

TEST_CASE("Coverage of a month lists only enterprises selected in that month", "[core][reports]") {
  Workspace w("beijing");
  // Selected in December 2024 and served in January 2025.
  w.clock.Set(MsAt({2024, 12, 2}));
  std::string served = w.CompleteEnterprise("CN", "一月已服务有限公司", "91110000600037341L");
  Must(w->Enroll(served, "selected"));
  // Selected in January 2025 and not served.
  w.clock.Set(MsAt({2025, 1, 20}));
  std::string unserved = w.CompleteEnterprise("CN", "一月未服务有限公司", "91230184MA1BUFLT44");
  Must(w->Enroll(unserved, "selected"));
  Must(w->AddServiceLog({{"enterprise_id", served},
                         {"category", std::string("legal")},
                         {"service_date", std::string("2025-01-15")},
                         {"minutes", std::string("60")},
                         {"summary", std::string("Contract review")}},
                        std::nullopt));
  // Selected in 2026: not part of January 2025 at all.
  w.clock.Set(MsAt({2026, 3, 2}));
  std::string later = w.CompleteEnterprise("CN", "二〇二六入选有限公司", "91110108772551611J");
  Must(w->Enroll(later, "selected"));

  CoverageReport january = Must(w->ReportCoverage("2025-01"));
  CHECK(january.selected == 2);
  CHECK(january.unserved_ids == std::vector<std::string>{unserved});

  CoverageReport december = Must(w->ReportCoverage("2024-12"));
  CHECK(december.selected == 1);
  CHECK(december.unserved_ids == std::vector<std::string>{served});

  CHECK(Must(w->ReportCoverage("2024-11")).selected == 0);
  CoverageReport march = Must(w->ReportCoverage("2026-03"));
  CHECK(march.selected == 3);
  CHECK(march.unserved_ids.size() == 3);
}

TEST_CASE("Coverage keeps an enterprise for the months it was selected in, after it completed",
          "[core][reports]") {
  Workspace w("beijing");
  w.clock.Set(MsAt({2025, 1, 10}));
  std::string e = w.CompleteEnterprise("CN", "已结业有限公司", "91110000600037341L");
  Must(w->Enroll(e, "selected"));
  w.clock.Set(MsAt({2025, 3, 10}));
  Must(w->Enroll(e, "completed"));
  CHECK(Must(w->ReportCoverage("2025-02")).unserved_ids == std::vector<std::string>{e});
  CHECK(Must(w->ReportCoverage("2025-03")).selected == 1);  // selected until 10 March
  CHECK(Must(w->ReportCoverage("2025-04")).selected == 0);
}

// [SECTION] Funnel

TEST_CASE("The matchmaking funnel as of now counts the other office's pairs of its tomorrow",
          "[core][reports]") {
  const int64_t instant = MsAt({2025, 12, 7}, 16) + 40 * 60'000;  // 00:40 in Beijing
  Workspace beijing("beijing");
  beijing.clock.Set(instant);
  Peer islamabad(5, "islamabad", instant);
  std::string cn = Must(beijing->AddEnterprise({{"country", std::string("CN")},
                                                {"name", std::string("对接甲有限公司")}}))
                       .id;
  std::string pk = Must(beijing->AddEnterprise(
                            {{"country", std::string("PK")}, {"name", std::string("Ravi Foods")}}))
                       .id;
  Must(beijing->AddMatch(cn, pk, "trade"));
  Send(*beijing.session, *islamabad.session);
  FunnelReport b = Must(beijing->ReportFunnel());
  FunnelReport i = Must(islamabad->ReportFunnel());
  CHECK(b.now);
  CHECK(b.pairs == 1);
  CHECK(i.pairs == 1);
  // As of a date, a change is dated in the calendar of the office that recorded it.
  CHECK(Must(islamabad->ReportFunnel(Date{2025, 12, 7})).pairs == 0);
  CHECK(Must(islamabad->ReportFunnel(Date{2025, 12, 8})).pairs == 1);
}
