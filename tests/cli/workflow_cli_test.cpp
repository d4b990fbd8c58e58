// The daily flows from the command line (issue 9): report periods and CSV, service logs
// finalised and edited, follow-ups rescheduled, reassigned and cancelled, events and their
// yield. Each test runs `dosti` in-process on its own database and manual clock.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "cli/cli_fixture.h"

namespace {

using dosti::testing::Cli;
using dosti::testing::HasKey;
using dosti::testing::JsonInt;
using dosti::testing::JsonText;
using dosti::testing::kCompleteCn;
using dosti::testing::MsAt;
using dosti::testing::RequireRefused;
using dosti::testing::RequireUsage;
using dosti::testing::Run;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// An enterprise ready for selection, selected now; returns its id.
std::string SelectedCn(Cli& cli) {
  std::string id = cli.Add(kCompleteCn);
  REQUIRE(cli({"contact", "add", "--enterprise", id, "--name", "陈静", "--consent"}).code == 0);
  REQUIRE(cli({"enroll", id, "selected"}).code == 0);
  return id;
}

const std::string kBom = "\xEF\xBB\xBF";

}  // namespace

// [SECTION] Report periods

TEST_CASE("report progress says now, or which calendar a past date is cut by", "[cli][reports]") {
  Cli cli;
  cli.Init();
  SelectedCn(cli);
  Run now = cli({"report", "progress"});
  INFO(now.err);
  REQUIRE(now.code == 0);
  CHECK(now.out.rfind("Progress to 100 · now\n", 0) == 0);
  CHECK(Contains(now.out, "China 1/100 · Pakistan 0/100"));
  // The running month is "now" too.
  CHECK(cli({"report", "progress", "--month", "2024-06"}).out.rfind("Progress to 100 · now", 0) ==
        0);

  Run past = cli({"report", "progress", "--as-of", "2024-06-14"});
  CHECK(Contains(past.out, "2024-06-14 (China by Beijing time, Pakistan by Islamabad time)"));
  CHECK(Contains(past.out, "China 0/100"));
  Run zh = cli({"--lang", "zh", "report", "progress", "--as-of", "2024-06-14"});
  CHECK(Contains(zh.out, "中国按北京时间、巴基斯坦按伊斯兰堡时间"));

  Run json = cli.Json({"report", "progress"});
  CHECK(Contains(json.out, "\"now\": true"));
  CHECK(JsonText(json.out, "calendar") == "beijing");
  CHECK(JsonText(json.out, "time_zone") == "Asia/Shanghai");
}

TEST_CASE("report funnel as of a date says each change counts by its recording office's calendar",
          "[cli][reports]") {
  Cli cli;
  cli.Init();
  CHECK(cli({"report", "funnel"}).out.rfind("Matchmaking funnel · now\n", 0) == 0);
  Run past = cli({"report", "funnel", "--as-of", "2024-06-14"});
  CHECK(past.out.rfind("Matchmaking funnel · 2024-06-14 (each change by the calendar of the "
                       "office that recorded it)\n",
                       0) == 0);
}

// The case from the command line: the demo of an office seeded in Beijing at 00:40 on
// 8 December, read on an Islamabad device, where it is still 7 December.
TEST_CASE("report progress on a device whose calendar is a day behind counts what it holds",
          "[cli][reports]") {
  Cli cli;
  cli.clock.Set(MsAt({2025, 12, 7}, 16) + 40 * 60'000);  // 00:40 in Beijing, 21:40 in Islamabad
  cli.Init("islamabad");
  std::string id = cli.Add(kCompleteCn);
  REQUIRE(cli({"contact", "add", "--enterprise", id, "--name", "陈静", "--consent"}).code == 0);
  REQUIRE(cli({"enroll", id, "selected"}).code == 0);
  CHECK(Contains(cli({"report", "progress"}).out, "China 1/100"));
  CHECK(Contains(cli({"report", "progress", "--as-of", "2025-12-07"}).out, "China 0/100"));
}

TEST_CASE("report coverage --month lists only what was selected in that month", "[cli][reports]") {
  Cli cli;
  cli.clock.Set(MsAt({2026, 3, 2}));
  cli.Init();
  SelectedCn(cli);  // selected in 2026
  Run january = cli.Json({"report", "coverage", "--month", "2025-01"});
  REQUIRE(january.code == 0);
  CHECK(JsonInt(january.out, "selected") == 0);
  CHECK(Contains(january.out, "\"unserved_ids\": []"));
  CHECK(JsonInt(cli.Json({"report", "coverage", "--month", "2026-03"}).out, "selected") == 1);
}

// [SECTION] Reports as CSV

TEST_CASE("Every report prints as CSV with a byte order mark, CRLF and its table's header",
          "[cli][reports][csv]") {
  Cli cli;
  cli.Init();
  std::string id = SelectedCn(cli);
  REQUIRE(cli({"service", "add", "--enterprise", id, "--category", "legal", "--date", "2024-06-03",
               "--minutes", "90", "--summary", "Contract review, \"urgent\""})
              .code == 0);
  REQUIRE(cli({"followup", "add", "--enterprise", id, "--due", "2024-06-01", "--assignee", "Li Na"})
              .code == 0);
  struct Case {
    std::string report;
    std::string header;  // the first row
    std::string row;     // a row that must be there
  };
  std::vector<Case> cases = {
      {"progress", "Stage,China,Pakistan", "Selected,1,0"},
      {"services", "Category,Logs,Enterprises,Hours,China,Pakistan,Beijing,Islamabad",
       "Legal services,1,1,1.5,1,0,1,0"},
      {"funnel", "Stage,Reached,Conversion,Median days", "Pairs,0"},
      {"followups", "Assignee,Office,Open,Overdue,Due this week", "Li Na,Beijing,1,1,0"},
      {"quality", "Kind,Record,ID,Message", ""},
      {"coverage", "ID,Name", "Selected,1"},
      {"landing", "Landing,China,Pakistan", "none,1,0"},
      {"events", "Start,Kind,Name,Registered,Attended,Contacts,Later nominated,Later selected", ""},
  };
  for (const Case& k : cases) {
    INFO(k.report);
    Run r = cli({"report", k.report, "--csv"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    REQUIRE(r.out.rfind(kBom + k.header + "\r\n", 0) == 0);
    CHECK(r.out.size() >= 2);
    CHECK(r.out.substr(r.out.size() - 2) == "\r\n");
    if (!k.row.empty()) CHECK(Contains(r.out, "\r\n" + k.row + "\r\n"));
    // Neither the text heading nor a JSON brace.
    CHECK_FALSE(Contains(r.out, " · "));
  }
  // The cells are whole (not cut to a terminal's width) and in the language asked for.
  Run zh = cli({"--lang", "zh", "report", "services", "--csv"});
  CHECK(Contains(zh.out, "法律服务,1,1,1.5"));
}

TEST_CASE("A report asked for with both --csv and --json is a usage error", "[cli][reports][csv]") {
  Cli cli;
  cli.Init();
  RequireUsage(cli({"report", "progress", "--csv", "--json"}));
}

// [SECTION] Service logs

TEST_CASE("service add takes today, 15 minutes and a follow-up in 7 days unless told otherwise",
          "[cli][service]") {
  Cli cli;
  cli.Init();
  std::string id = cli.Add({"--country", "CN", "--name", "展位便签有限公司"});
  Run r = cli.Json({"service", "add", "--enterprise", id, "--category", "policy", "--summary",
                    "Asked about visas"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(JsonText(r.out, "follow_up_due") == "2024-06-22");
  std::string log = Cli::Id(r.out);
  Run got = cli.Json({"service", "get", log});
  CHECK(JsonText(got.out, "service_date") == "2024-06-15");
  CHECK(JsonInt(got.out, "minutes") == 15);

  Run none = cli.Json({"service", "add", "--enterprise", id, "--category", "legal", "--summary",
                       "Contract review", "--no-follow-up"});
  REQUIRE(none.code == 0);
  CHECK(Contains(none.out, "\"follow_up_due\": null"));
  RequireUsage(cli({"service", "add", "--enterprise", id, "--category", "legal", "--summary", "x",
                    "--no-follow-up", "--follow-up-days", "3"}));
  CHECK(dosti::testing::CountIds(cli.Json({"followup", "list"}).out) == 1);
}

TEST_CASE("service set finalises a draft, corrects a final log and never drafts it again",
          "[cli][service]") {
  Cli cli;
  cli.Init();
  std::string id = cli.Add({"--country", "CN", "--name", "草稿定稿有限公司"});
  Run added = cli.Json({"service", "add", "--enterprise", id, "--category", "legal", "--date",
                        "2024-06-03", "--summary", "Booth chat", "--draft", "--no-follow-up"});
  REQUIRE(added.code == 0);
  std::string log = Cli::Id(added.out);
  CHECK(Contains(cli.Json({"report", "services"}).out, "\"legal\": {\n      \"logs\": 0"));
  REQUIRE(cli({"service", "set", log, "minutes", "60"}).code == 0);
  Run final = cli({"service", "set", log.substr(0, 12), "state", "final"});
  INFO(final.err);
  REQUIRE(final.code == 0);
  CHECK(final.out.rfind("Saved service log " + log, 0) == 0);
  Run got = cli.Json({"service", "get", log});
  CHECK(JsonText(got.out, "state") == "final");
  CHECK(JsonInt(got.out, "minutes") == 60);
  CHECK(Contains(cli.Json({"report", "services"}).out, "\"legal\": {\n      \"logs\": 1"));

  Run back = cli({"service", "set", log, "state", "draft"});
  RequireRefused(back);
  CHECK(Contains(back.err, "final"));
  RequireRefused(cli({"service", "set", log, "minutes", "5"}));
  RequireRefused(cli({"service", "set", log, "colour", "red"}));
  RequireUsage(cli({"service", "set", log, "minutes"}));
  CHECK(JsonInt(cli.Json({"service", "get", log}).out, "minutes") == 60);
  Run zh = cli({"--lang", "zh", "service", "get", log});
  CHECK(Contains(zh.out, "法律服务"));
}

// [SECTION] Follow-ups

TEST_CASE("followup set reschedules and reassigns, cancel cancels, list shows the assignee",
          "[cli][followup]") {
  Cli cli;
  cli.Init();
  std::string id = cli.Add({"--country", "CN", "--name", "跟进改期有限公司"});
  Run added = cli.Json({"followup", "add", "--enterprise", id, "--due", "2024-06-10"});
  REQUIRE(added.code == 0);
  std::string f = Cli::Id(added.out);
  REQUIRE(cli({"followup", "set", f, "due", "2024-06-18"}).code == 0);
  REQUIRE(cli({"followup", "set", f, "assignee", "Li Na"}).code == 0);
  Run list = cli({"followup", "list"});
  CHECK(Contains(list.out, "Assignee"));
  CHECK(Contains(list.out, "2024-06-18"));
  CHECK(Contains(list.out, "Li Na"));
  RequireRefused(cli({"followup", "set", f, "due", "next Tuesday"}));
  RequireRefused(cli({"followup", "set", f, "enterprise_id", id}));
  CHECK(JsonText(cli.Json({"followup", "list"}).out, "due_date") == "2024-06-18");

  Run cancel = cli.Json({"followup", "cancel", f.substr(0, 10)});
  REQUIRE(cancel.code == 0);
  CHECK(JsonText(cancel.out, "status") == "cancelled");
  CHECK(cli.Json({"followup", "list"}).out == "[]\n");
  CHECK(JsonText(cli.Json({"followup", "list", "--all"}).out, "status") == "cancelled");
}

TEST_CASE("followup list --mine and --week", "[cli][followup]") {
  Cli cli;
  cli.Init();
  std::string id = cli.Add({"--country", "PK", "--name", "Weekly Traders"});
  auto add = [&](const std::string& due, const std::string& who) {
    Run r = cli.Json({"followup", "add", "--enterprise", id, "--due", due, "--assignee", who});
    REQUIRE(r.code == 0);
    return Cli::Id(r.out);
  };
  std::string mine_now = add("2024-06-17", "Ayesha Khan");
  std::string mine_later = add("2024-07-01", "Ayesha Khan");
  std::string theirs = add("2024-06-16", "Li Na");
  Run who = cli({"followup", "list", "--mine"});
  RequireRefused(who);
  CHECK(Contains(who.err, "dosti user set"));
  REQUIRE(cli({"user", "set", "Ayesha Khan"}).code == 0);
  CHECK(cli({"user", "show"}).out == "Ayesha Khan\n");
  CHECK(JsonText(cli.Json({"info"}).out, "user") == "Ayesha Khan");
  Run mine = cli.Json({"followup", "list", "--mine"});
  CHECK(dosti::testing::CountIds(mine.out) == 2);
  CHECK(Contains(mine.out, mine_now));
  CHECK(Contains(mine.out, mine_later));
  Run week = cli.Json({"followup", "list", "--week"});
  CHECK(dosti::testing::CountIds(week.out) == 2);
  CHECK(Contains(week.out, theirs));
  Run both = cli.Json({"followup", "list", "--mine", "--week"});
  CHECK(dosti::testing::CountIds(both.out) == 1);
  CHECK(Contains(both.out, mine_now));
}

TEST_CASE("The follow-up of a service note is listed in the reader's language", "[cli][followup]") {
  Cli cli;
  cli.Init();
  std::string id = cli.Add({"--country", "CN", "--name", "语言跟进有限公司"});
  REQUIRE(cli({"service", "add", "--enterprise", id, "--category", "legal", "--date", "2024-06-14",
               "--summary", "合同审查"})
              .code == 0);
  CHECK(Contains(cli({"--lang", "zh", "followup", "list"}).out,
                 "跟进 2024-06-14 的服务（法律服务）"));
  CHECK(Contains(cli({"followup", "list"}).out, "Follow-up to the service of 2024-06-14"));
  // Scripts get the structured row: no stored note, the service it follows.
  Run json = cli.Json({"followup", "list"});
  CHECK(Contains(json.out, "\"note\": null"));
  CHECK(JsonText(json.out, "service_category") == "legal");
}

// [SECTION] Events

TEST_CASE("event add, list and attend, and the offer of a training's service log",
          "[cli][events]") {
  Cli cli;
  cli.Init();
  std::string id = cli.Add({"--country", "CN", "--name", "活动参加有限公司"});
  Run fair = cli.Json({"event", "add", "--kind", "trade_fair", "--name", "中国—巴基斯坦博览会",
                       "--start", "2024-06-01", "--end", "2024-06-03", "--city", "北京"});
  INFO(fair.err);
  REQUIRE(fair.code == 0);
  std::string fair_id = Cli::Id(fair.out);
  Run training = cli({"event", "add", "--kind", "training", "--name", "Export compliance",
                      "--start", "2024-06-10", "--office", "islamabad"});
  REQUIRE(training.code == 0);
  CHECK(training.out.rfind("Added event ", 0) == 0);
  std::string training_id = training.out.substr(training.out.find_last_of(' ') + 1, 32);

  Run registered = cli.Json({"event", "attend", fair_id, id, "--status", "registered"});
  REQUIRE(registered.code == 0);
  Run attended = cli.Json({"event", "attend", fair_id.substr(0, 16), id, "--role", "visitor"});
  INFO(attended.err);
  REQUIRE(attended.code == 0);
  CHECK(Cli::Id(attended.out) == Cli::Id(registered.out));  // one participation, updated
  CHECK(Contains(attended.out, "\"offers_service_log\": false"));

  Run list = cli({"event", "list"});
  CHECK(list.out.find("Export compliance") < list.out.find("中国—巴基斯坦博览会"));
  CHECK(Contains(list.out, "Trade fair"));
  Run json = cli.Json({"event", "list"});
  CHECK(dosti::testing::CountIds(json.out) == 2);
  CHECK(Contains(json.out, "\"attended\": 1"));
  CHECK(Contains(cli({"--lang", "zh", "event", "list"}).out, "展会"));

  // A training attended: the service log is offered, as the command that makes it.
  Run trained = cli({"event", "attend", training_id, id});
  REQUIRE(trained.code == 0);
  CHECK(Contains(trained.out, "dosti service add --enterprise " + id +
                                  " --category training --event " + training_id));
  REQUIRE(cli({"service", "add", "--enterprise", id, "--category", "training", "--event",
               training_id, "--mode", "event", "--summary", "Export compliance"})
              .code == 0);
  CHECK_FALSE(Contains(cli({"event", "attend", training_id, id}).out, "dosti service add"));

  RequireUsage(cli({"event", "add", "--kind", "party", "--name", "x", "--start", "2024-06-01"}));
  RequireUsage(cli({"event", "attend", fair_id, id, "--status", "came"}));
  RequireRefused(cli({"event", "add", "--kind", "seminar", "--name", "x", "--start", "2024-06-05",
                      "--end", "2024-06-01"}));
  RequireRefused(cli({"event", "attend", fair_id, "0123456789abcdef"}));
  CHECK(dosti::testing::CountIds(cli.Json({"event", "list"}).out) == 2);
}

TEST_CASE("report events shows each event's yield as of now or cut by the home offices' calendars",
          "[cli][events][reports]") {
  Cli cli;
  cli.Init();
  std::string fair = Cli::Id(cli.Json({"event", "add", "--kind", "trade_fair", "--name",
                                       "中国—巴基斯坦博览会", "--start", "2024-06-01"})
                                 .out);
  std::string id = cli.Add(kCompleteCn);
  REQUIRE(cli({"contact", "add", "--enterprise", id, "--name", "陈静", "--consent"}).code == 0);
  REQUIRE(cli({"event", "attend", fair, id}).code == 0);
  REQUIRE(cli({"enroll", id, "selected"}).code == 0);  // 15 June, after the fair

  Run text = cli({"report", "events"});
  INFO(text.err);
  REQUIRE(text.code == 0);
  CHECK(text.out.rfind("Event yield · now", 0) == 0);
  CHECK(Contains(text.out, "Later selected"));
  Run json = cli.Json({"report", "events"});
  CHECK(JsonInt(json.out, "enterprises") == 1);
  CHECK(JsonInt(json.out, "nominated") == 1);
  CHECK(JsonInt(json.out, "selected") == 1);
  CHECK(JsonText(json.out, "calendar") == "beijing");

  Run past = cli({"report", "events", "--as-of", "2024-06-10"});
  CHECK(Contains(past.out, "2024-06-10 (China by Beijing time"));
  CHECK(JsonInt(cli.Json({"report", "events", "--as-of", "2024-06-10"}).out, "selected") == 0);
  Run csv = cli({"--lang", "zh", "report", "events", "--csv"});
  // The date carries the spreadsheets' text mark (dosti/csv.h), so Excel keeps it as written.
  CHECK(Contains(csv.out, "\r\n'2024-06-01,展会,中国—巴基斯坦博览会,0,1,0,1,1\r\n"));
}
