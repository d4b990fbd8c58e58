// Events and participation: event add|list|attend. The event-yield report is in
// commands_report.cpp with the other reports.
#include <ostream>

#include "cli_internal.h"

namespace dosti::cli {

int CmdEventAdd(Context& c) {
  int exit = 0;
  std::string kind = c.Value("kind");
  if (!CheckChoice(c, "--kind", kind, kEventKinds, &exit)) return exit;
  Fields fields{{"kind", kind}, {"name", c.Value("name")}, {"start_date", c.Value("start")}};
  if (c.Has("end")) fields.push_back({"end_date", c.Value("end")});
  if (c.Has("city")) fields.push_back({"city", c.Value("city")});
  if (c.Has("office")) {
    if (!CheckChoice(c, "--office", c.Value("office"), kOffices, &exit)) return exit;
    fields.push_back({"office", c.Value("office")});
  }
  auto saved = c.s().AddEvent(fields);
  if (!saved) return Refuse(c, saved.error());
  return PrintSaved(c, *saved, "event.added");
}

int CmdEventList(Context& c) {
  auto rows = c.s().ListEvents();
  if (auto done = PrintListOrNone(c, rows)) return *done;
  Table t({FieldLabel("start_date", c.lang), FieldLabel("end_date", c.lang),
           FieldLabel("kind", c.lang), FieldLabel("name", c.lang), FieldLabel("city", c.lang),
           FieldLabel("office", c.lang), FieldLabel("attended", c.lang), FieldLabel("id", c.lang)});
  t.MaxWidth(3, 40);
  t.AlignRight(6);
  for (const Record& r : *rows) {
    t.Add({r.Text("start_date"), r.Text("end_date"),
           CodeLabel("event_kind", r.Text("kind"), c.lang), r.Text("name"), r.Text("city"),
           CodeLabel("office", r.Text("office"), c.lang), r.Text("attended"), r.id});
  }
  t.Print(c.out);
  return 0;
}

int CmdEventAttend(Context& c) {
  int exit = 0;
  std::string status = c.Value("status", "attended");
  if (!CheckChoice(c, "--status", status, kParticipationStatuses, &exit)) return exit;
  Fields fields{
      {"event_id", c.positional[0]}, {"enterprise_id", c.positional[1]}, {"status", status}};
  if (c.Has("contact")) fields.push_back({"contact_id", c.Value("contact")});
  if (c.Has("role")) {
    if (!CheckChoice(c, "--role", c.Value("role"), kParticipationRoles, &exit)) return exit;
    fields.push_back({"role", c.Value("role")});
  }
  auto saved = c.s().AddParticipation(fields);
  if (!saved) return Refuse(c, saved.error());
  if (c.json) {
    PrintSavedJson(c, *saved, [&](json::Writer& w) {
      w.Key("offers_service_log").Bool(saved->offers_service_log);
    });
    return 0;
  }
  PrintSaved(c, *saved, "event.attended");
  // A training attended: the service log DOMAIN.md offers, as the command that makes it.
  if (saved->offers_service_log) {
    auto event = c.s().ResolveId("event", c.positional[0]);
    auto enterprise = c.s().ResolveId("enterprise", c.positional[1]);
    if (event && enterprise) {
      c.out << Fmt("event.offer_service", c.lang, {*enterprise, *event}) << '\n';
    }
  }
  return 0;
}

}  // namespace dosti::cli
