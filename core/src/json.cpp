#include "dosti/json.h"

#include <cassert>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "dosti/date.h"
#include "dosti/text.h"

namespace dosti::json {

// [SECTION] Strings and numbers

namespace {

void AppendEscaped(std::string& out, std::string_view s) {
  static const char* hex = "0123456789abcdef";
  // Invalid UTF-8 would make the whole document invalid; such input is decoded with U+FFFD
  // replacements first. Valid input (the usual case) is copied as it is.
  std::string repaired;
  if (!text::IsValidUtf8(s)) {
    repaired = text::FromCodePoints(text::ToCodePoints(s));
    s = repaired;
  }
  out += '"';
  // Bytes that need no escape are copied a run at a time (a list of 100,000 enterprises is
  // 70 MB of JSON; byte by byte, escaping was half the time of `enterprise list --json`).
  // (0xE2 may begin U+2028 or U+2029, looked at below.)
  auto plain = [](unsigned char c) {
    return c >= 0x20 && c != '"' && c != '\\' && c != 0x7f && c != 0xE2;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    size_t run = i;
    while (run < s.size() && plain(static_cast<unsigned char>(s[run]))) ++run;
    if (run > i) {
      out.append(s, i, run - i);
      i = run;
      if (i == s.size()) break;
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\b':
        out += "\\b";
        continue;
      case '\f':
        out += "\\f";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == 0x7f) {
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 15];
      continue;
    }
    // U+2028 and U+2029 (E2 80 A8/A9) are valid in JSON but end a line in older JavaScript
    // and in many log viewers: escape them so one value stays on the lines it claims.
    if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(s[i + 2]) == 0xA8 ||
         static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
      out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
      i += 2;
      continue;
    }
    out += static_cast<char>(c);
  }
  out += '"';
}

}  // namespace

std::string Quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  AppendEscaped(out, s);
  return out;
}

std::string Number(double v) {
  if (!std::isfinite(v)) return "null";
  if (v == 0) return "0";  // also for -0, which JSON readers would show as "-0"
  // Whole numbers (hours such as 2, counts) without an exponent: "100", not "1e+02".
  if (std::fabs(v) < 1e15 && v == std::floor(v)) {
    char whole[24];
    std::snprintf(whole, sizeof whole, "%.0f", v);
    return whole;
  }
  // The shortest %g precision that reads back to the same double. snprintf and strtod are
  // used (not std::to_chars for doubles) because emscripten 3.1.6's libc++ lacks the latter.
  // The C locale is in force: the CLI and the wasm facade never call setlocale.
  char buf[40];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

// [SECTION] Writer

Writer::Writer(bool pretty, int indent) : pretty_(pretty), indent_(indent) {}

void Writer::NewLine() {
  out_ += '\n';
  out_.append(stack_.size() * static_cast<size_t>(indent_), ' ');
}

void Writer::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (stack_.empty()) return;
  Level& top = stack_.back();
  assert(!top.object && "a value inside an object needs a Key first");
  if (!top.empty) out_ += ',';
  top.empty = false;
  if (pretty_) NewLine();
}

Writer& Writer::Key(std::string_view key) {
  assert(!stack_.empty() && stack_.back().object && !after_key_);
  Level& top = stack_.back();
  if (!top.empty) out_ += ',';
  top.empty = false;
  if (pretty_) NewLine();
  AppendEscaped(out_, key);
  out_ += pretty_ ? ": " : ":";
  after_key_ = true;
  return *this;
}

Writer& Writer::BeginObject() {
  BeforeValue();
  out_ += '{';
  stack_.push_back({true, true});
  return *this;
}

Writer& Writer::BeginArray() {
  BeforeValue();
  out_ += '[';
  stack_.push_back({false, true});
  return *this;
}

Writer& Writer::EndObject() {
  assert(!stack_.empty() && stack_.back().object && !after_key_);
  bool empty = stack_.back().empty;
  stack_.pop_back();
  if (pretty_ && !empty) NewLine();
  out_ += '}';
  return *this;
}

Writer& Writer::EndArray() {
  assert(!stack_.empty() && !stack_.back().object);
  bool empty = stack_.back().empty;
  stack_.pop_back();
  if (pretty_ && !empty) NewLine();
  out_ += ']';
  return *this;
}

Writer& Writer::String(std::string_view s) {
  BeforeValue();
  AppendEscaped(out_, s);
  return *this;
}

Writer& Writer::Int(int64_t v) {
  BeforeValue();
  out_ += std::to_string(v);
  return *this;
}

Writer& Writer::Double(double v) {
  BeforeValue();
  out_ += Number(v);
  return *this;
}

Writer& Writer::Bool(bool v) {
  BeforeValue();
  out_ += v ? "true" : "false";
  return *this;
}

Writer& Writer::Null() {
  BeforeValue();
  out_ += "null";
  return *this;
}

Writer& Writer::Val(const Value& v) {
  switch (v.index()) {
    case 1:
      return Int(std::get<int64_t>(v));
    case 2:
      return Double(std::get<double>(v));
    case 3:
      return String(std::get<std::string>(v));
    default:
      return Null();
  }
}

Writer& Writer::StringOrNull(std::string_view s) { return s.empty() ? Null() : String(s); }

std::string Writer::Take() {
  assert(stack_.empty() && !after_key_);
  std::string out = std::move(out_);
  out_.clear();
  return out;
}

// [SECTION] Records and the facade's types

namespace {

void WriteFields(Writer& w, const Record& r) {
  w.Key("id").String(r.id);
  for (const Field& f : r.fields) {
    if (f.name == "id") continue;  // already first
    w.Key(f.name).Val(f.value);
  }
}

}  // namespace

void Write(Writer& w, const Record& r) {
  w.BeginObject();
  WriteFields(w, r);
  w.EndObject();
}

void Write(Writer& w, const std::vector<Record>& rows) {
  w.BeginArray();
  for (const Record& r : rows) Write(w, r);
  w.EndArray();
}

void Write(Writer& w, const Args& args) {
  w.BeginObject();
  for (const auto& [name, value] : args) w.Key(name).String(value);
  w.EndObject();
}

// A message in the field `name`: "<name>" its English text, "<name>_key", "<name>_args".
void WriteMessageFields(Writer& w, std::string_view name, const Message& m) {
  std::string n(name);
  w.Key(n).String(m.text);
  w.Key(n + "_key").String(m.key);
  w.Key(n + "_args");
  Write(w, m.args);
}

void Write(Writer& w, const Message& m) {
  w.BeginObject().Key("key").String(m.key).Key("args");
  Write(w, m.args);
  w.Key("text").String(m.text).EndObject();
}

void Write(Writer& w, const std::vector<Issue>& issues) {
  w.BeginArray();
  for (const Issue& i : issues) Write(w, i);
  w.EndArray();
}

void Write(Writer& w, const Saved& s) {
  w.BeginObject().Key("id").String(s.id).Key("warnings");
  Write(w, s.warnings);
  w.EndObject();
}

void Write(Writer& w, const Issue& issue) {
  w.BeginObject();
  w.Key("severity").String(issue.severity == Severity::kError ? "error" : "warning");
  w.Key("code").Int(static_cast<int64_t>(issue.code));
  w.Key("key").String(issue.key);
  w.Key("args");
  Write(w, issue.args);
  w.Key("field").String(issue.field);
  w.Key("message").String(issue.message);
  w.EndObject();
}

void Write(Writer& w, const Error& e) {
  w.BeginObject();
  w.Key("code").Int(static_cast<int64_t>(e.code));
  w.Key("key").String(e.key);
  w.Key("args");
  Write(w, e.args);
  w.Key("field").String(e.field);
  w.Key("message").String(e.message);
  if (!e.details.empty()) {
    w.Key("details").BeginArray();
    for (const Error& d : e.details) Write(w, d);
    w.EndArray();
  }
  w.EndObject();
}

void Write(Writer& w, const EnterprisePage& page) {
  w.BeginObject().Key("total").Int(page.total).Key("offset").Int(page.offset).Key("rows");
  Write(w, page.rows);
  w.EndObject();
}

void Write(Writer& w, const ChangeEvent& e) {
  w.BeginObject().Key("local").Bool(e.local).Key("merged").Bool(e.merged).Key("tables");
  w.BeginArray();
  for (const ChangedRecords& t : e.tables) {
    w.BeginObject().Key("table").String(t.table).Key("many").Bool(t.many).Key("ids").BeginArray();
    for (const std::string& id : t.ids) w.String(id);
    w.EndArray().EndObject();
  }
  w.EndArray().EndObject();
}

void Write(Writer& w, const Identifier& id) {
  w.BeginObject();
  w.Key("id").String(id.id);
  w.Key("type").String(IdentifierTypeCode(id.type));
  w.Key("value").String(id.value);
  w.Key("check").String(IdentifierCheckCode(id.check));
  w.EndObject();
}

void Write(Writer& w, const EnterpriseView& e) {
  w.BeginObject();
  WriteFields(w, e.record);
  w.Key("identifiers").BeginArray();
  for (const Identifier& id : e.identifiers) Write(w, id);
  w.EndArray().EndObject();
}

void Write(Writer& w, const SearchHit& hit) {
  w.BeginObject();
  w.Key("enterprise_id").String(hit.enterprise_id);
  w.Key("country").String(hit.country);
  w.Key("name").String(hit.name);
  w.Key("reason").String(MatchReasonCode(hit.reason));
  w.Key("matched").String(hit.matched);
  w.Key("score").Double(hit.score);
  w.EndObject();
}

void Write(Writer& w, const std::vector<SearchHit>& hits) {
  w.BeginArray();
  for (const SearchHit& h : hits) Write(w, h);
  w.EndArray();
}

void Write(Writer& w, const WorkspaceInfo& info) {
  w.BeginObject();
  w.Key("initialised").Bool(info.initialised);
  w.Key("workspace_name").String(info.workspace_name);
  w.Key("office").String(info.office);
  w.Key("device_id").String(info.device_id);
  w.Key("programme_id").String(info.programme_id);
  w.Key("schema_version").Int(info.schema_version);
  w.Key("user").String(info.user);
  w.EndObject();
}

void Write(Writer& w, const ImportSummary& summary) {
  auto counts = [&w](int64_t rows, int64_t imported, int64_t updated, int64_t unchanged) {
    w.Key("rows").Int(rows).Key("imported").Int(imported).Key("updated").Int(updated);
    w.Key("unchanged").Int(unchanged);
  };
  w.BeginObject();
  counts(summary.rows, summary.imported, summary.updated, summary.unchanged);
  w.Key("tables").BeginArray();
  for (const ImportCounts& t : summary.tables) {
    w.BeginObject().Key("table").String(t.table);
    counts(t.rows, t.imported, t.updated, t.unchanged);
    w.EndObject();
  }
  w.EndArray().Key("warnings");
  Write(w, summary.warnings);
  w.EndObject();
}

void Write(Writer& w, const DuplicatePair& pair) {
  w.BeginObject();
  w.Key("id_a").String(pair.id_a).Key("name_a").String(pair.name_a);
  w.Key("id_b").String(pair.id_b).Key("name_b").String(pair.name_b);
  w.Key("reasons").BeginArray();
  for (const Message& r : pair.reasons) w.String(r.text);
  w.EndArray().Key("reason_keys").BeginArray();
  for (const Message& r : pair.reasons) w.String(r.key);
  w.EndArray().Key("reason_args").BeginArray();
  for (const Message& r : pair.reasons) Write(w, r.args);
  w.EndArray().EndObject();
}

void Write(Writer& w, const std::vector<DuplicatePair>& pairs) {
  w.BeginArray();
  for (const DuplicatePair& p : pairs) Write(w, p);
  w.EndArray();
}

// [SECTION] Replication

std::string UtcTime(int64_t ms) {
  // Floor division, so instants before 1970 land on the right day too.
  int64_t days = ms >= 0 ? ms / 86'400'000 : -((-ms + 86'399'999) / 86'400'000);
  int64_t rest = ms - days * 86'400'000;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d.%03dZ", FormatDate(CivilFromDays(days)).c_str(),
                static_cast<int>(rest / 3'600'000), static_cast<int>(rest / 60'000 % 60),
                static_cast<int>(rest / 1000 % 60), static_cast<int>(rest % 1000));
  return buf;
}

void Write(Writer& w, const Frontier& frontier) {
  w.BeginObject();
  for (const auto& [device, seq] : frontier) w.Key(device).Int(seq);
  w.EndObject();
}

void Write(Writer& w, const HeldCommit& held) {
  w.BeginObject();
  w.Key("device").String(held.device);
  w.Key("seq").Int(held.seq);
  w.Key("time_ms").Int(held.time_ms);
  w.Key("time").String(UtcTime(held.time_ms));
  w.Key("accepted").Bool(held.accepted);
  WriteMessageFields(w, "reason", held.reason);
  w.EndObject();
}

void Write(Writer& w, const std::vector<HeldCommit>& held) {
  w.BeginArray();
  for (const HeldCommit& h : held) Write(w, h);
  w.EndArray();
}

void Write(Writer& w, const ApplyReport& report) {
  w.BeginObject();
  w.Key("applied").Int(report.applied);
  w.Key("known").Int(report.known);
  w.Key("held").Int(report.held);
  w.Key("changes").Int(report.changes);
  w.Key("waiting");
  Write(w, report.waiting);
  w.Key("equivocations").BeginArray();
  for (const Equivocation& e : report.equivocations) Write(w, e);
  w.EndArray();
  w.Key("discarded").Int(report.discarded);
  w.EndObject();
}

void Write(Writer& w, const Equivocation& e) {
  w.BeginObject();
  w.Key("device").String(e.device);
  w.Key("seq").Int(e.seq);
  w.Key("digest").String(e.digest);
  w.Key("received_ms").Int(e.received_ms);
  w.Key("received").String(UtcTime(e.received_ms));
  w.EndObject();
}

void Write(Writer& w, const ConflictValue& value) {
  w.BeginObject();
  w.Key("value").Val(value.value);
  w.Key("device").String(value.device);
  w.Key("office").String(value.office);
  w.Key("time_ms").Int(value.time_ms);
  w.Key("time").String(UtcTime(value.time_ms));
  w.Key("winner").Bool(value.winner);
  w.EndObject();
}

void Write(Writer& w, const Conflict& conflict) {
  w.BeginObject();
  w.Key("id").String(conflict.id);
  w.Key("table").String(conflict.table);
  w.Key("record_id").String(conflict.record_id);
  w.Key("field").String(conflict.field);
  w.Key("values").BeginArray();
  for (const ConflictValue& v : conflict.values) Write(w, v);
  w.EndArray().EndObject();
}

void Write(Writer& w, const std::vector<Conflict>& conflicts) {
  w.BeginArray();
  for (const Conflict& c : conflicts) Write(w, c);
  w.EndArray();
}

// [SECTION] Reports

void Write(Writer& w, const ServiceCell& cell) {
  w.BeginObject();
  w.Key("logs").Int(cell.logs);
  w.Key("enterprises").Int(cell.enterprises);
  w.Key("hours").Double(cell.hours);
  w.EndObject();
}

void Write(Writer& w, const ProgressReport& r) {
  w.BeginObject();
  for (const CountryProgress& c : r.countries) {
    w.Key(c.country).BeginObject();
    w.Key("as_of").String(FormatDate(c.as_of));
    w.Key("target").Int(c.target).Key("selected").Int(c.selected);
    w.Key("stages").BeginObject();
    for (const StageCount& s : c.stages) w.Key(s.stage).Int(s.count);
    w.EndObject();
    w.Key("exits").Int(c.exits);
    w.Key("now").Bool(r.now).Key("calendar").String(c.calendar);
    w.Key("time_zone").String(c.time_zone);
    w.EndObject();
  }
  w.EndObject();
}

void Write(Writer& w, const ServicesReport& r) {
  w.BeginObject().Key("month").String(r.month).Key("categories").BeginObject();
  for (const ServiceRow& row : r.rows) {
    w.Key(row.category).BeginObject();
    w.Key("logs").Int(row.all.logs);
    w.Key("enterprises").Int(row.all.enterprises);
    w.Key("hours").Double(row.all.hours);
    w.Key("by_country").BeginObject();
    w.Key("CN");
    Write(w, row.cn);
    w.Key("PK");
    Write(w, row.pk);
    w.EndObject();
    w.Key("by_office").BeginObject();
    w.Key("beijing");
    Write(w, row.beijing);
    w.Key("islamabad");
    Write(w, row.islamabad);
    w.EndObject();
    w.EndObject();
  }
  w.EndObject().Key("total");
  Write(w, r.total);
  w.EndObject();
}

void Write(Writer& w, const FunnelReport& r) {
  w.BeginObject().Key("as_of").String(FormatDate(r.as_of)).Key("now").Bool(r.now);
  w.Key("pairs").Int(r.pairs);
  w.Key("stages").BeginArray();
  for (const FunnelStage& s : r.stages) {
    w.BeginObject();
    w.Key("stage").String(s.stage);
    w.Key("reached").Int(s.reached);
    w.Key("conversion").Double(s.conversion);
    w.Key("median_days").Double(s.median_days);
    w.EndObject();
  }
  w.EndArray();
  w.Key("on_hold").Int(r.on_hold).Key("closed_lost").Int(r.closed_lost).EndObject();
}

void Write(Writer& w, const FollowUpReport& r) {
  w.BeginObject().Key("as_of").String(FormatDate(r.as_of)).Key("rows").BeginArray();
  for (const FollowUpRow& row : r.rows) {
    w.BeginObject();
    w.Key("assignee").String(row.assignee);
    w.Key("office").String(row.office);
    w.Key("open").Int(row.open);
    w.Key("overdue").Int(row.overdue);
    w.Key("due_this_week").Int(row.due_this_week);
    w.EndObject();
  }
  w.EndArray().Key("open").Int(r.open).Key("overdue").Int(r.overdue).EndObject();
}

void Write(Writer& w, const QualityReport& r) {
  w.BeginObject().Key("as_of").String(FormatDate(r.as_of)).Key("items").BeginArray();
  for (const QualityItem& i : r.items) {
    w.BeginObject();
    w.Key("kind").String(i.kind);
    w.Key("table").String(i.table);
    w.Key("record_id").String(i.record_id);
    w.Key("label").String(i.label);
    WriteMessageFields(w, "message", i.message);
    w.EndObject();
  }
  w.EndArray().EndObject();
}

void Write(Writer& w, const CoverageReport& r) {
  w.BeginObject().Key("month").String(r.month).Key("selected").Int(r.selected);
  w.Key("unserved_ids").BeginArray();
  for (const std::string& id : r.unserved_ids) w.String(id);
  w.EndArray().Key("unserved_names").BeginArray();
  for (const std::string& n : r.unserved_names) w.String(n);
  w.EndArray().EndObject();
}

void Write(Writer& w, const LandingReport& r) {
  w.BeginObject().Key("rows").BeginArray();
  for (const LandingRow& row : r.rows) {
    w.BeginObject();
    w.Key("country").String(row.country);
    w.Key("landing_status").String(row.landing_status);
    w.Key("count").Int(row.count);
    w.EndObject();
  }
  w.EndArray().EndObject();
}

void Write(Writer& w, const EventYieldReport& r) {
  w.BeginObject().Key("as_of").String(FormatDate(r.as_of)).Key("now").Bool(r.now);
  w.Key("cuts").BeginArray();
  for (const CountryCut& cut : r.cuts) {
    w.BeginObject().Key("country").String(cut.country).Key("calendar").String(cut.calendar);
    w.Key("time_zone").String(cut.time_zone).EndObject();
  }
  w.EndArray();
  w.Key("events").BeginArray();
  for (const EventYieldRow& row : r.rows) {
    w.BeginObject();
    w.Key("event_id").String(row.event_id).Key("name").String(row.name);
    w.Key("kind").String(row.kind).Key("start_date").String(row.start_date);
    w.Key("end_date").String(row.end_date).Key("office").String(row.office);
    w.Key("registered").Int(row.registered).Key("enterprises").Int(row.enterprises);
    w.Key("contacts").Int(row.contacts).Key("nominated").Int(row.nominated);
    w.Key("selected").Int(row.selected);
    w.EndObject();
  }
  w.EndArray().EndObject();
}

}  // namespace dosti::json
