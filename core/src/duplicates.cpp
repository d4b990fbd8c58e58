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
  auto add = [&](Stmt& s, std::string reason) {
    DuplicatePair& p = pairs[{s.Text(0), s.Text(2)}];
    p.id_a = s.Text(0);
    p.name_a = s.Text(1);
    p.id_b = s.Text(2);
    p.name_b = s.Text(3);
    if (std::find(p.reasons.begin(), p.reasons.end(), reason) == p.reasons.end()) {
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
                  "SELECT a.id, a.name, b.id, b.name, k.type || ' ' || k.value FROM k "
                  "JOIN enterprise_identifier x ON x.value = k.value AND x.type = k.type "
                  "  AND x.archived = 0 "
                  "JOIN enterprise_identifier y ON y.value = k.value AND y.type = k.type "
                  "  AND y.archived = 0 AND y.enterprise_id > x.enterprise_id "
                  "JOIN enterprise a ON a.id = x.enterprise_id "
                  "JOIN enterprise b ON b.id = y.enterprise_id WHERE ") + kBothLive,
      [&](Stmt& s) { add(s, "same " + s.Text(4)); }));
  DOSTI_TRY(EachRow(
      *m.db,
      std::string("WITH k AS (SELECT name_key FROM enterprise WHERE name_key <> '' "
                  "  GROUP BY name_key HAVING count(*) > 1) "
                  "SELECT a.id, a.name, b.id, b.name FROM k "
                  "JOIN enterprise a ON a.name_key = k.name_key "
                  "JOIN enterprise b ON b.name_key = k.name_key AND b.id > a.id WHERE ") + kBothLive,
      [&](Stmt& s) { add(s, "same name"); }));
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
  for (const auto& [column, what] : {std::pair<std::string, std::string>{"mobile", "mobile"},
                                     {"email", "e-mail"},
                                     {"wechat", "WeChat id"}}) {
    std::string sql;
    for (char ch : contact_sql) sql += ch == '@' ? column : std::string(1, ch);
    const std::string label = what;
    DOSTI_TRY(EachRow(*m.db, sql, [&](Stmt& s) { add(s, "same " + label + " " + s.Text(4)); }));
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
  if (keep->id == other->id) {
    return MakeErrorText(ErrorCode::kInvalid, "an enterprise cannot be merged into itself");
  }
  for (const Record* r : {&*keep, &*other}) {
    if (r->Int("archived") != 0) {
      return MakeErrorText(ErrorCode::kInvalid, Describe(*r) + " is archived; unarchive it first");
    }
    if (!r->Text("merged_into").empty()) {
      return MakeErrorText(ErrorCode::kInvalid, Describe(*r) + " is already merged into " +
                                                r->Text("merged_into") +
                                                "; unmerge it first (dosti duplicates unmerge)");
    }
  }
  if (keep->Text("country") != other->Text("country")) {
    return MakeErrorText(ErrorCode::kInvalid,
                     Describe(*keep) + " and " + Describe(*other) +
                         " have different home countries, so they are not the same enterprise");
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
    return MakeErrorText(ErrorCode::kInvalid, Describe(*other) + " is not merged into another record");
  }
  return InTransaction(*m.db, [&]() -> Result<void> {
    auto n = m.store->Update("enterprise", other->id, {{"merged_into", Value{}}});
    if (!n) return n.error();
    return {};
  });
}

}  // namespace dosti
