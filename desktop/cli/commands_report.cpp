// Reports: report progress|services|funnel|followups|quality|coverage|landing. The numbers
// come from the core (the desktop and booth apps show the same ones); this file lays them out.
#include <algorithm>
#include <cstdio>
#include <ostream>

#include "cli_internal.h"
#include "dosti/date.h"

namespace dosti::cli {
namespace {

std::string Decimal(double v, int places) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", places, v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s;
}

std::string Percent(double share) { return Decimal(share * 100, 1) + "%"; }

template <typename T>
int PrintReportJson(Context& c, const T& report) {
  json::Writer w(true);
  json::Write(w, report);
  PrintJson(c, w);
  return 0;
}

void Heading(Context& c, std::string_view key, std::string_view period) {
  c.out << Tr(key, c.lang);
  if (!period.empty()) c.out << " · " << period;
  c.out << "\n\n";
}

}  // namespace

int CmdReportProgress(Context& c) {
  int exit = 0;
  auto as_of = AsOfOption(c, &exit);
  if (!as_of) return exit;
  auto r = c.s().ReportProgress(*as_of);
  if (!r) return Refuse(c, r.error());
  if (c.json) return PrintReportJson(c, *r);
  Heading(c, "report.progress", FormatDate(r->as_of));
  // The line the selection screens keep visible: "CN 87/100 · PK 64/100".
  std::string headline;
  for (const CountryProgress& p : r->countries) {
    headline += (headline.empty() ? "" : " · ") + CodeLabel("country", p.country, c.lang) + " " +
                std::to_string(p.selected) + "/" + std::to_string(p.target);
  }
  c.out << headline << "\n\n";
  std::vector<std::string> headers = {FieldLabel("stage", c.lang)};
  for (const CountryProgress& p : r->countries) {
    headers.push_back(CodeLabel("country", p.country, c.lang));
  }
  Table t(headers);
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
  t.Print(c.out);
  return 0;
}

int CmdReportServices(Context& c) {
  int exit = 0;
  auto month = MonthOption(c, FormatMonth(c.s().Today()), &exit);
  if (!month) return exit;
  auto r = c.s().ReportServices(*month);
  if (!r) return Refuse(c, r.error());
  if (c.json) return PrintReportJson(c, *r);
  Heading(c, "report.services", r->month);
  Table t({FieldLabel("category", c.lang), FieldLabel("logs", c.lang),
           FieldLabel("enterprises", c.lang), FieldLabel("hours", c.lang),
           CodeLabel("country", "CN", c.lang), CodeLabel("country", "PK", c.lang),
           CodeLabel("office", "beijing", c.lang), CodeLabel("office", "islamabad", c.lang)});
  for (size_t i = 1; i < 8; ++i) t.AlignRight(i);
  auto add = [&](std::string label, const ServiceCell& all, const ServiceCell& cn,
                 const ServiceCell& pk, const ServiceCell& bj, const ServiceCell& isb) {
    t.Add({std::move(label), std::to_string(all.logs), std::to_string(all.enterprises),
           Decimal(all.hours, 2), std::to_string(cn.logs), std::to_string(pk.logs),
           std::to_string(bj.logs), std::to_string(isb.logs)});
  };
  ServiceCell cn, pk, bj, isb;
  for (const ServiceRow& row : r->rows) {
    add(CodeLabel("category", row.category, c.lang), row.all, row.cn, row.pk, row.beijing,
        row.islamabad);
    cn.logs += row.cn.logs;
    pk.logs += row.pk.logs;
    bj.logs += row.beijing.logs;
    isb.logs += row.islamabad.logs;
  }
  add(std::string(Tr("total", c.lang)), r->total, cn, pk, bj, isb);
  t.Print(c.out);
  c.out << '\n' << Tr("report.services_note", c.lang) << '\n';
  return 0;
}

int CmdReportFunnel(Context& c) {
  int exit = 0;
  auto as_of = AsOfOption(c, &exit);
  if (!as_of) return exit;
  auto r = c.s().ReportFunnel(*as_of);
  if (!r) return Refuse(c, r.error());
  if (c.json) return PrintReportJson(c, *r);
  Heading(c, "report.funnel", FormatDate(r->as_of));
  Table t({FieldLabel("stage", c.lang), FieldLabel("reached", c.lang),
           FieldLabel("conversion", c.lang), FieldLabel("median_days", c.lang)});
  for (size_t i = 1; i < 4; ++i) t.AlignRight(i);
  for (const FunnelStage& s : r->stages) {
    t.Add({CodeLabel("match_stage", s.stage, c.lang), std::to_string(s.reached),
           Percent(s.conversion), Decimal(s.median_days, 1)});
  }
  t.Print(c.out);
  c.out << '\n';
  PrintPairs(c.out,
             {{FieldLabel("pairs", c.lang), std::to_string(r->pairs)},
              {CodeLabel("match_stage", "on_hold", c.lang), std::to_string(r->on_hold)},
              {CodeLabel("match_stage", "closed_lost", c.lang), std::to_string(r->closed_lost)}});
  return 0;
}

int CmdReportFollowUps(Context& c) {
  int exit = 0;
  auto as_of = AsOfOption(c, &exit);
  if (!as_of) return exit;
  auto r = c.s().ReportFollowUps(*as_of);
  if (!r) return Refuse(c, r.error());
  if (c.json) return PrintReportJson(c, *r);
  Heading(c, "report.followups", FormatDate(r->as_of));
  Table t({FieldLabel("assignee", c.lang), FieldLabel("office", c.lang), FieldLabel("open", c.lang),
           FieldLabel("overdue", c.lang), FieldLabel("due_this_week", c.lang)});
  for (size_t i = 2; i < 5; ++i) t.AlignRight(i);
  int64_t week = 0;
  for (const FollowUpRow& row : r->rows) {
    t.Add({row.assignee.empty() ? std::string(Tr("unassigned", c.lang)) : row.assignee,
           CodeLabel("office", row.office, c.lang), std::to_string(row.open),
           std::to_string(row.overdue), std::to_string(row.due_this_week)});
    week += row.due_this_week;
  }
  t.Add({std::string(Tr("total", c.lang)), "", std::to_string(r->open), std::to_string(r->overdue),
         std::to_string(week)});
  t.Print(c.out);
  return 0;
}

int CmdReportQuality(Context& c) {
  int exit = 0;
  auto as_of = AsOfOption(c, &exit);
  if (!as_of) return exit;
  auto r = c.s().ReportQuality(*as_of);
  if (!r) return Refuse(c, r.error());
  if (c.json) return PrintReportJson(c, *r);
  Heading(c, "report.quality", FormatDate(r->as_of));
  if (r->items.empty()) {
    PrintNone(c);
    return 0;
  }
  // The message says what to do: it is the last column and never cut.
  Table t({FieldLabel("kind", c.lang), FieldLabel("record", c.lang), FieldLabel("id", c.lang),
           FieldLabel("message", c.lang)});
  t.MaxWidth(1, 32);
  for (const QualityItem& i : r->items) {
    t.Add({CodeLabel("quality", i.kind, c.lang), i.label, i.record_id,
           MessageText(i.message, c.lang)});
  }
  t.Print(c.out);
  return 0;
}

int CmdReportCoverage(Context& c) {
  int exit = 0;
  auto month = MonthOption(c, FormatMonth(c.s().Today()), &exit);
  if (!month) return exit;
  auto r = c.s().ReportCoverage(*month);
  if (!r) return Refuse(c, r.error());
  if (c.json) return PrintReportJson(c, *r);
  Heading(c, "report.coverage", r->month);
  PrintPairs(c.out, {{FieldLabel("selected", c.lang), std::to_string(r->selected)},
                     {FieldLabel("unserved", c.lang), std::to_string(r->unserved_ids.size())}});
  if (r->unserved_ids.empty()) return 0;
  c.out << '\n';
  Table t({FieldLabel("id", c.lang), FieldLabel("name", c.lang)});
  for (size_t i = 0; i < r->unserved_ids.size(); ++i) {
    t.Add({r->unserved_ids[i], i < r->unserved_names.size() ? r->unserved_names[i] : ""});
  }
  t.Print(c.out);
  return 0;
}

int CmdReportLanding(Context& c) {
  auto r = c.s().ReportLanding();
  if (!r) return Refuse(c, r.error());
  if (c.json) return PrintReportJson(c, *r);
  Heading(c, "report.landing", "");
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
  Table t(headers);
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
  t.Print(c.out);
  return 0;
}

}  // namespace dosti::cli
