// Service logs and follow-ups: service add|list, followup add|list|done.
#include <ostream>

#include "cli_internal.h"
#include "dosti/date.h"

namespace dosti::cli {

int CmdServiceAdd(Context& c) {
  int exit = 0;
  std::string category = c.Value("category");
  if (!CheckChoice(c, "--category", category, kServiceCategories, &exit)) return exit;
  auto minutes = IntOption(c, "minutes", &exit);
  if (!minutes) return exit;
  Fields fields{{"enterprise_id", c.Value("enterprise")},
                {"category", category},
                {"service_date", c.Value("date")},
                {"minutes", *minutes},
                {"summary", c.Value("summary")}};
  if (c.Has("outcome")) fields.push_back({"outcome", c.Value("outcome")});
  if (c.Has("contact")) fields.push_back({"contact_id", c.Value("contact")});
  if (c.Has("mode")) fields.push_back({"delivery_mode", c.Value("mode")});
  if (c.Has("lead-staff")) fields.push_back({"lead_staff", c.Value("lead-staff")});
  if (c.Has("participants")) {
    auto n = IntOption(c, "participants", &exit);
    if (!n) return exit;
    fields.push_back({"participants", *n});
  }
  if (c.Has("draft")) fields.push_back({"state", std::string("draft")});
  std::optional<int> follow_up_days;
  if (c.Has("follow-up-days")) {
    auto n = IntOption(c, "follow-up-days", &exit);
    if (!n) return exit;
    // Out-of-range values go to the core as they are, so it refuses them with its message.
    follow_up_days = *n < -1'000'000  ? -1'000'000
                     : *n > 1'000'000 ? 1'000'000
                                      : static_cast<int>(*n);
  }
  auto saved = c.s().AddServiceLog(fields, follow_up_days);
  if (!saved) return Refuse(c, saved.error());
  std::string due;
  if (follow_up_days) {
    if (auto d = ParseDate(c.Value("date"))) due = FormatDate(AddDays(*d, *follow_up_days));
  }
  if (c.json) {
    json::Writer w(true);
    w.BeginObject().Key("id").String(saved->id).Key("follow_up_due").StringOrNull(due);
    w.Key("warnings");
    json::Write(w, saved->warnings);
    w.EndObject();
    PrintJson(c, w);
    return 0;
  }
  c.out << Tr("service.added", c.lang) << ' ' << saved->id << '\n';
  if (!due.empty()) c.out << Tr("service.follow_up", c.lang) << ' ' << due << '\n';
  PrintWarnings(c, saved->warnings);
  return 0;
}

int CmdServiceList(Context& c) {
  int exit = 0;
  auto month = MonthOption(c, "", &exit);
  if (!month) return exit;
  auto rows = c.s().ListServiceLogs({c.Value("enterprise"), *month});
  if (auto done = PrintListOrNone(c, rows)) return *done;
  Table t({FieldLabel("service_date", c.lang), FieldLabel("category", c.lang),
           FieldLabel("enterprise", c.lang), FieldLabel("minutes", c.lang),
           FieldLabel("summary", c.lang), FieldLabel("id", c.lang)});
  t.AlignRight(3);
  t.MaxWidth(2, 32);
  t.MaxWidth(4, 40);
  for (const Record& r : *rows) {
    std::string summary = r.Text("summary");
    if (r.Text("state") == "draft")
      summary = "[" + CodeLabel("state", "draft", c.lang) + "] " + summary;
    t.Add({r.Text("service_date"), CodeLabel("category", r.Text("category"), c.lang),
           r.Text("enterprise_name"), r.Text("minutes"), summary, r.id});
  }
  t.Print(c.out);
  return 0;
}

int CmdFollowUpAdd(Context& c) {
  Fields fields{{"subject_type", std::string("enterprise")}, {"subject_id", c.Value("enterprise")}};
  if (c.Has("due")) fields.push_back({"due_date", c.Value("due")});
  if (c.Has("note")) fields.push_back({"note", c.Value("note")});
  if (c.Has("assignee")) fields.push_back({"assignee", c.Value("assignee")});
  auto saved = c.s().AddFollowUp(fields);
  if (!saved) return Refuse(c, saved.error());
  if (c.json) {
    json::Writer w(true);
    json::Write(w, *saved);
    PrintJson(c, w);
    return 0;
  }
  c.out << Tr("followup.added", c.lang) << ' ' << saved->id << '\n';
  PrintWarnings(c, saved->warnings);
  return 0;
}

int CmdFollowUpList(Context& c) {
  FollowUpFilter filter;
  filter.overdue_only = c.Has("overdue");
  filter.include_done = c.Has("all");
  auto rows = c.s().ListFollowUps(filter);
  if (auto done = PrintListOrNone(c, rows)) return *done;
  Table t({FieldLabel("due_date", c.lang), FieldLabel("status", c.lang),
           FieldLabel("enterprise", c.lang), FieldLabel("note", c.lang), FieldLabel("id", c.lang)});
  t.MaxWidth(2, 32);
  t.MaxWidth(3, 40);
  for (const Record& r : *rows) {
    std::string status = r.Int("overdue") ? "overdue" : r.Text("status");
    t.Add({r.Text("due_date"), CodeLabel("status", status, c.lang), r.Text("enterprise_name"),
           r.Text("note"), r.id});
  }
  t.Print(c.out);
  return 0;
}

int CmdFollowUpDone(Context& c) {
  auto id = c.s().ResolveId("follow_up", c.positional[0]);
  if (!id) return Refuse(c, id.error());
  auto r = c.s().CompleteFollowUp(*id);
  if (!r) return Refuse(c, r.error());
  if (c.json) {
    json::Writer w(true);
    w.BeginObject().Key("id").String(*id).Key("status").String("done").EndObject();
    PrintJson(c, w);
  } else {
    c.out << Tr("followup.done", c.lang) << ' ' << *id << '\n';
  }
  return 0;
}

}  // namespace dosti::cli
