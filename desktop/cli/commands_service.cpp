// Service logs and follow-ups: service add|get|set|list, followup add|list|set|done|cancel,
// and user set|show (whose follow-ups --mine lists).
#include <ostream>

#include "cli_internal.h"
#include "dosti/date.h"

namespace dosti::cli {

int CmdServiceAdd(Context& c) {
  int exit = 0;
  std::string category = c.Value("category");
  if (!CheckChoice(c, "--category", category, kServiceCategories, &exit)) return exit;
  if (c.Has("no-follow-up") && c.Has("follow-up-days")) {
    return UsageError(c, Tr("service.follow_up_both", c.lang));
  }
  // Date, minutes and the follow-up in 7 days are the core's defaults (the booth's quick note).
  Fields fields{{"enterprise_id", c.Value("enterprise")},
                {"category", category},
                {"summary", c.Value("summary")}};
  if (c.Has("date")) fields.push_back({"service_date", c.Value("date")});
  if (c.Has("minutes")) {
    auto minutes = IntOption(c, "minutes", &exit);
    if (!minutes) return exit;
    fields.push_back({"minutes", *minutes});
  }
  if (c.Has("outcome")) fields.push_back({"outcome", c.Value("outcome")});
  if (c.Has("contact")) fields.push_back({"contact_id", c.Value("contact")});
  if (c.Has("event")) fields.push_back({"event_id", c.Value("event")});
  if (c.Has("mode")) fields.push_back({"delivery_mode", c.Value("mode")});
  if (c.Has("lead-staff")) fields.push_back({"lead_staff", c.Value("lead-staff")});
  if (c.Has("participants")) {
    auto n = IntOption(c, "participants", &exit);
    if (!n) return exit;
    fields.push_back({"participants", *n});
  }
  if (c.Has("draft")) fields.push_back({"state", std::string("draft")});
  std::optional<int> follow_up_days = kDefaultFollowUpDays;
  if (c.Has("no-follow-up")) follow_up_days.reset();
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
  if (c.json) {
    PrintSavedJson(c, *saved, [&](json::Writer& w) {
      w.Key("follow_up_id").StringOrNull(saved->follow_up_id);
      w.Key("follow_up_due").StringOrNull(saved->follow_up_due);
    });
    return 0;
  }
  c.out << Tr("service.added", c.lang) << ' ' << saved->id << '\n';
  if (!saved->follow_up_due.empty()) {
    c.out << Tr("service.follow_up", c.lang) << ' ' << saved->follow_up_due << '\n';
  }
  PrintWarnings(c, saved->warnings);
  return 0;
}

int CmdServiceGet(Context& c) {
  auto r = c.s().GetServiceLog(c.positional[0]);
  if (!r) return Refuse(c, r.error());
  if (c.json) {
    json::Writer w(true);
    json::Write(w, *r);
    PrintJson(c, w);
    return 0;
  }
  PrintPairs(c.out, FieldRows(*r, c.lang));
  return 0;
}

int CmdServiceSet(Context& c) {
  auto saved = c.s().SetServiceField(c.positional[0], c.positional[1], c.positional[2]);
  if (!saved) return Refuse(c, saved.error());
  return PrintSaved(c, *saved, "service.saved");
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
  filter.this_week = c.Has("week");
  if (c.Has("mine")) {
    auto info = c.s().Info();
    if (!info) return Refuse(c, info.error());
    if (info->user.empty()) return Refuse(c, Tr("followup.who_are_you", c.lang));
    filter.assignee = info->user;
  }
  auto rows = c.s().ListFollowUps(filter);
  if (auto done = PrintListOrNone(c, rows)) return *done;
  Table t({FieldLabel("due_date", c.lang), FieldLabel("status", c.lang),
           FieldLabel("assignee", c.lang), FieldLabel("enterprise", c.lang),
           FieldLabel("note", c.lang), FieldLabel("id", c.lang)});
  t.MaxWidth(2, 20);
  t.MaxWidth(3, 32);
  t.MaxWidth(4, 40);
  for (const Record& r : *rows) {
    std::string status = r.Int("overdue") ? "overdue" : r.Text("status");
    t.Add({r.Text("due_date"), CodeLabel("status", status, c.lang), r.Text("assignee"),
           r.Text("enterprise_name"), MessageText(FollowUpNote(r), c.lang), r.id});
  }
  t.Print(c.out);
  return 0;
}

namespace {

// What done and cancel print: the follow-up's id and its new status.
int PrintFollowUpStatus(Context& c, const std::string& id, const Result<void>& r,
                        std::string_view status, std::string_view done_key) {
  if (!r) return Refuse(c, r.error());
  if (c.json) {
    json::Writer w(true);
    w.BeginObject().Key("id").String(id).Key("status").String(status).EndObject();
    PrintJson(c, w);
  } else {
    c.out << Tr(done_key, c.lang) << ' ' << id << '\n';
  }
  return 0;
}

}  // namespace

int CmdFollowUpDone(Context& c) {
  auto id = c.s().ResolveId("follow_up", c.positional[0]);
  if (!id) return Refuse(c, id.error());
  return PrintFollowUpStatus(c, *id, c.s().CompleteFollowUp(*id), "done", "followup.done");
}

int CmdFollowUpCancel(Context& c) {
  auto id = c.s().ResolveId("follow_up", c.positional[0]);
  if (!id) return Refuse(c, id.error());
  return PrintFollowUpStatus(c, *id, c.s().CancelFollowUp(*id), "cancelled", "followup.cancelled");
}

int CmdFollowUpSet(Context& c) {
  // "due" is what people say; the column is due_date.
  std::string field = c.positional[1] == "due" ? "due_date" : c.positional[1];
  auto saved = c.s().SetFollowUpField(c.positional[0], field, c.positional[2]);
  if (!saved) return Refuse(c, saved.error());
  return PrintSaved(c, *saved, "followup.saved");
}

int CmdUserSet(Context& c) {
  auto r = c.s().SetUser(c.positional[0]);
  if (!r) return Refuse(c, r.error());
  return CmdUserShow(c);
}

int CmdUserShow(Context& c) {
  auto info = c.s().Info();
  if (!info) return Refuse(c, info.error());
  if (c.json) {
    json::Writer w(true);
    w.BeginObject().Key("user").String(info->user).EndObject();
    PrintJson(c, w);
  } else if (info->user.empty()) {
    c.out << Tr("user.none", c.lang) << '\n';
  } else {
    c.out << info->user << '\n';
  }
  return 0;
}

}  // namespace dosti::cli
