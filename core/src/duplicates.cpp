// Duplicates: the same enterprise entered twice (at two offices, or at a booth while offline),
// found by shared identifiers, names and contact channels, and merged by a replicated
// merged-into link. Merged records keep everything; reads follow the link through the local
// canon_id column that Store derives from merged_into.
#include <algorithm>
#include <map>

#include "session_impl.h"

namespace dosti {

Result<std::vector<DuplicatePair>> FindDuplicatePairs(Session::Impl& m) {
  std::map<std::pair<std::string, std::string>, DuplicatePair> pairs;
  auto add = [&](Stmt& s, Message reason) {
    DuplicatePair& p = pairs[{s.Text(0), s.Text(2)}];
    p.id_a = s.Text(0);
    p.name_a = s.Text(1);
    p.id_b = s.Text(2);
    p.name_b = s.Text(3);
    if (std::none_of(p.reasons.begin(), p.reasons.end(),
                     [&](const Message& m) { return m.text == reason.text; })) {
      p.reasons.push_back(std::move(reason));
    }
  };
  // Each query yields (a.id, a.name, b.id, b.name, what) with a.id < b.id. It first finds the
  // shared values (k) from an index alone, then joins records for those few values only: a
  // self-join over every row would look each row up three times.
  constexpr const char* kBothLive =
      "a.archived = 0 AND a.canon_id IS NULL AND b.archived = 0 AND b.canon_id IS NULL";
  DOSTI_TRY(EachRow(
      *m.db,
      std::string("WITH k AS (SELECT value, type FROM enterprise_identifier GROUP BY value, type"
                  "  HAVING count(*) > 1) "
                  "SELECT a.id, a.name, b.id, b.name, k.type, k.value FROM k "
                  "JOIN enterprise_identifier x ON x.value = k.value AND x.type = k.type "
                  "  AND x.archived = 0 "
                  "JOIN enterprise_identifier y ON y.value = k.value AND y.type = k.type "
                  "  AND y.archived = 0 AND y.enterprise_id > x.enterprise_id "
                  "JOIN enterprise a ON a.id = x.enterprise_id "
                  "JOIN enterprise b ON b.id = y.enterprise_id WHERE ") + kBothLive,
      [&](Stmt& s) {
        add(s, MakeMessage("duplicates.same_identifier", {{"type", s.Text(4)}, {"value", s.Text(5)}}));
      }));
  DOSTI_TRY(EachRow(
      *m.db,
      std::string("WITH k AS (SELECT name_key FROM enterprise WHERE name_key <> '' "
                  "  GROUP BY name_key HAVING count(*) > 1) "
                  "SELECT a.id, a.name, b.id, b.name FROM k "
                  "JOIN enterprise a ON a.name_key = k.name_key "
                  "JOIN enterprise b ON b.name_key = k.name_key AND b.id > a.id WHERE ") + kBothLive,
      [&](Stmt& s) { add(s, MakeMessage("duplicates.same_name")); }));
  // The same query for each contact channel, with @ standing for its column.
  const std::string contact_sql =
      std::string("WITH k AS (SELECT @ AS v FROM contact WHERE @ <> '' GROUP BY @ "
                  "  HAVING count(*) > 1) "
                  "SELECT DISTINCT a.id, a.name, b.id, b.name, k.v FROM k "
                  "JOIN contact x ON x.@ = k.v AND x.archived = 0 "
                  "JOIN contact y ON y.@ = k.v AND y.archived = 0 "
                  "  AND y.enterprise_id > x.enterprise_id "
                  "JOIN enterprise a ON a.id = x.enterprise_id "
                  "JOIN enterprise b ON b.id = y.enterprise_id WHERE ") + kBothLive;
  for (const auto& [column, key] :
       {std::pair<std::string, std::string>{"mobile", "duplicates.same_mobile"},
        {"email", "duplicates.same_email"},
        {"wechat", "duplicates.same_wechat"}}) {
    std::string sql;
    for (char ch : contact_sql) sql += ch == '@' ? column : std::string(1, ch);
    const std::string reason = key;
    DOSTI_TRY(EachRow(*m.db, sql,
                      [&](Stmt& s) { add(s, MakeMessage(reason, {{"value", s.Text(4)}})); }));
  }
  std::vector<DuplicatePair> out;
  out.reserve(pairs.size());
  for (auto& [ids, p] : pairs) out.push_back(std::move(p));
  return out;
}

Result<std::vector<DuplicatePair>> Session::ListDuplicates() {
  DOSTI_TRY(impl_->RequireInit());
  return FindDuplicatePairs(*impl_);
}

Result<void> Session::MergeDuplicates(std::string_view keep_id, std::string_view other_id) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  auto keep = m.Load("enterprise", keep_id);
  if (!keep) return keep.error();
  auto other = m.Load("enterprise", other_id);
  if (!other) return other.error();
  if (keep->id == other->id) return MakeError(ErrorCode::kInvalid, "duplicates.self");
  for (const Record* r : {&*keep, &*other}) {
    if (r->Int("archived") != 0) {
      return MakeError(ErrorCode::kInvalid, "duplicates.archived", RecordArgs(*r));
    }
    if (!r->Text("merged_into").empty()) {
      Args args = RecordArgs(*r);
      args.emplace_back("target", r->Text("merged_into"));
      return MakeError(ErrorCode::kInvalid, "duplicates.already_merged", std::move(args));
    }
  }
  if (keep->Text("country") != other->Text("country")) {
    Args args = RecordArgs(*keep);
    for (auto& [n, v] : RecordArgs(*other)) args.emplace_back("other_" + n, v);
    return MakeError(ErrorCode::kInvalid, "duplicates.countries", std::move(args));
  }
  return InTransaction(*m.db, [&]() -> Result<void> {
    auto n = m.store->Update("enterprise", other->id, {{"merged_into", keep->id}});
    if (!n) return n.error();
    return {};
  });
}

Result<void> Session::UnmergeDuplicate(std::string_view other_id) {
  Impl& m = *impl_;
  DOSTI_TRY(m.RequireInit());
  auto other = m.Load("enterprise", other_id);
  if (!other) return other.error();
  if (other->Text("merged_into").empty()) {
    return MakeError(ErrorCode::kInvalid, "duplicates.not_merged", RecordArgs(*other));
  }
  return InTransaction(*m.db, [&]() -> Result<void> {
    auto n = m.store->Update("enterprise", other->id, {{"merged_into", Value{}}});
    if (!n) return n.error();
    return {};
  });
}

Result<std::vector<Record>> Session::ListMergedInto(std::string_view enterprise_id) {
  Impl& m = *impl_;
  auto id = m.Resolve("enterprise", enterprise_id);
  if (!id) return id.error();
  // canon_id (indexed) follows chains of merges to the live record.
  return m.store->Select(
      "SELECT * FROM enterprise WHERE canon_id = ? AND merged_into IS NOT NULL ORDER BY id", *id);
}

}  // namespace dosti
