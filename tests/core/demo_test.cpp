// The demo data set: deterministic, and covering what the reports and screens need.
#include <catch2/catch.hpp>
#include <map>
#include <regex>
#include <set>

#include "dosti/demo.h"
#include "dosti/session.h"
#include "session_fixture.h"

namespace dosti {
namespace {

constexpr Date kToday{2025, 3, 15};

struct DemoWorkspace {
  ManualClock clock{DaysFromCivil(kToday) * 86'400'000 + 4 * 3'600'000};  // noon in Beijing
  SeededRandom random{5};
  std::unique_ptr<Session> session;
  int64_t written = 0;
  DemoWorkspace(int enterprises, uint64_t seed) {
    auto s = Session::Open(":memory:", {&clock, &random});
    REQUIRE(s);
    session = std::move(*s);
    REQUIRE(session->Init("beijing", ""));
    auto r = SeedDemo(*session, enterprises, seed);
    if (!r) FAIL(r.error().message);
    written = *r;
  }
  Session* operator->() { return session.get(); }
};

// A 200-enterprise demo (the CLI's default), seeded once per test process.
DemoWorkspace& Demo200() {
  static DemoWorkspace w(200, 1);
  return w;
}

bool SameFields(const Fields& a, const Fields& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].value != b[i].value) return false;
  }
  return true;
}

// Record counts per table, through the facade.
std::map<std::string, size_t> Counts(Session& s) {
  std::map<std::string, size_t> n;
  auto enterprises = s.ListEnterprises();
  REQUIRE(enterprises);
  n["enterprise"] = enterprises->size();
  for (const Record& e : *enterprises) {
    auto contacts = s.ListContacts(e.id);
    REQUIRE(contacts);
    n["contact"] += contacts->size();
    auto view = s.GetEnterprise(e.id);
    REQUIRE(view);
    n["enterprise_identifier"] += view->identifiers.size();
    auto enrollment = s.GetEnrollment(e.id);
    REQUIRE(enrollment);
    if (*enrollment) {
      ++n["enrollment"];
      auto history = s.StageHistory((*enrollment)->id);
      REQUIRE(history);
      n["enrollment_stage"] += history->size();
    }
  }
  auto services = s.ListServiceLogs();
  REQUIRE(services);
  n["service_log"] = services->size();
  auto follow_ups = s.ListFollowUps(testing::IncludingDone());
  REQUIRE(follow_ups);
  n["follow_up"] = follow_ups->size();
  auto matches = s.ListMatches();
  REQUIRE(matches);
  n["matchmaking"] = matches->size();
  auto events = s.ListEvents();
  REQUIRE(events);
  n["event"] = events->size();
  return n;
}

}  // namespace

TEST_CASE("Seeding the demo twice with the same seed and clock gives the same records",
          "[core][demo]") {
  DemoWorkspace a(40, 7), b(40, 7);
  CHECK(a.written == b.written);
  auto ea = a->ListEnterprises(), eb = b->ListEnterprises();
  REQUIRE(ea);
  REQUIRE(eb);
  REQUIRE(ea->size() == 40);
  REQUIRE(ea->size() == eb->size());
  for (size_t i = 0; i < ea->size(); ++i) {
    CHECK((*ea)[i].Text("name") == (*eb)[i].Text("name"));
    CHECK(SameFields((*ea)[i].fields, (*eb)[i].fields));
  }
  CHECK(Counts(*a.session) == Counts(*b.session));
  auto sa = a->ListServiceLogs(), sb = b->ListServiceLogs();
  REQUIRE(sa);
  REQUIRE(sb);
  REQUIRE(sa->size() == sb->size());
  for (size_t i = 0; i < sa->size(); ++i) CHECK(SameFields((*sa)[i].fields, (*sb)[i].fields));

  DemoWorkspace other(40, 8);
  auto eo = other->ListEnterprises();
  REQUIRE(eo);
  std::set<std::string> names_a, names_o;
  for (const Record& r : *ea) names_a.insert(r.Text("name"));
  for (const Record& r : *eo) names_o.insert(r.Text("name"));
  CHECK(names_a != names_o);
}

TEST_CASE("The demo counts what it wrote and reports progress every ten enterprises",
          "[core][demo]") {
  ManualClock clock(DaysFromCivil(kToday) * 86'400'000);
  SeededRandom random(3);
  auto s = Session::Open(":memory:", {&clock, &random});
  REQUIRE(s);
  REQUIRE((*s)->Init("islamabad", ""));
  std::vector<int64_t> done;
  auto r = SeedDemo(**s, 25, 2, [&](int64_t d, int64_t total, std::string_view what) {
    CHECK(total == 25);
    if (what == "enterprises") done.push_back(d);
  });
  REQUIRE(r);
  CHECK(done == std::vector<int64_t>{10, 20, 25});
  auto counts = Counts(**s);
  size_t sum = 0;
  for (const auto& [table, n] : counts) sum += n;
  // Not every table is visible through the facade (matchmaking stages, participations), so
  // the facade shows at most what was written.
  CHECK(static_cast<int64_t>(sum) <= *r);
  CHECK(counts["enterprise"] == 25);

  auto too_few = SeedDemo(**s, 1, 1);
  REQUIRE_FALSE(too_few);
  CHECK(too_few.error().code == ErrorCode::kInvalid);
}

TEST_CASE("The demo can be seeded on any date, before the programme started or years later",
          "[core][demo]") {
  for (Date today : {Date{2023, 6, 1}, Date{2023, 9, 3}, Date{2030, 1, 1}}) {
    INFO(FormatDate(today));
    ManualClock clock(DaysFromCivil(today) * 86'400'000);
    SeededRandom random(9);
    auto s = Session::Open(":memory:", {&clock, &random});
    REQUIRE(s);
    REQUIRE((*s)->Init("beijing", ""));
    auto r = SeedDemo(**s, 20, 1);
    if (!r) FAIL(r.error().message);
    auto logs = (*s)->ListServiceLogs();
    REQUIRE(logs);
    for (const Record& log : *logs) {
      CHECK(log.Text("service_date") >= "2023-09-01");
      CHECK(log.Text("service_date") <= FormatDate(today));
    }
  }
}

TEST_CASE("Demo enterprises are half Chinese and half Pakistani with realistic names and ids",
          "[core][demo]") {
  DemoWorkspace& w = Demo200();
  auto all = w->ListEnterprises();
  REQUIRE(all);
  REQUIRE(all->size() == 200);
  std::map<std::string, int> per_country;
  std::set<std::string> names;
  int checksum_warnings = 0, valid_uscc = 0;
  static const std::regex ntn("^[0-9]{8}$"), secp("^[0-9]{7}$");
  for (const Record& e : *all) {
    std::string country = e.Text("country");
    ++per_country[country];
    names.insert(e.Text("name"));
    CHECK(e.Text("region").substr(0, 3) == country + "-");
    CHECK_FALSE(e.Text("city").empty());
    auto view = w->GetEnterprise(e.id);
    REQUIRE(view);
    if (country == "CN") {
      CHECK(e.Text("name").find("有限公司") != std::string::npos);
      CHECK_FALSE(e.Text("name_en").empty());
    } else {
      static const std::regex pk_suffix(".* \\((Pvt\\.|Private|SMC-Private)\\) (Ltd|Limited)$");
      CHECK(std::regex_match(e.Text("name"), pk_suffix));
    }
    for (const Identifier& id : view->identifiers) {
      if (id.type == IdentifierType::kCnUscc) {
        REQUIRE(id.value.size() == 18);
        bool matches = UsccCheckCharacter(id.value.substr(0, 17)) == id.value[17];
        CHECK(matches == (id.check == IdentifierCheck::kValid));
        (matches ? valid_uscc : checksum_warnings)++;
      } else if (id.type == IdentifierType::kPkNtn) {
        CHECK(std::regex_match(id.value, ntn));
        CHECK(DisplayIdentifier(id.type, id.value)[7] == '-');
      } else if (id.type == IdentifierType::kPkSecp) {
        CHECK(std::regex_match(id.value, secp));
      }
    }
  }
  CHECK(per_country["CN"] == 100);
  CHECK(per_country["PK"] == 100);
  CHECK(names.size() == 200);
  CHECK(valid_uscc > 50);
  CHECK(checksum_warnings >= 1);
  CHECK(checksum_warnings < valid_uscc / 4);

  // Urdu names for Pakistani enterprises, found by the search.
  auto hits = w->Search("سسٹمز");
  REQUIRE(hits);
  CHECK_FALSE(hits->empty());
}

TEST_CASE("Demo contacts have plausible mobiles, consent for most, WeChat and WhatsApp",
          "[core][demo]") {
  DemoWorkspace& w = Demo200();
  auto all = w->ListEnterprises();
  REQUIRE(all);
  int contacts = 0, consented = 0, wechat = 0, whatsapp = 0;
  static const std::regex cn_mobile("^\\+861[3-9][0-9]{9}$"), pk_mobile("^\\+923[0-9]{9}$");
  for (const Record& e : *all) {
    auto list = w->ListContacts(e.id);
    REQUIRE(list);
    REQUIRE_FALSE(list->empty());
    for (const Record& c : *list) {
      ++contacts;
      consented += c.Int("consent_contact") == 1;
      if (e.Text("country") == "CN") {
        CHECK(std::regex_match(c.Text("mobile"), cn_mobile));
        CHECK_FALSE(c.Text("latin_name").empty());
        wechat += !c.Text("wechat").empty();
      } else {
        CHECK(std::regex_match(c.Text("mobile"), pk_mobile));
        CHECK_FALSE(c.Text("name_ur").empty());
        whatsapp += !c.Text("whatsapp").empty();
      }
    }
  }
  CHECK(consented * 10 > contacts * 7);
  CHECK(consented < contacts);
  CHECK(wechat > 0);
  CHECK(whatsapp > 0);
}

TEST_CASE("Demo services cover the seven categories and the twelve months ending today",
          "[core][demo]") {
  DemoWorkspace w(30, 4);  // small on purpose: coverage must not depend on volume
  auto logs = w->ListServiceLogs();
  REQUIRE(logs);
  std::set<std::string> categories, months;
  for (const Record& s : *logs) {
    categories.insert(s.Text("category"));
    months.insert(s.Text("service_date").substr(0, 7));
    CHECK(s.Text("service_date") <= FormatDate(kToday));
    CHECK(s.Int("minutes") >= 30);
    CHECK(s.Int("minutes") <= 240);
  }
  CHECK(categories.size() == kServiceCategories.size());
  std::set<std::string> expected;
  for (int back = 0; back < 12; ++back) expected.insert(FormatMonth(AddMonths(kToday, -back)));
  CHECK(months == expected);

  auto follow_ups = w->ListFollowUps(testing::IncludingDone());
  REQUIRE(follow_ups);
  std::set<std::string> statuses;
  for (const Record& f : *follow_ups) statuses.insert(f.Text("status"));
  CHECK(statuses.count("done"));
  CHECK(statuses.count("open"));
  auto overdue = w->ListFollowUps(testing::OverdueOnly());
  REQUIRE(overdue);
  CHECK_FALSE(overdue->empty());
}

TEST_CASE("Demo enrollments reach every stage with about seventy selected per country",
          "[core][demo]") {
  DemoWorkspace& w = Demo200();
  auto all = w->ListEnterprises();
  REQUIRE(all);
  std::map<std::string, std::map<std::string, int>> stages;  // country → stage → count
  for (const Record& e : *all) {
    auto n = w->GetEnrollment(e.id);
    REQUIRE(n);
    if (*n) ++stages[e.Text("country")][(*n)->Text("stage")];
  }
  for (const char* country : {"CN", "PK"}) {
    for (std::string_view stage : kEnrollmentStages) {
      INFO(country << " " << stage);
      CHECK(stages[country][std::string(stage)] > 0);
    }
    int selected =
        stages[country]["selected"] + stages[country]["active"] + stages[country]["completed"];
    CHECK(selected >= 60);
    CHECK(selected <= 90);
  }
}

TEST_CASE("Demo matchmaking pairs a CN and a PK enterprise at every stage", "[core][demo]") {
  DemoWorkspace& w = Demo200();
  auto matches = w->ListMatches();
  REQUIRE(matches);
  std::set<std::string> stages;
  for (const Record& m : *matches) {
    stages.insert(m.Text("stage"));
    auto cn = w->GetEnterprise(m.Text("cn_enterprise_id"));
    auto pk = w->GetEnterprise(m.Text("pk_enterprise_id"));
    REQUIRE(cn);
    REQUIRE(pk);
    CHECK(cn->record.Text("country") == "CN");
    CHECK(pk->record.Text("country") == "PK");
    if (m.Text("stage") == "closed_lost") CHECK_FALSE(m.Text("lost_reason").empty());
  }
  CHECK(stages.size() == kMatchmakingStages.size());
}

TEST_CASE("The demo has a CIFTIS trade fair, a training in Islamabad and a webinar",
          "[core][demo]") {
  DemoWorkspace& w = Demo200();
  auto events = w->ListEvents();
  REQUIRE(events);
  std::map<std::string, Record> by_kind;
  for (const Record& e : *events) by_kind[e.Text("kind")] = e;
  REQUIRE(by_kind.count("trade_fair"));
  CHECK(by_kind["trade_fair"].Text("name").rfind("CIFTIS 2024", 0) == 0);
  CHECK(by_kind["trade_fair"].Text("city") == "Beijing");
  REQUIRE(by_kind.count("training"));
  CHECK(by_kind["training"].Text("city") == "Islamabad");
  CHECK(by_kind.count("webinar"));
  // Attending the training fanned out to service logs that name the event.
  auto logs = w->ListServiceLogs();
  REQUIRE(logs);
  int from_training = 0;
  for (const Record& s : *logs) from_training += s.Text("event_id") == by_kind["training"].id;
  CHECK(from_training > 0);
}

}  // namespace dosti
