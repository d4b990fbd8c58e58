// JSON output for the facade's types: one writer and one ToJson per type, so that the command
// line (`dosti --json`) and the wasm facade hand scripts and pages byte-identical JSON.
// Writing only; nothing here parses JSON. Plain values and a single-owner writer; thread-safe
// as long as one Writer is used by one thread.
//
// Conventions (every ToJson below follows them):
//   - a Record is an object: "id" first, then every field by its column name in schema order;
//     integers and reals are numbers, NULL is null, text is a string;
//   - codes stay codes ("CN", "legal", "selected", "CN_USCC"): front ends label them;
//   - dates are "YYYY-MM-DD" strings, months "YYYY-MM";
//   - non-ASCII text is written as UTF-8 (not \u escapes) so Chinese and Urdu stay readable;
//     control characters, U+2028 and U+2029 are escaped; invalid UTF-8 becomes U+FFFD, so the
//     output is always valid JSON and valid UTF-8;
//   - a real number is written in the shortest form that reads back to the same double; NaN
//     and infinities (which JSON cannot express) are written as null.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dosti/record.h"
#include "dosti/replication.h"
#include "dosti/reports.h"
#include "dosti/session.h"

namespace dosti::json {

// A streaming writer. Calls must nest properly (BeginObject … EndObject, Key before each value
// inside an object); misuse is a bug of the caller and is caught by asserts in debug builds.
//
//   Writer w(/*pretty=*/true);
//   w.BeginObject().Key("id").String(id).Key("warnings").BeginArray().EndArray().EndObject();
//   std::string text = w.Take();
class Writer {
 public:
  // `pretty`: newlines and `indent` spaces per level, `"key": value`; otherwise no white space.
  explicit Writer(bool pretty = false, int indent = 2);

  Writer& BeginObject();
  Writer& EndObject();
  Writer& BeginArray();
  Writer& EndArray();
  // The key of the next member; only inside an object.
  Writer& Key(std::string_view key);

  Writer& String(std::string_view s);
  Writer& Int(int64_t v);
  Writer& Double(double v);
  Writer& Bool(bool v);
  Writer& Null();
  // A stored value: null, a number or a string.
  Writer& Val(const Value& v);
  // An optional string: null when empty.
  Writer& StringOrNull(std::string_view s);

  // The text written so far; the writer is empty afterwards.
  std::string Take();
  const std::string& str() const { return out_; }

 private:
  void BeforeValue();
  void NewLine();

  struct Level {
    bool object = false;
    bool empty = true;
  };
  bool pretty_;
  int indent_;
  bool after_key_ = false;
  std::vector<Level> stack_;
  std::string out_;
};

// `s` as a JSON string literal, quotes included.
std::string Quote(std::string_view s);
// `v` as a JSON number (shortest round-trip form), or "null" when not finite.
std::string Number(double v);

// [SECTION] Facade types. Each Write appends one JSON value; each ToJson returns it as text.
//
// A message in a field X of an object is three keys: X (the English text), X_key (its catalog
// key, what a UI translates) and X_args ({name: value}): "reason", "reason_key", "reason_args".
//
// Record         {"id": ..., <every field>: ...}
// Saved          {"id": ..., "warnings": [Issue, ...]}
// EnterpriseView the record's object plus "identifiers": [{"id", "type", "value", "check"}]
// SearchHit      {"enterprise_id", "country", "name", "reason", "matched", "score"}
// WorkspaceInfo  {"initialised", "workspace_name", "office", "device_id", "programme_id",
//                 "schema_version", "user"}
// ImportSummary  {"rows", "imported", "updated", "unchanged", "tables": [{"table", "rows",
//                 "imported", "updated", "unchanged"}, ...],
//                 "warnings": [Issue, ...]} (field "line N: column")
// Issue          {"severity": "error"|"warning", "code": N, "key", "args": {name: value},
//                 "field", "message"}
// Error          {"code": N, "key", "args", "field", "message"[, "details": [Error, ...]]}
// Message        {"key", "args", "text"}
// EnterprisePage {"total", "offset", "rows": [Record (with "stage"), ...]}
// ChangeEvent    {"local", "merged", "tables": [{"table", "many", "ids": [...]}]}
void Write(Writer& w, const Record& r);
void Write(Writer& w, const std::vector<Record>& rows);
void Write(Writer& w, const Saved& s);
void Write(Writer& w, const Issue& issue);
void Write(Writer& w, const std::vector<Issue>& issues);
void Write(Writer& w, const Error& error);
void Write(Writer& w, const Message& message);
void Write(Writer& w, const Args& args);
void Write(Writer& w, const EnterprisePage& page);
void Write(Writer& w, const ChangeEvent& event);
void Write(Writer& w, const Identifier& id);
void Write(Writer& w, const EnterpriseView& e);
void Write(Writer& w, const SearchHit& hit);
void Write(Writer& w, const std::vector<SearchHit>& hits);
void Write(Writer& w, const WorkspaceInfo& info);
void Write(Writer& w, const ImportSummary& summary);
// DuplicatePair  {"id_a", "name_a", "id_b", "name_b", "reasons": [text, ...],
//                 "reason_keys": [key, ...], "reason_args": [{...}, ...]}
void Write(Writer& w, const DuplicatePair& pair);
void Write(Writer& w, const std::vector<DuplicatePair>& pairs);

// [SECTION] Replication (replication.h). Instants are UTC: "time_ms" (milliseconds since 1970)
// and "time" ("YYYY-MM-DDTHH:MM:SS.mmmZ", the same instant for people and scripts).
//
// Frontier       {DEVICE_ID: seq, ...} (device ids in ascending order)
// HeldCommit     {"device", "seq", "time_ms", "time", "accepted", "reason", "reason_key",
//                 "reason_args"}
// ApplyReport    {"applied", "known", "held", "changes", "waiting": [HeldCommit, ...],
//                 "equivocations": [Equivocation, ...], "discarded"}
// Equivocation   {"device", "seq", "digest", "received_ms", "received"}
// ConflictValue  {"value" (null, number or string), "device", "office", "time_ms", "time",
//                 "winner"}
// Conflict       {"id", "table", "record_id", "field", "values": [ConflictValue, ...]}
//                (the winner first)
void Write(Writer& w, const Frontier& frontier);
void Write(Writer& w, const HeldCommit& held);
void Write(Writer& w, const std::vector<HeldCommit>& held);
void Write(Writer& w, const ApplyReport& report);
void Write(Writer& w, const Equivocation& e);
void Write(Writer& w, const ConflictValue& value);
void Write(Writer& w, const Conflict& conflict);
void Write(Writer& w, const std::vector<Conflict>& conflicts);
// "2024-06-15T04:00:00.000Z": a UTC instant given in milliseconds since 1970.
std::string UtcTime(int64_t ms);

// [SECTION] Reports (reports.h).
//
// ProgressReport  {"CN": {"as_of", "target", "selected", "stages": {stage: N, ...}, "exits",
//                  "now", "calendar", "time_zone"}, "PK": {...}}: keyed by country so scripts
//                  can read report.CN.selected; "as_of" is the country's day in "calendar"
//                  (reports.h, CountryProgress).
// ServicesReport  {"month", "categories": {category: {"logs", "enterprises", "hours",
//                  "by_country": {"CN": cell, "PK": cell},
//                  "by_office": {"beijing": cell, "islamabad": cell}}, ...},
//                  "total": cell}   where cell = {"logs", "enterprises", "hours"}
// FunnelReport    {"as_of", "now", "pairs", "stages": [{"stage", "reached", "conversion",
//                  "median_days"}], "on_hold", "closed_lost"}
// FollowUpReport  {"as_of", "rows": [{"assignee", "office", "open", "overdue",
//                  "due_this_week"}], "open", "overdue"}
// QualityReport   {"as_of", "items": [{"kind", "table", "record_id", "label", "message",
//                  "message_key", "message_args"}]}
// CoverageReport  {"month", "selected", "unserved_ids": [...], "unserved_names": [...]}
// LandingReport   {"rows": [{"country", "landing_status", "count"}]}
// EventYieldReport {"as_of", "now", "cuts": [{"country", "calendar", "time_zone"}],
//                  "events": [{"event_id", "name", "kind", "start_date",
//                  "end_date", "office", "registered", "enterprises", "contacts", "nominated",
//                  "selected"}]}
void Write(Writer& w, const ServiceCell& cell);
void Write(Writer& w, const ProgressReport& r);
void Write(Writer& w, const ServicesReport& r);
void Write(Writer& w, const FunnelReport& r);
void Write(Writer& w, const FollowUpReport& r);
void Write(Writer& w, const QualityReport& r);
void Write(Writer& w, const CoverageReport& r);
void Write(Writer& w, const LandingReport& r);
void Write(Writer& w, const EventYieldReport& r);

// One value as JSON text (pretty: two-space indentation, no trailing newline).
template <typename T>
std::string ToJson(const T& value, bool pretty = false) {
  Writer w(pretty);
  Write(w, value);
  return w.Take();
}

}  // namespace dosti::json
