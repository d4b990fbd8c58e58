// The desktop's work screens, headless, driven by scripts as an officer would: services logged
// for one enterprise and for every attendee of an event, my follow-ups, matchmaking and events,
// reports. What each did is checked through the facade on the database file.
#include <catch2/catch.hpp>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cli.h"
#include "desktop/desktop_fixture.h"
#include "dosti/file.h"
#include "dosti/session.h"

using dosti::desktop::ScreenId;
using dosti::testing::Headless;
using dosti::testing::Must;
using dosti::testing::Script;
using dosti::testing::WorkspaceFile;

namespace {

// The first live enterprise of a home country, by name.
dosti::Record First(dosti::Session& s, const std::string& country) {
  dosti::EnterpriseQuery q;
  q.country = country;
  q.limit = 1;
  auto page = Must(s.QueryEnterprises(q));
  REQUIRE(page.rows.size() == 1);
  return page.rows.front();
}

}  // namespace

TEST_CASE("A script logs a service for an enterprise found by searching, with its follow-up",
          "[desktop][services][script]") {
  WorkspaceFile w(20);
  std::string id, name;
  {
    auto s = Must(dosti::Session::Open(w.path));
    dosti::Record e = First(*s, "PK");
    id = e.id;
    name = e.Text("name");
  }
  Headless h(w.path, "en", ScreenId::kServices, Script(R"(
screen services
fill services.enterprise.search )" + name + R"(
click services.enterprise.hit.0
expect services.enterprise.chosen
click services.category
click services.category.legal
fill services.minutes 45
fill services.summary Contract review for the Karachi warehouse lease
click services.save
wait 3
)"));
  h.RunScript();
  dosti::ServiceFilter filter;
  filter.enterprise_id = id;
  dosti::Record log;
  for (const dosti::Record& r : Must(h.app().session().ListServiceLogs(filter))) {
    if (r.Text("summary") == "Contract review for the Karachi warehouse lease") log = r;
  }
  REQUIRE_FALSE(log.id.empty());
  CHECK(log.Text("category") == "legal");
  CHECK(log.Int("minutes") == 45);
  CHECK(log.Text("service_date") == dosti::FormatDate(h.app().session().Today()));
  // The booth's default follow-up: a week after the service.
  dosti::FollowUpFilter follow_ups;
  follow_ups.enterprise_id = id;
  bool found = false;
  for (const dosti::Record& f : Must(h.app().session().ListFollowUps(follow_ups))) {
    if (f.Text("subject_id") == log.id) {
      found = true;
      CHECK(f.Text("due_date") == dosti::FormatDate(dosti::AddDays(h.app().session().Today(),
                                                                   dosti::kDefaultFollowUpDays)));
    }
  }
  CHECK(found);
}

TEST_CASE("A script logs one training for every enterprise that attended an event",
          "[desktop][services][script]") {
  WorkspaceFile w(20);
  std::string event;
  std::vector<std::string> attended;
  {
    auto s = Must(dosti::Session::Open(w.path));
    event = Must(s->AddEvent({{"kind", std::string("training")},
                              {"name", std::string("Export compliance training")},
                              {"start_date", dosti::FormatDate(s->Today())}}))
                .id;
    dosti::EnterpriseQuery q;
    q.limit = 3;
    for (const dosti::Record& e : Must(s->QueryEnterprises(q)).rows) {
      Must(s->AddParticipation(
          {{"event_id", event}, {"enterprise_id", e.id}, {"status", std::string("attended")}}));
      attended.push_back(e.id);
    }
  }
  Headless h(w.path, "zh", ScreenId::kServices, Script(R"(
screen services
click attendees.event
click attendees.event.)" + event + R"(
fill attendees.summary 出口合规培训：原产地规则
click attendees.save
wait 3
)"));
  h.RunScript();
  for (const std::string& id : attended) {
    dosti::ServiceFilter filter;
    filter.enterprise_id = id;
    auto logs = Must(h.app().session().ListServiceLogs(filter));
    int of_event = 0;
    for (const dosti::Record& r : logs) of_event += r.Text("event_id") == event ? 1 : 0;
    CHECK(of_event == 1);
  }
}

TEST_CASE("My follow-ups: one is marked done, one rescheduled and one reassigned by script",
          "[desktop][followups][script]") {
  WorkspaceFile w(0);
  std::vector<std::string> ids;
  {
    auto s = Must(dosti::Session::Open(w.path));
    Must(s->SetUser("Li Wei"));
    std::string e = Must(s->AddEnterprise({{"country", std::string("CN")},
                                           {"name", std::string("北京跟进测试有限公司")}}))
                        .id;
    // Three of mine due today, tomorrow and the day after (this week), one of someone else's.
    for (int days : {0, 1, 2}) {
      ids.push_back(
          Must(s->AddFollowUp({{"subject_id", e},
                               {"due_date", dosti::FormatDate(dosti::AddDays(s->Today(), days))},
                               {"note", "call back " + std::to_string(days)}}))
              .id);
    }
    Must(s->AddFollowUp({{"subject_id", e},
                         {"assignee", std::string("Ayesha Khan")},
                         {"note", std::string("not mine")}}));
  }
  Headless h(w.path, "ur", ScreenId::kFollowUps, Script(R"(
screen followups
expect followups.table.row.2
click followups.table.row.0
click followups.done
wait 2
click followups.table.row.0
fill followups.due 2031-01-15
click followups.reschedule
wait 2
click followups.table.row.0
fill followups.assignee Ayesha Khan
click followups.reassign
wait 2
)"));
  h.RunScript();
  dosti::Session& s = h.app().session();
  dosti::FollowUpFilter all;
  all.include_done = true;
  std::map<std::string, dosti::Record> by_id;
  for (dosti::Record& r : Must(s.ListFollowUps(all))) by_id[r.id] = r;
  CHECK(by_id[ids[0]].Text("status") == "done");
  // The list is by due date: the first open one left was tomorrow's, moved to 2031, after
  // which the day after tomorrow's came first and went to Ayesha.
  CHECK(by_id[ids[1]].Text("due_date") == "2031-01-15");
  CHECK(by_id[ids[1]].Text("assignee") == "Li Wei");
  CHECK(by_id[ids[2]].Text("assignee") == "Ayesha Khan");
  // A date that is no date is refused, shown, and changes nothing.
  Headless again(w.path, "en", ScreenId::kFollowUps, Script(R"(
screen followups
click followups.show.open
expect followups.table.row.0
click followups.table.row.0
fill followups.due 15/01/2031
click followups.reschedule
expect followups.error
)"));
  again.RunScript();
  CHECK(Must(s.ListFollowUps(all)).size() == 4);
  for (dosti::Record& r : Must(s.ListFollowUps(all))) {
    if (by_id.count(r.id) != 0) CHECK(r.Text("due_date") == by_id[r.id].Text("due_date"));
  }
}

TEST_CASE("A script pairs two enterprises, moves the pair along, and a move back needs a reason",
          "[desktop][matchmaking][script]") {
  WorkspaceFile w(0);
  {
    auto s = Must(dosti::Session::Open(w.path));
    Must(s->AddEnterprise(
        {{"country", std::string("CN")}, {"name", std::string("北京对接科技有限公司")}}));
    Must(s->AddEnterprise(
        {{"country", std::string("PK")}, {"name", std::string("Indus Match Labs")}}));
  }
  Headless h(w.path, "en", ScreenId::kMatchmaking, Script(R"(
screen matchmaking
fill matchmaking.cn.search 北京对接
click matchmaking.cn.hit.0
fill matchmaking.pk.search Indus Match
click matchmaking.pk.hit.0
click matchmaking.cooperation
click matchmaking.cooperation.joint_venture
click matchmaking.add
expect matchmaking.pairs.row.0
click matchmaking.pairs.row.0
click matchmaking.move.meeting_held
expect matchmaking.move.proposed
click matchmaking.move.contacted
expect matchmaking.error
)"));
  h.RunScript();
  auto matches = Must(h.app().session().ListMatches());
  REQUIRE(matches.size() == 1);
  CHECK(matches[0].Text("cooperation_type") == "joint_venture");
  CHECK(matches[0].Text("stage") == "meeting_held");  // the move back without a reason: refused
}

TEST_CASE("A script creates an event and records an enterprise that attended it",
          "[desktop][matchmaking][script]") {
  WorkspaceFile w(0);
  std::string id;
  {
    auto s = Must(dosti::Session::Open(w.path));
    id = Must(s->AddEnterprise(
                  {{"country", std::string("PK")}, {"name", std::string("Ravi Textiles")}}))
             .id;
  }
  Headless h(w.path, "zh", ScreenId::kMatchmaking, Script(R"(
screen matchmaking
click matchmaking.tab.events
fill events.name 出口合规培训
fill events.start_date 2026-06-10
click events.create
expect events.table.row.0
fill events.enterprise.search Ravi
click events.enterprise.hit.0
click events.add
expect events.participations.row.0
)"));
  h.RunScript();
  auto events = Must(h.app().session().ListEvents());
  REQUIRE(events.size() == 1);
  CHECK(events[0].Text("kind") == "training");
  CHECK(events[0].Text("name") == "出口合规培训");
  CHECK(events[0].Int("attended") == 1);
  auto who = Must(h.app().session().ListParticipations(events[0].id));
  REQUIRE(who.size() == 1);
  CHECK(who[0].Text("enterprise_id") == id);
}

TEST_CASE("Each report exports the very CSV the dosti command writes with --csv",
          "[desktop][reports][script]") {
  WorkspaceFile w(120);
  dosti::testing::TempDir dir;
  for (std::string lang : {"en", "ur"}) {
    std::string script = "screen reports\n";
    for (std::string report : {"progress", "services", "funnel", "quality"}) {
      script += "click reports.tab." + report + "\n";
      script += "expect reports.export\n";
      script += "fill reports.csv.path " + dir.File(lang + "-" + report + ".csv") + "\n";
      script += "click reports.export\nwait 3\n";
    }
    Headless h(w.path, lang, ScreenId::kReports, Script(script));
    h.RunScript();
    for (std::string report : {"progress", "services", "funnel", "quality"}) {
      INFO(lang << " " << report);
      std::ostringstream out, err;
      dosti::cli::Environment env;
      env.dosti_db = w.path;
      REQUIRE(dosti::cli::RunCli({"--lang", lang, "report", report, "--csv"}, out, err, env) == 0);
      CHECK(Must(dosti::ReadFile(dir.File(lang + "-" + report + ".csv"))) == out.str());
    }
  }
}
