// Events and participation (DOMAIN.md model and workflow 5) and the event-yield report: one
// participation per event and enterprise, the service log a training offers, and what each
// event brought in, as of now and as of a date.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "dosti/session.h"
#include "session_fixture.h"

using namespace dosti;
using dosti::testing::MsAt;
using dosti::testing::Must;
using dosti::testing::Workspace;

namespace {

std::string Event(Workspace& w, const std::string& kind, const std::string& name,
                  const std::string& start, const std::string& end = "") {
  Fields f{{"kind", kind}, {"name", name}, {"start_date", start}};
  if (!end.empty()) f.push_back({"end_date", end});
  return Must(w->AddEvent(f)).id;
}

ParticipationSaved Attend(Workspace& w, const std::string& event, const std::string& enterprise,
                          const std::string& status = "attended", const std::string& contact = "") {
  Fields f{{"event_id", event}, {"enterprise_id", enterprise}, {"status", status}};
  if (!contact.empty()) f.push_back({"contact_id", contact});
  return Must(w->AddParticipation(f));
}

int64_t Participations(Workspace& w) {
  int64_t n = 0;
  for (const Record& e : Must(w->ListEvents())) n += e.Int("attended");
  return n;
}

const EventYieldRow& Row(const EventYieldReport& r, const std::string& event) {
  for (const EventYieldRow& row : r.rows) {
    if (row.event_id == event) return row;
  }
  FAIL("no row for event " << event);
  throw 0;
}

}  // namespace

TEST_CASE(
    "An enterprise has one participation per event, which attending after registering updates",
    "[core][events]") {
  Workspace w("beijing");
  std::string fair = Event(w, "trade_fair", "中国—巴基斯坦博览会", "2024-06-01", "2024-06-03");
  std::string e = w.PlainEnterprise("CN", "博览会参展有限公司");

  ParticipationSaved first = Attend(w, fair, e, "registered");
  CHECK(Must(w->ListEvents()).front().Int("attended") == 0);
  ParticipationSaved again = Attend(w, fair, e, "attended");
  CHECK(again.id == first.id);
  CHECK(Must(w->ListEvents()).front().Int("attended") == 1);

  // Records merged into the enterprise are the same enterprise: no second participation,
  // whichever of them is named, and none counted twice.
  std::string dup = w.PlainEnterprise("CN", "博览会参展有限公司（重复）");
  std::string dup2 = w.PlainEnterprise("CN", "博览会参展有限公司（又一重复）");
  Must(w->MergeDuplicates(e, dup));
  Must(w->MergeDuplicates(e, dup2));
  CHECK(Attend(w, fair, dup).id == first.id);
  std::string seminar = Event(w, "seminar", "投资政策研讨会", "2024-06-05");
  std::string on_dup = Attend(w, seminar, dup).id;
  CHECK(Attend(w, seminar, dup2).id == on_dup);
  CHECK(Attend(w, seminar, e).id == on_dup);
  CHECK(Participations(w) == 2);
  // The fair's one participation, under the name of the enterprise it was made for.
  auto at_fair = Must(w->ListParticipations(fair));
  REQUIRE(at_fair.size() == 1);
  CHECK(at_fair[0].id == first.id);
  CHECK(at_fair[0].Text("enterprise_name") == "博览会参展有限公司");
  CHECK(at_fair[0].Text("status") == "attended");
  CHECK(w->ListParticipations("ffffffffffff").error().code == ErrorCode::kNotFound);

  // A contact of another enterprise, or a status not in the list, changes nothing.
  std::string other = w.PlainEnterprise("CN", "另一家企业有限公司");
  std::string stranger =
      Must(w->AddContact({{"enterprise_id", other}, {"full_name", std::string("王芳")}})).id;
  auto wrong =
      w->AddParticipation({{"event_id", fair}, {"enterprise_id", e}, {"contact_id", stranger}});
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().key == "service.contact_elsewhere");
  auto bad = w->AddParticipation(
      {{"event_id", fair}, {"enterprise_id", other}, {"status", std::string("came")}});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == ErrorCode::kInvalid);
  CHECK(Participations(w) == 2);
}

TEST_CASE("A training attended offers one service log for the enterprise", "[core][events]") {
  Workspace w("beijing");
  std::string training = Event(w, "training", "出口合规培训", "2024-06-10");
  std::string fair = Event(w, "trade_fair", "中国—巴基斯坦博览会", "2024-06-01");
  std::string e = w.PlainEnterprise("CN", "培训学员有限公司");

  CHECK_FALSE(Attend(w, training, e, "registered").offers_service_log);
  CHECK(Attend(w, training, e, "attended").offers_service_log);
  CHECK_FALSE(Attend(w, fair, e, "attended").offers_service_log);

  Must(w->AddServiceLog({{"enterprise_id", e},
                         {"category", std::string("training")},
                         {"event_id", training},
                         {"delivery_mode", std::string("event")},
                         {"summary", std::string("出口合规培训")}}));
  CHECK_FALSE(Attend(w, training, e, "attended").offers_service_log);
}

TEST_CASE("A training is logged once for every attending enterprise, and twice logs nobody twice",
          "[core][events]") {
  Workspace w("beijing");
  std::string training = Event(w, "training", "出口合规培训", "2024-06-10");
  std::string a = w.PlainEnterprise("CN", "培训学员甲有限公司");
  std::string b = w.PlainEnterprise("CN", "培训学员乙有限公司");
  std::string b_dup = w.PlainEnterprise("CN", "培训学员乙有限公司（重复）");
  std::string logged = w.PlainEnterprise("CN", "已有记录有限公司");
  std::string absent = w.PlainEnterprise("CN", "缺席有限公司");
  std::string li =
      Must(w->AddContact({{"enterprise_id", a}, {"full_name", std::string("李明")}})).id;
  Attend(w, training, a, "attended", li);
  Attend(w, training, b_dup);
  Must(w->MergeDuplicates(b, b_dup));
  Attend(w, training, b);  // the same enterprise as b_dup: one participation, one log
  Attend(w, training, logged);
  Attend(w, training, absent, "no_show");
  Must(w->AddServiceLog({{"enterprise_id", logged},
                         {"category", std::string("training")},
                         {"event_id", training},
                         {"summary", std::string("出口合规培训")}}));

  const Fields fields{{"category", std::string("training")},
                      {"minutes", std::string("240")},
                      {"summary", std::string("出口合规培训：原产地规则")}};
  AttendeeServicesSaved saved = Must(w->LogServiceForAttendees(training, fields));
  REQUIRE(saved.logs.size() == 2);
  CHECK(saved.already_logged == 1);
  // In participation order (by creation: the test clock stands still, so compare as sets).
  std::vector<std::string> served = saved.enterprise_ids;
  std::vector<std::string> expected{a, b_dup};
  std::sort(served.begin(), served.end());
  std::sort(expected.begin(), expected.end());
  CHECK(served == expected);
  const std::size_t of_a = saved.enterprise_ids[0] == a ? 0 : 1;
  Record first = Must(w->GetServiceLog(saved.logs[of_a].id));
  CHECK(first.Text("event_id") == training);
  CHECK(first.Text("contact_id") == li);  // the participation's contact
  CHECK(first.Text("service_date") == "2024-06-10");  // the event's start
  CHECK(first.Text("delivery_mode") == "event");
  CHECK(first.Int("minutes") == 240);
  CHECK(saved.logs[of_a].follow_up_due == "2024-06-17");  // the booth's default: a week later
  // The training no longer offers a log to anyone; a second call logs nobody.
  CHECK_FALSE(Attend(w, training, a).offers_service_log);
  AttendeeServicesSaved again = Must(w->LogServiceForAttendees(training, fields));
  CHECK(again.logs.empty());
  CHECK(again.already_logged == 3);

  // A log refused for one attendee refuses them all: a later attendee and a summary missing.
  std::string late = w.PlainEnterprise("CN", "迟到学员有限公司");
  std::string other = w.PlainEnterprise("CN", "另一学员有限公司");
  Attend(w, training, late);
  Attend(w, training, other);
  auto refused = w->LogServiceForAttendees(training, {{"category", std::string("training")}});
  REQUIRE_FALSE(refused);
  ServiceFilter of_late;
  of_late.enterprise_id = late;
  CHECK(Must(w->ListServiceLogs(of_late)).empty());
  auto unknown = w->LogServiceForAttendees("0123456789abcdef0123456789abcdef", fields);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == ErrorCode::kNotFound);
}

// What each event brought in. One fair in Beijing on 1–3 June 2024 with a Chinese enterprise
// nominated before it and selected after it, one nominated after it, one registered, one that
// did not come, and a Pakistani enterprise selected at 23:30 on 10 June in Islamabad (02:30 on
// 11 June in Beijing, where this device is); a training still to come.
TEST_CASE("Event yield counts who attended and who was nominated or selected after the event",
          "[core][events][reports]") {
  Workspace w("beijing");
  std::string early = w.CompleteEnterprise("CN", "会前提名有限公司", "91110000600037341L");
  std::string late = w.CompleteEnterprise("CN", "会后提名有限公司", "91230184MA1BUFLT44");
  std::string registered = w.PlainEnterprise("CN", "报名未到有限公司");
  std::string absent = w.PlainEnterprise("CN", "缺席有限公司");
  std::string pk = w.CompleteEnterprise("PK", "Margalla Software", "1234567-8");
  std::string ayesha = Must(w->ListContacts(pk)).front().id;
  w.clock.Set(MsAt({2024, 5, 20}));
  Must(w->Enroll(early, "nominated"));

  std::string fair = Event(w, "trade_fair", "中国—巴基斯坦博览会", "2024-06-01", "2024-06-03");
  std::string training = Event(w, "training", "出口合规培训", "2024-06-20");
  Attend(w, fair, early);
  Attend(w, fair, late);
  Attend(w, fair, pk, "attended", ayesha);
  Attend(w, fair, registered, "registered");
  Attend(w, fair, absent, "no_show");

  w.clock.Set(MsAt({2024, 6, 5}));
  Must(w->Enroll(early, "selected"));
  w.clock.Set(MsAt({2024, 6, 10}, 18) + 30 * 60'000);  // 23:30 in Islamabad
  Must(w->Enroll(pk, "selected"));
  w.clock.Set(MsAt({2024, 6, 12}));
  Must(w->Enroll(late, "nominated"));
  w.clock.Set(MsAt({2024, 6, 16}));

  SECTION("as of now: every event, everything recorded") {
    EventYieldReport r = Must(w->ReportEventYield());
    CHECK(r.now);
    REQUIRE(r.rows.size() == 2);
    CHECK(r.rows[0].event_id == training);  // latest first
    const EventYieldRow& row = Row(r, fair);
    CHECK(row.kind == "trade_fair");
    CHECK(row.start_date == "2024-06-01");
    CHECK(row.office == "beijing");
    CHECK(row.registered == 1);
    CHECK(row.enterprises == 3);
    CHECK(row.contacts == 1);
    CHECK(row.nominated == 3);  // selected counts as having got past nominated
    CHECK(row.selected == 2);
    CHECK(Row(r, training).enterprises == 0);
  }
  SECTION("as of 10 June: the events begun by then, cut in each home office's calendar") {
    EventYieldReport r = Must(w->ReportEventYield(Date{2024, 6, 10}));
    CHECK_FALSE(r.now);
    REQUIRE(r.rows.size() == 1);
    // The Pakistani selection was on 10 June in Islamabad, Pakistan's home office.
    CHECK(r.rows[0].nominated == 2);
    CHECK(r.rows[0].selected == 2);
    REQUIRE(r.cuts.size() == 2);
    CHECK(r.cuts[0].country == "CN");
    CHECK(r.cuts[0].calendar == "beijing");
    CHECK(r.cuts[1].country == "PK");
    CHECK(r.cuts[1].time_zone == "Asia/Karachi");
  }
  SECTION("as of 4 June: a nomination before the fair is not its yield") {
    EventYieldReport r = Must(w->ReportEventYield(Date{2024, 6, 4}));
    REQUIRE(r.rows.size() == 1);
    CHECK(r.rows[0].enterprises == 3);
    CHECK(r.rows[0].nominated == 0);
    CHECK(r.rows[0].selected == 0);
  }
  SECTION("archived enterprises are not counted") {
    Must(w->ArchiveEnterprise(late, true));
    CHECK(Row(Must(w->ReportEventYield()), fair).enterprises == 2);
  }
}
