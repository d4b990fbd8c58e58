// Reports: report progress|services|funnel|followups|quality|coverage|landing|events. The numbers
// come from the core (the desktop and booth apps show the same ones); this file lays them out.
#include <algorithm>
#include <cstdio>
#include <ostream>

#include "cli_internal.h"
#include "dosti/csv.h"
#include "dosti/date.h"

namespace dosti::cli {
namespace {

std::string Decimal(double v, int places) { return ReportDecimal(v, places); }

std::string Percent(double share) { return ReportDecimal(share * 100, 1) + "%"; }

template <typename T>
int PrintReportJson(Context& c, const T& report) {
  json::Writer w(true);
  json::Write(w, report);
  PrintJson(c, w);
  return 0;
}

// A report laid out for people: a heading and its period, lines above the table, the table,
// totals as label/value pairs, a closing note. Text prints all of it; --csv prints the table,
// then the pairs as two-cell rows, through the core's CSV writer (dosti/csv.h), so a
// spreadsheet gets the same cells, whole, in the same language.
struct Layout {
  Layout(std::string_view heading_key, std::string period_text, std::vector<std::string> lines,
         Table columns)
      : heading(heading_key),
        period(std::move(period_text)),
        above(std::move(lines)),
        table(std::move(columns)) {}

  std::string_view heading;  // the CLI's key of the report's title
  std::string period;        // "2024-06", "2024-06-30 (...)", or ""
  std::vector<std::string> above;
  Table table;
  std::vector<std::pair<std::string, std::string>> pairs;
  bool pairs_first = false;    // the pairs above the table (text only)
  bool none_if_empty = false;  // text: "(none)" instead of an empty table
  std::string note;
};

int PrintLayout(Context& c, const Layout& l) {
  if (c.Has("csv")) {
    std::vector<std::vector<std::string>> grid = l.table.Grid();
    for (const auto& [label, value] : l.pairs) grid.push_back({label, value});
    c.out << csv::Document(grid);
    return 0;
  }
  c.out << Tr(l.heading, c.lang);
  if (!l.period.empty()) c.out << " · " << l.period;
  c.out << "\n\n";
  for (const std::string& line : l.above) c.out << line << "\n\n";
  if (l.pairs_first && !l.pairs.empty()) {
    PrintPairs(c.out, l.pairs);
    if (l.table.size() == 0) return 0;
    c.out << '\n';
  }
  if (l.none_if_empty && l.table.size() == 0) {
    PrintNone(c);
  } else {
    l.table.Print(c.out);
  }
  if (!l.pairs_first && !l.pairs.empty()) {
    c.out << '\n';
    PrintPairs(c.out, l.pairs);
  }
  if (!l.note.empty()) c.out << '\n' << l.note << '\n';
  return 0;
}

// The usage check every report shares: --csv and --json are two answers to one question.
bool CheckOutput(Context& c, int* exit) {
  if (c.json && c.Has("csv")) {
    *exit = UsageError(c, Tr("report.csv_or_json", c.lang));
    return false;
  }
  return true;
}

// A report's period cut per country: "2025-12-07 (China by Beijing time, Pakistan by
// Islamabad time)", or "now". `cuts` are (country, calendar office) pairs.
std::string CutPeriod(Context& c, bool now, Date as_of,
                      const std::vector<std::pair<std::string, std::string>>& cuts) {
  if (now) return Tr("report.now", c.lang);
  std::string text;
  for (const auto& [country, office] : cuts) {
    if (!text.empty()) text += Translate("list.separator", c.lang);
    text += Translate("cli.report.cut_by", c.lang, {{"country", country}, {"office", office}});
  }
  return FormatDate(as_of) + " (" + text + ")";
}

std::string ProgressPeriod(Context& c, const ProgressReport& r) {
  std::vector<std::pair<std::string, std::string>> cuts;
  for (const CountryProgress& p : r.countries) cuts.push_back({p.country, p.calendar});
  return CutPeriod(c, r.now, r.as_of, cuts);
}

}  // namespace

int CmdReportProgress(Context& c) {
  int exit = 0;
  if (!CheckOutput(c, &exit)) return exit;
  auto as_of = AsOfOption(c, &exit);
  if (!as_of) return exit;
  auto r = c.s().ReportProgress(*as_of);
  if (!r) return Refuse(c, r.error());
  if (c.json) return PrintReportJson(c, *r);
  // The line the selection screens keep visible: "CN 87/100 · PK 64/100".
  std::string headline;
  for (const CountryProgress& p : r->countries) {
    headline += (headline.empty() ? "" : " · ") + CodeLabel("country", p.country, c.lang) + " " +
                std::to_string(p.selected) + "/" + std::to_string(p.target);
  }
  std::vector<std::string> headers = {FieldLabel("stage", c.lang)};
  for (const CountryProgress& p : r->countries) {
    headers.push_back(CodeLabel("country", p.country, c.lang));
  }
  Layout l{"report.progress", ProgressPeriod(c, *r), {headline}, Table(headers)};
  Table& t = l.table;
  for (size_t i = 1; i < headers.size(); ++i) t.AlignRight(i);
  auto row = [&](std::string label, auto value) {
    std::vector<std::string> cells = {std::move(label)};
    for (const CountryProgress& p : r->countries) cells.push_back(std::to_string(value(p)));
    t.Add(std::move(cells));
  };
  row(FieldLabel("target", c.lang), [](const CountryProgress& p) { return p.target; });
  row(Tr("report.selected_or_later", c.lang), [](const CountryProgress& p) { return p.selected; });
  if (!r->countries.empty()) {
    for (size_t s = 0; s < r->countries.front().stages.size(); ++s) {
      const std::string& code = r->countries.front().stages[s].stage;
      row(CodeLabel("stage", code, c.lang), [&](const CountryProgress& p) {
        for (const StageCount& sc : p.stages) {
          if (sc.stage == code) return sc.count;
        }
        return int64_t{0};
      });
    }
  }
  row(FieldLabel("exits", c.lang), [](const CountryProgress& p) { return p.exits; });
  return PrintLayout(c, l);
}

int CmdReportServices(Context& c) {
  int exit = 0;
  if (!CheckOutput(c, &exit)) return exit;
  auto month = MonthOption(c, FormatMonth(c.s().Today()), &exit);
  if (!month) return exit;
  auto r = c.s().ReportServices(*month);
  if (!r) return Refuse(c, r.error());
  if (c.json) return PrintReportJson(c, *r);
  Layout l{
      "report.services",
      r->month,
      {},
      Table({FieldLabel("category", c.lang), FieldLabel("logs", c.lang),
             FieldLabel("enterprises", c.lang), FieldLabel("hours", c.lang),
             CodeLabel("country", "CN", c.lang), CodeLabel("country", "PK", c.lang),
             CodeLabel("office", "beijing", c.lang), CodeLabel("office", "islamabad", c.lang)})};
  l.note = Tr("report.services_note", c.lang);
  Table& t = l.table;
  for (size_t i = 1; i < 8; ++i) t.AlignRight(i);
  auto add = [&](std::string label, const ServiceRow& row) {
    t.Add({std::move(label), std::to_string(row.all.logs), std::to_string(row.all.enterprises),
           Decimal(row.all.hours, 2), std::to_string(row.cn.logs), std::to_string(row.pk.logs),
           std::to_string(row.beijing.logs), std::to_string(row.islamabad.logs)});
  };
  for (const ServiceRow& row : r->rows) add(CodeLabel("category", row.category, c.lang), row);
  add(std::string(Tr("total", c.lang)), r->totals);
  return PrintLayout(c, l);
}

int CmdReportFunnel(Context& c) {
  int exit = 0;
  if (!CheckOutput(c, &exit)) return exit;
  auto as_of = AsOfOption(c, &exit);
  if (!as_of) return exit;
  auto r = c.s().ReportFunnel(*as_of);
  if (!r) return Refuse(c, r.error());
  if (c.json) return PrintReportJson(c, *r);
  // As of a date, each change counts by the day its recording office gave it (reports.h).
  std::string period = r->now
                           ? Tr("report.now", c.lang)
                           : FormatDate(r->as_of) + " (" + Tr("report.cut_recorded", c.lang) + ")";
  Layout l{"report.funnel",
           period,
           {},
           Table({FieldLabel("stage", c.lang), FieldLabel("reached", c.lang),
                  FieldLabel("conversion", c.lang), FieldLabel("median_days", c.lang)})};
  Table& t = l.table;
  for (size_t i = 1; i < 4; ++i) t.AlignRight(i);
  for (const FunnelStage& s : r->stages) {
    t.Add({CodeLabel("match_stage", s.stage, c.lang), std::to_string(s.reached),
           Percent(s.conversion), Decimal(s.median_days, 1)});
  }
  l.pairs = {{FieldLabel("pairs", c.lang), std::to_string(r->pairs)},
             {CodeLabel("match_stage", "on_hold", c.lang), std::to_string(r->on_hold)},
             {CodeLabel("match_stage", "closed_lost", c.lang), std::to_string(r->closed_lost)}};
  return PrintLayout(c, l);
}

int CmdReportFollowUps(Context& c) {
  int exit = 0;
  if (!CheckOutput(c, &exit)) return exit;
  auto as_of = AsOfOption(c, &exit);
  if (!as_of) return exit;
  auto r = c.s().ReportFollowUps(*as_of);
  if (!r) return Refuse(c, r.error());
  if (c.json) return PrintReportJson(c, *r);
  Layout l{"report.followups",
           FormatDate(r->as_of),
           {},
           Table({FieldLabel("assignee", c.lang), FieldLabel("office", c.lang),
                  FieldLabel("open", c.lang), FieldLabel("overdue", c.lang),
                  FieldLabel("due_this_week", c.lang)})};
  Table& t = l.table;
  for (size_t i = 2; i < 5; ++i) t.AlignRight(i);
  for (const FollowUpRow& row : r->rows) {
    t.Add({row.assignee.empty() ? std::string(Tr("unassigned", c.lang)) : row.assignee,
           CodeLabel("office", row.office, c.lang), std::to_string(row.open),
           std::to_string(row.overdue), std::to_string(row.due_this_week)});
  }
  t.Add({std::string(Tr("total", c.lang)), "", std::to_string(r->open), std::to_string(r->overdue),
         std::to_string(r->due_this_week)});
  return PrintLayout(c, l);
}

int CmdReportQuality(Context& c) {
  int exit = 0;
  if (!CheckOutput(c, &exit)) return exit;
  auto as_of = AsOfOption(c, &exit);
  if (!as_of) return exit;
  auto r = c.s().ReportQuality(*as_of);
  if (!r) return Refuse(c, r.error());
  if (c.json) return PrintReportJson(c, *r);
  // The message says what to do: it is the last column and never cut.
  Layout l{"report.quality",
           FormatDate(r->as_of),
           {},
           Table({FieldLabel("kind", c.lang), FieldLabel("record", c.lang),
                  FieldLabel("id", c.lang), FieldLabel("message", c.lang)})};
  l.none_if_empty = true;
  Table& t = l.table;
  t.MaxWidth(1, 32);
  for (const QualityItem& i : r->items) {
    t.Add({CodeLabel("quality", i.kind, c.lang), i.label, i.record_id,
           MessageText(i.message, c.lang)});
  }
  return PrintLayout(c, l);
}

int CmdReportCoverage(Context& c) {
  int exit = 0;
  if (!CheckOutput(c, &exit)) return exit;
  auto month = MonthOption(c, FormatMonth(c.s().Today()), &exit);
  if (!month) return exit;
  auto r = c.s().ReportCoverage(*month);
  if (!r) return Refuse(c, r.error());
  if (c.json) return PrintReportJson(c, *r);
  Layout l{"report.coverage",
           r->month,
           {},
           Table({FieldLabel("id", c.lang), FieldLabel("name", c.lang)})};
  l.pairs = {{FieldLabel("selected", c.lang), std::to_string(r->selected)},
             {FieldLabel("unserved", c.lang), std::to_string(r->unserved_ids.size())}};
  l.pairs_first = true;
  for (size_t i = 0; i < r->unserved_ids.size(); ++i) {
    l.table.Add({r->unserved_ids[i], i < r->unserved_names.size() ? r->unserved_names[i] : ""});
  }
  return PrintLayout(c, l);
}

int CmdReportLanding(Context& c) {
  int exit = 0;
  if (!CheckOutput(c, &exit)) return exit;
  auto r = c.s().ReportLanding();
  if (!r) return Refuse(c, r.error());
  if (c.json) return PrintReportJson(c, *r);
  // Statuses down, countries across.
  std::vector<std::string> statuses = {"none", "exploring", "office_registered", "operating"};
  for (const LandingRow& row : r->rows) {
    if (std::find(statuses.begin(), statuses.end(), row.landing_status) == statuses.end()) {
      statuses.push_back(row.landing_status);
    }
  }
  std::vector<std::string> headers = {FieldLabel("landing_status", c.lang)};
  for (std::string_view country : kCountries) {
    headers.push_back(CodeLabel("country", country, c.lang));
  }
  Layout l{"report.landing", "", {}, Table(headers)};
  Table& t = l.table;
  for (size_t i = 1; i < headers.size(); ++i) t.AlignRight(i);
  for (const std::string& status : statuses) {
    std::vector<std::string> cells = {CodeLabel("landing_status", status, c.lang)};
    for (std::string_view country : kCountries) {
      int64_t n = 0;
      for (const LandingRow& row : r->rows) {
        if (row.country == country && row.landing_status == status) n += row.count;
      }
      cells.push_back(std::to_string(n));
    }
    t.Add(std::move(cells));
  }
  return PrintLayout(c, l);
}

int CmdReportEvents(Context& c) {
  int exit = 0;
  if (!CheckOutput(c, &exit)) return exit;
  auto as_of = AsOfOption(c, &exit);
  if (!as_of) return exit;
  auto r = c.s().ReportEventYield(*as_of);
  if (!r) return Refuse(c, r.error());
  if (c.json) return PrintReportJson(c, *r);
  std::vector<std::pair<std::string, std::string>> cuts;
  for (const CountryCut& cut : r->cuts) cuts.push_back({cut.country, cut.calendar});
  Layout l{"report.events",
           CutPeriod(c, r->now, r->as_of, cuts),
           {},
           Table({FieldLabel("start_date", c.lang), FieldLabel("kind", c.lang),
                  FieldLabel("name", c.lang), FieldLabel("registered", c.lang),
                  FieldLabel("attended", c.lang), FieldLabel("contacts", c.lang),
                  FieldLabel("later_nominated", c.lang), FieldLabel("later_selected", c.lang)})};
  l.none_if_empty = true;
  Table& t = l.table;
  t.MaxWidth(2, 40);
  for (size_t i = 3; i < 8; ++i) t.AlignRight(i);
  for (const EventYieldRow& row : r->rows) {
    t.Add({row.start_date, CodeLabel("event_kind", row.kind, c.lang), row.name,
           std::to_string(row.registered), std::to_string(row.enterprises),
           std::to_string(row.contacts), std::to_string(row.nominated),
           std::to_string(row.selected)});
  }
  return PrintLayout(c, l);
}

}  // namespace dosti::cli
