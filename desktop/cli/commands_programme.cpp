// The programme: enroll (selection pipeline) and matchmaking (match add|stage|list).
#include <ostream>

#include "cli_internal.h"

namespace dosti::cli {

int CmdEnroll(Context& c) {
  int exit = 0;
  const std::string& stage = c.positional[1];
  if (!CheckChoice(c, "STAGE", stage, kEnrollmentStages, &exit)) return exit;
  auto saved = c.s().Enroll(c.positional[0], stage, c.Value("reason"));
  if (!saved) return Refuse(c, saved.error());
  auto enrollment = c.s().GetEnrollment(c.positional[0]);
  if (!enrollment) return Refuse(c, enrollment.error());
  std::string number = *enrollment ? (*enrollment)->Text("programme_number") : "";
  std::string now = *enrollment ? (*enrollment)->Text("stage") : stage;
  if (c.json) {
    json::Writer w(true);
    w.BeginObject().Key("id").String(saved->id).Key("stage").String(now);
    w.Key("programme_number").StringOrNull(number).Key("warnings");
    json::Write(w, saved->warnings);
    w.EndObject();
    PrintJson(c, w);
    return 0;
  }
  c.out << Tr("enroll.done", c.lang) << ' ' << saved->id << '\n';
  std::vector<std::pair<std::string, std::string>> rows = {
      {FieldLabel("stage", c.lang), CodeLabel("stage", now, c.lang)}};
  if (!number.empty()) rows.push_back({FieldLabel("programme_number", c.lang), number});
  PrintPairs(c.out, rows);
  PrintWarnings(c, saved->warnings);
  return 0;
}

int CmdMatchAdd(Context& c) {
  int exit = 0;
  std::string type = c.Value("type");
  if (!CheckChoice(c, "--type", type, kCooperationTypes, &exit)) return exit;
  auto saved = c.s().AddMatch(c.Value("cn"), c.Value("pk"), type);
  if (!saved) return Refuse(c, saved.error());
  if (c.json) {
    json::Writer w(true);
    json::Write(w, *saved);
    PrintJson(c, w);
    return 0;
  }
  c.out << Tr("match.added", c.lang) << ' ' << saved->id << '\n';
  PrintWarnings(c, saved->warnings);
  return 0;
}

int CmdMatchStage(Context& c) {
  int exit = 0;
  const std::string& stage = c.positional[1];
  if (!CheckChoice(c, "STAGE", stage, kMatchmakingStages, &exit)) return exit;
  auto saved = c.s().SetMatchStage(c.positional[0], stage, c.Value("reason"));
  if (!saved) return Refuse(c, saved.error());
  if (c.json) {
    json::Writer w(true);
    w.BeginObject().Key("id").String(saved->id).Key("stage").String(stage).Key("warnings");
    json::Write(w, saved->warnings);
    w.EndObject();
    PrintJson(c, w);
    return 0;
  }
  c.out << Tr("match.staged", c.lang) << ' ' << saved->id << '\n';
  PrintPairs(c.out, {{FieldLabel("stage", c.lang), CodeLabel("match_stage", stage, c.lang)}});
  PrintWarnings(c, saved->warnings);
  return 0;
}

int CmdMatchList(Context& c) {
  auto rows = c.s().ListMatches();
  if (auto done = PrintListOrNone(c, rows)) return *done;
  Table t({FieldLabel("id", c.lang), FieldLabel("cn_enterprise", c.lang),
           FieldLabel("pk_enterprise", c.lang), FieldLabel("cooperation_type", c.lang),
           FieldLabel("stage", c.lang)});
  t.MaxWidth(1, 32);
  t.MaxWidth(2, 32);
  for (const Record& r : *rows) {
    std::string stage = CodeLabel("match_stage", r.Text("stage"), c.lang);
    if (!r.Text("lost_reason").empty()) stage += " (" + r.Text("lost_reason") + ")";
    t.Add({r.id, r.Text("cn_name"), r.Text("pk_name"),
           CodeLabel("cooperation", r.Text("cooperation_type"), c.lang), stage});
  }
  t.Print(c.out);
  return 0;
}

}  // namespace dosti::cli
