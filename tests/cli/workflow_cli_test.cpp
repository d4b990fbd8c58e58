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
  CHECK(Contains(past.out,
                 "2024-06-14 (China by Beijing time, Pakistan by Islamabad time)"));
  CHECK(Contains(past.out, "China 0/100"));
  Run zh = cli({"--lang", "zh", "report", "progress", "--as-of", "2024-06-14"});
  CHECK(Contains(zh.out, "中国按北京时间、巴基斯坦按伊斯兰堡时间"));

  Run json = cli.Json({"report", "progress"});
  CHECK(Contains(json.out, "\"now\": true"));
  CHECK(JsonText(json.out, "calendar") == "beijing");
  CHECK(JsonText(json.out, "time_zone") == "Asia/Shanghai");
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
  REQUIRE(cli({"followup", "add", "--enterprise", id, "--due", "2024-06-01", "--assignee",
               "Li Na"})
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

TEST_CASE("--csv with --json is a usage error", "[cli][reports][csv]") {
  Cli cli;
  cli.Init();
  RequireUsage(cli({"report", "progress", "--csv", "--json"}));
}
