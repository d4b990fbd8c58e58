// Duplicates and replication: duplicates list|merge|unmerge, conflicts list|resolve, digest,
// held list|accept|release. Changes move between devices only as signed, encrypted envelopes
// (bundles and the relay: commands_trust.cpp).
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ostream>
#include <set>

#include "cli_internal.h"
#include "dosti/file.h"
#include "dosti/text.h"

namespace dosti::cli {

// [SECTION] Files (cli_internal.h)

Result<std::string> ReadFile(const std::string& path) { return dosti::ReadFile(path); }

Result<void> WriteFileWhole(const std::string& path, std::string_view bytes, bool private_file) {
  return WriteFileAtomic(path, bytes, {.private_file = private_file});
}

namespace {

// [SECTION] Layout helpers

// The English word for `n` things (the zh and ur texts need no plural form).
std::string Plural(int64_t n, std::string_view one, std::string_view many) {
  return std::string(n == 1 ? one : many);
}

// "2024-06-15 04:00 UTC".
std::string UtcMinute(int64_t ms) {
  std::string t = json::UtcTime(ms);
  return t.substr(0, 10) + " " + t.substr(11, 5) + " UTC";
}

// Short forms of device ids for one listing: the shortest prefix of at least 8 hex digits
// that tells them all apart. Ids are time-ordered (their first 12 digits are the creation
// millisecond), so devices set up in the same minute need more than 8.
std::map<std::string, std::string> ShortIds(const std::set<std::string>& devices) {
  size_t length = 8;
  for (; length < 32; ++length) {
    std::set<std::string> seen;
    bool unique = true;
    for (const std::string& d : devices) unique = unique && seen.insert(d.substr(0, length)).second;
    if (unique) break;
  }
  std::map<std::string, std::string> out;
  for (const std::string& d : devices) out[d] = d.substr(0, length);
  return out;
}

std::string ValueShown(Context& c, const Value& v) {
  std::string text = ValueText(v);
  return IsNull(v) || text.empty() ? Tr("conflict.empty", c.lang) : Cell(text);
}

std::string PadRight(const std::string& s, size_t width) {
  size_t w = text::DisplayWidth(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

// The reasons commits wait, one per device (the first waiting commit's reason: the others of
// that device wait behind it).
std::vector<std::string> HeldReasons(const std::vector<HeldCommit>& waiting,
                                     std::string_view lang) {
  std::vector<std::string> out;
  std::string last_device;
  for (const HeldCommit& h : waiting) {
    if (!out.empty() && h.device == last_device) continue;
    out.push_back(MessageText(h.reason, lang));
    last_device = h.device;
  }
  return out;
}

// `summary` then why commits wait: on the same line when there is one reason, else one per
// line. `newly_held` false: the summary counted no held commits of its own (an import of
// commits that were already waiting), so the reasons follow under "Still waiting".
void PrintApplySummary(Context& c, const std::string& summary,
                       const std::vector<HeldCommit>& waiting, bool newly_held = true) {
  std::vector<std::string> reasons = HeldReasons(waiting, c.lang);
  c.out << summary;
  if (reasons.empty()) {
    c.out << Tr("sep.end", c.lang) << '\n';
    return;
  }
  if (!newly_held) c.out << Tr("sep.end", c.lang) << '\n' << Tr("held.still", c.lang);
  if (reasons.size() == 1) {
    c.out << Tr("sep.colon", c.lang) << Cell(reasons.front()) << '\n';
    return;
  }
  c.out << Tr("sep.colon", c.lang) << '\n';
  for (const std::string& r : reasons) c.out << "  " << Cell(r) << '\n';
}

// The one open conflict whose id starts with `prefix`; refuses (exit 1 in `*exit`) when none
// or several do.
std::optional<Conflict> FindConflict(Context& c, const std::string& prefix, int* exit) {
  auto all = c.s().ListConflicts();
  if (!all) {
    *exit = Refuse(c, all.error());
    return std::nullopt;
  }
  std::vector<Conflict> hits;
  for (Conflict& k : *all) {
    if (k.id == prefix) return std::move(k);
    if (k.id.rfind(prefix, 0) == 0) hits.push_back(std::move(k));
  }
  if (hits.size() == 1) return std::move(hits.front());
  if (hits.empty()) {
    *exit = Refuse(c, Fmt("conflict.none", c.lang, {prefix}));
  } else {
    *exit = Refuse(c, Fmt("conflict.ambiguous", c.lang, {prefix}));
  }
  return std::nullopt;
}

// "enterprise.city of 0190…" plus the enterprise's name when the record is one.
std::string ConflictSubject(Context& c, const Conflict& k) {
  std::string where = k.table + "." + k.field;
  std::string record = k.record_id;
  if (k.table == "enterprise") {
    auto e = c.s().GetEnterprise(k.record_id);
    if (e && !e->record.Text("name").empty()) record += " (" + e->record.Text("name") + ")";
  }
  return Fmt("conflict.subject", c.lang, {where, record, FieldLabel(k.field, c.lang)});
}

}  // namespace

int RequireDevice(Context& c) {
  auto info = c.s().Info();
  if (!info) return Refuse(c, info.error());
  if (info->initialised) return 0;
  auto ready = c.s().RequireWorkspace();
  return Refuse(c, ready
                       ? MakeError(ErrorCode::kNotInitialised, "workspace.none")
                       : ready.error());
}

// [SECTION] Duplicates

int CmdDuplicatesList(Context& c) {
  auto pairs = c.s().ListDuplicates();
  if (auto done = PrintListOrNone(c, pairs)) return *done;
  std::string why = FieldLabel("why", c.lang);
  for (size_t i = 0; i < pairs->size(); ++i) {
    const DuplicatePair& p = (*pairs)[i];
    std::string number = std::to_string(i + 1) + ". ";
    std::string indent(number.size(), ' ');
    c.out << number << p.id_a << "  " << Cell(p.name_a) << '\n';
    c.out << indent << p.id_b << "  " << Cell(p.name_b) << '\n';
    std::string reasons;
    for (const Message& r : p.reasons) {
      reasons += (reasons.empty() ? "" : "; ") + MessageText(r, c.lang);
    }
    c.out << indent << why << Tr("sep.colon", c.lang) << Cell(reasons) << '\n';
  }
  c.out << Tr("duplicates.hint", c.lang) << '\n';
  return 0;
}

int CmdDuplicatesMerge(Context& c) {
  auto keep = c.s().ResolveId("enterprise", c.positional[0]);
  if (!keep) return Refuse(c, keep.error());
  auto other = c.s().ResolveId("enterprise", c.positional[1]);
  if (!other) return Refuse(c, other.error());
  if (auto r = c.s().MergeDuplicates(*keep, *other); !r) return Refuse(c, r.error());
  if (c.json) {
    json::Writer w(true);
    w.BeginObject().Key("kept").String(*keep).Key("merged").String(*other).EndObject();
    PrintJson(c, w);
    return 0;
  }
  c.out << Fmt("duplicates.merged", c.lang, {*other, *keep}) << '\n';
  return 0;
}

int CmdDuplicatesUnmerge(Context& c) {
  auto other = c.s().ResolveId("enterprise", c.positional[0]);
  if (!other) return Refuse(c, other.error());
  if (auto r = c.s().UnmergeDuplicate(*other); !r) return Refuse(c, r.error());
  if (c.json) {
    json::Writer w(true);
    w.BeginObject().Key("id").String(*other).Key("merged_into").Null().EndObject();
    PrintJson(c, w);
    return 0;
  }
  c.out << Fmt("duplicates.unmerged", c.lang, {*other}) << '\n';
  return 0;
}

// [SECTION] Conflicts and the digest

int CmdConflictsList(Context& c) {
  if (int code = RequireDevice(c)) return code;
  auto conflicts = c.s().ListConflicts();
  if (auto done = PrintListOrNone(c, conflicts)) return *done;
  std::set<std::string> devices;
  for (const Conflict& k : *conflicts) {
    for (const ConflictValue& v : k.values) devices.insert(v.device);
  }
  std::map<std::string, std::string> short_ids = ShortIds(devices);
  for (size_t i = 0; i < conflicts->size(); ++i) {
    const Conflict& k = (*conflicts)[i];
    if (i > 0) c.out << '\n';
    c.out << Fmt("conflict.heading", c.lang, {k.id, ConflictSubject(c, k)}) << '\n';
    // Values padded to one width (up to 40 columns) so that office, device and time line up.
    std::vector<std::string> shown;
    size_t width = 0;
    for (const ConflictValue& v : k.values) {
      shown.push_back(ValueShown(c, v.value));
      width = std::max(width, std::min<size_t>(40, text::DisplayWidth(shown.back())));
    }
    size_t office_width = 0;
    for (const ConflictValue& v : k.values) {
      office_width =
          std::max(office_width, text::DisplayWidth(CodeLabel("office", v.office, c.lang)));
    }
    for (size_t n = 0; n < k.values.size(); ++n) {
      const ConflictValue& v = k.values[n];
      std::string line = "  " + std::to_string(n + 1) + ". " + PadRight(shown[n], width) + "  " +
                         PadRight(CodeLabel("office", v.office, c.lang), office_width) + "  " +
                         Tr("conflict.device", c.lang) + " " + short_ids[v.device] + "  " +
                         UtcMinute(v.time_ms);
      if (v.winner) line += "  " + Tr("conflict.shown", c.lang);
      c.out << line << '\n';
    }
  }
  c.out << '\n' << Tr("conflicts.hint", c.lang) << '\n';
  return 0;
}

int CmdConflictsResolve(Context& c) {
  bool has_value = c.Has("value"), has_keep = c.Has("keep");
  if (has_value == has_keep) return UsageError(c, "give exactly one of --value TEXT and --keep N");
  int exit = 0;
  std::optional<int64_t> keep;
  if (has_keep) {
    keep = IntOption(c, "keep", &exit);
    if (!keep) return exit;
  }
  auto conflict = FindConflict(c, c.positional[0], &exit);
  if (!conflict) return exit;
  std::string shown;
  if (keep) {
    if (*keep < 1 || *keep > static_cast<int64_t>(conflict->values.size())) {
      return Refuse(c, Fmt("conflict.keep_range", c.lang,
                           {std::to_string(conflict->values.size()), conflict->id}));
    }
    if (auto r = c.s().ResolveConflictKeep(conflict->id, static_cast<int>(*keep)); !r) {
      return Refuse(c, r.error());
    }
    shown = ValueText(conflict->values[static_cast<size_t>(*keep - 1)].value);
  } else {
    if (auto r = c.s().ResolveConflict(conflict->id, c.Value("value")); !r) {
      return Refuse(c, r.error());
    }
    shown = c.Value("value");
  }
  if (conflict->table == "enterprise") {
    // What the record shows now, as the core stored it (trimmed, normalised).
    auto e = c.s().GetEnterprise(conflict->record_id);
    if (e) shown = e->record.Text(conflict->field);
  }
  if (c.json) {
    json::Writer w(true);
    w.BeginObject().Key("id").String(conflict->id).Key("table").String(conflict->table);
    w.Key("record_id").String(conflict->record_id).Key("field").String(conflict->field);
    w.Key("value").String(shown).EndObject();
    PrintJson(c, w);
    return 0;
  }
  c.out << Fmt("conflict.resolved", c.lang,
               {conflict->id, ConflictSubject(c, *conflict),
                shown.empty() ? Tr("conflict.empty", c.lang) : Cell(shown)})
        << '\n';
  return 0;
}

int CmdDigest(Context& c) {
  if (int code = RequireDevice(c)) return code;
  auto digest = c.s().Digest();
  if (!digest) return Refuse(c, digest.error());
  if (c.json) {
    json::Writer w(true);
    w.BeginObject().Key("digest").String(*digest).EndObject();
    PrintJson(c, w);
    return 0;
  }
  c.out << *digest << '\n';
  return 0;
}

// [SECTION] Held commits

int CmdHeldList(Context& c) {
  if (int code = RequireDevice(c)) return code;
  auto held = c.s().ListHeld();
  if (auto done = PrintListOrNone(c, held)) return *done;
  std::set<std::string> devices;
  for (const HeldCommit& h : *held) devices.insert(h.device);
  std::map<std::string, std::string> short_ids = ShortIds(devices);
  Table t({FieldLabel("device", c.lang), FieldLabel("seq", c.lang), FieldLabel("time", c.lang),
           FieldLabel("reason", c.lang)});
  t.AlignRight(1);
  for (const HeldCommit& h : *held) {
    std::string reason = MessageText(h.reason, c.lang);
    if (h.accepted) reason = Tr("held.accepted", c.lang) + " " + reason;
    t.Add({short_ids[h.device], std::to_string(h.seq), UtcMinute(h.time_ms), reason});
  }
  t.Print(c.out);
  return 0;
}

namespace {

// What releasing held commits did (held accept, held release).
int PrintReleased(Context& c, const Result<ApplyReport>& report) {
  if (!report) return Refuse(c, report.error());
  if (c.json) {
    json::Writer w(true);
    json::Write(w, *report);
    PrintJson(c, w);
    return 0;
  }
  PrintApplySummary(
      c,
      Fmt("held.released", c.lang,
          {std::to_string(report->applied), std::to_string(report->changes),
           std::to_string(report->waiting.size()), Plural(report->applied, "commit", "commits"),
           Plural(report->changes, "change", "changes")}),
      report->waiting);
  return 0;
}

}  // namespace

int CmdHeldAccept(Context& c) {
  if (int code = RequireDevice(c)) return code;
  auto report = c.s().AcceptHeld(c.positional[0]);
  return PrintReleased(c, report);
}

int CmdHeldRelease(Context& c) {
  if (int code = RequireDevice(c)) return code;
  auto report = c.s().ReleaseHeld();
  return PrintReleased(c, report);
}

}  // namespace dosti::cli
