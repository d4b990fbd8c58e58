#include "store.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <tuple>

#include "dosti/catalog.h"
#include "dosti/hex.h"
#include "dosti/session.h"
#include "dosti/text.h"
#include "dosti/validation.h"

namespace dosti {

bool IsLocalColumn(std::string_view name) {
  return name == "seq" || name == "name_key" || name == "clock" || name == "canon_id" ||
         name == "stage_rank";
}

bool IsBookkeepingColumn(std::string_view name) {
  return name == "id" || name == "updated_at" || IsLocalColumn(name);
}

namespace {

constexpr uint32_t kNoIndex = 0xffffffff;
// Rows kept for reuse: enough for a large merge, trimmed after a transaction without one.
constexpr size_t kSpareRows = 16384;
constexpr size_t kSpareRowsIdle = 64;
// The columns of the search index, in its order (schema version 2, enterprise_fts), and the
// replicated columns enterprise_tally counts by (schema version 5; stage_rank and canon_id are
// local, written by UpdateStages and RecomputeCanon).
constexpr std::string_view kSearchColumns[] = {"name", "name_en", "name_zh", "name_ur",
                                               "short_name"};
constexpr std::string_view kTallyColumns[] = {"archived", "country", "owning_office", "sector"};

// A row's hash in the batch index: the table name and the id, 8 bytes at a time.
uint64_t RowHash(std::string_view table, std::string_view id) {
  auto mix = [](uint64_t h, std::string_view s) {
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
      h ^= h >> 32;
    }
    uint64_t w = 0;
    std::memcpy(&w, s.data() + i, s.size() - i);
    h = (h ^ w ^ s.size()) * 0x9e3779b97f4a7c15ULL;
    return h ^ (h >> 29);
  };
  return mix(mix(0x243f6a8885a308d3ULL, table), id);
}

// A 32-digit lowercase hex id as two numbers that order like the text (false for other ids).
bool IdNumbers(std::string_view id, uint64_t& hi, uint64_t& lo) {
  if (id.size() != 32) return false;
  uint64_t part[2] = {0, 0};
  for (size_t i = 0; i < 32; ++i) {
    char c = id[i];
    uint64_t v;
    if (c >= '0' && c <= '9') v = static_cast<uint64_t>(c - '0');
    else if (c >= 'a' && c <= 'f') v = static_cast<uint64_t>(c - 'a' + 10);
    else return false;
    part[i / 16] = (part[i / 16] << 4) | v;
  }
  hi = part[0];
  lo = part[1];
  return true;
}

// ValueText(v).size(), without building the text.
size_t ValueTextSize(const Value& v) {
  switch (v.index()) {
    case 1: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, std::get<int64_t>(v));
      return static_cast<size_t>(r.ptr - buf);
    }
    case 2: {
      char buf[32];
      int n = std::snprintf(buf, sizeof buf, "%.15g", std::get<double>(v));
      return n < 0 ? 0 : std::min(static_cast<size_t>(n), sizeof buf - 1);
    }
    case 3: return std::get<std::string>(v).size();
    default: return 0;
  }
}

}  // namespace

// One row being written: the values read so far (schema order), its clock, what changed.
struct Store::RowState {
  const TableInfo* table = nullptr;  // nullptr: a table this schema does not know
  std::string table_name;
  std::string id;
  bool exists = false;
  int64_t rowid = 0;                 // of an existing row of a table with rowids
  std::vector<Value> values;
  std::vector<uint8_t> loaded;       // which values were read (or written)
  RowClock clock;
  std::vector<int> dirty;            // column indexes to write
  bool clock_dirty = false;
  int64_t updated_ms = 0;
  std::vector<std::string> conflicted_before;  // fields with ≥ 2 heads when loaded
};

// One field change on its way into a row: a local write, or a field of a remote commit.
struct Store::Change {
  int column = -1;              // index in the table's columns; -1: a field this schema lacks
  std::string_view name;        // the field's name
  const Value* value = nullptr;
  const Stamp* prev = nullptr;  // remote: the heads it superseded (devices of the commit)
  uint32_t prev_count = 0;
  uint32_t local_prev = 0;      // local: the heads it superseded, in local_prev_
  uint32_t local_prev_count = 0;
};

Store::Store(Db& db, Clock& clock, Random& random) : db_(db), clock_(clock), random_(random) {
  db_.SetHooks([this] { OnBegin(); }, [this] { return OnCommit(); }, [this] { OnRollback(); });
}

Store::~Store() { db_.SetHooks(nullptr, nullptr, nullptr); }

std::string Store::NewId() {
  // Time-ordered like UUIDv7 (RFC 9562 §5.7) so ids sort by creation and index pages stay warm.
  uint8_t bytes[16];
  uint64_t ms = static_cast<uint64_t>(clock_.NowMs());
  for (int i = 0; i < 6; ++i) bytes[i] = static_cast<uint8_t>(ms >> (8 * (5 - i)));
  random_.Fill(bytes + 6, 10);
  std::string id = ToHex(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
  minted_[minted_next_++ % minted_.size()] = id;
  return id;
}

// [SECTION] Schema introspection

Result<const TableInfo*> Store::Table(std::string_view table) {
  std::string key(table);
  if (auto it = tables_.find(key); it != tables_.end()) return &it->second;
  auto st = db_.Prepare("SELECT name, type, \"notnull\" FROM pragma_table_info(?)");
  if (!st) return st.error();
  (*st)->Args(table);
  TableInfo info;
  info.name = key;
  for (;;) {
    auto row = (*st)->Step();
    if (!row) return row.error();
    if (!*row) break;
    Column c;
    c.name = (*st)->Text(0);
    c.integer = (*st)->Text(1) == "INTEGER";
    c.not_null = (*st)->Int(2) != 0;
    c.local = IsLocalColumn(c.name);
    info.index.emplace(c.name, static_cast<int>(info.columns.size()));
    info.columns.push_back(std::move(c));
  }
  if (info.columns.empty()) return MakeError(ErrorCode::kNotFound, "table.unknown", {{"table", key}});
  info.clock = info.Find("clock");
  info.updated_at = info.Find("updated_at");
  info.name_column = info.Find("name");
  info.name_key = info.Find("name_key");
  info.derived_name_key = key == "enterprise" && info.name_column >= 0 && info.name_key >= 0;
  info.stage_source = key == "enrollment";
  info.stage_all = key == "programme";
  if (key == "enterprise") {
    info.new_row_columns.assign(info.columns.size(), 0);
    for (std::string_view c : kSearchColumns) {
      if (int i = info.Find(c); i >= 0) info.new_row_columns[i] = 1;
    }
    for (std::string_view c : kTallyColumns) {
      if (int i = info.Find(c); i >= 0) info.new_row_columns[i] = 1;
    }
  }
  // Rows are read by id once, then written back by rowid (no second index search). A table
  // without rowids (or with a column that hides the rowid) is written back by id.
  info.has_rowid = info.Find("rowid") < 0 && info.Find("oid") < 0 && info.Find("_rowid_") < 0;
  if (info.has_rowid) {
    sqlite3_stmt* probe = nullptr;
    std::string sql = "SELECT rowid FROM " + key;
    info.has_rowid = sqlite3_prepare_v2(db_.handle(), sql.c_str(), -1, &probe, nullptr) == SQLITE_OK;
    sqlite3_finalize(probe);
  }
  return &tables_.emplace(key, std::move(info)).first->second;
}

Result<const std::vector<Column>*> Store::Columns(std::string_view table) {
  auto t = Table(table);
  if (!t) return t.error();
  return &(*t)->columns;
}

Result<Value> Store::ParseValue(std::string_view table, std::string_view column,
                                std::string_view text) {
  auto t = Table(table);
  if (!t) return t.error();
  int i = (*t)->Find(column);
  if (i < 0 || (*t)->columns[i].local) {
    return MakeError(ErrorCode::kUnknownField, "field.unknown",
                     {{"table", std::string(table)}, {"field", std::string(column)}},
                     std::string(column));
  }
  if (text.empty()) return Value{};
  if (!(*t)->columns[i].integer) {
    if (!text::IsValidUtf8(text)) {
      return MakeError(ErrorCode::kInvalid, "value.not_utf8", {{"field", std::string(column)}},
                       std::string(column));
    }
    return Value{text::Clean(text)};
  }
  std::string s = text::Trim(text::FoldWidth(text));
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) {
    return MakeError(ErrorCode::kInvalid, "value.not_integer",
                     {{"field", std::string(column)}, {"value", std::string(text)}},
                     std::string(column));
  }
  return Value{v};
}

// [SECTION] Transaction hooks and commits

Result<void> Store::SetDevice(std::string device_id) {
  device_id_ = std::move(device_id);
  devices_.clear();
  device_numbers_.clear();
  bool damaged = false;
  DOSTI_TRY(EachRow(db_, "SELECT n, device FROM device_index ORDER BY n", [&](Stmt& row) {
    damaged = damaged || row.Int(0) != static_cast<int64_t>(devices_.size());
    device_numbers_.emplace(row.Text(1), static_cast<uint32_t>(devices_.size()));
    devices_.push_back(row.Text(1));
  }));
  if (damaged) return MakeError(ErrorCode::kStorage, "db.damaged_devices");
  auto self = Intern(device_id_);
  if (!self) return self.error();
  device_n_ = *self;
  // Each device's last commit, found by seeking from one device to the next in the log's
  // primary key, and the highest stamp from its hlc index: opening reads a few pages per
  // device, however long the log (a GROUP BY read all of it, bodies included).
  frontier_.clear();
  std::optional<std::string> device;
  auto take = [&](Stmt& row) { device = row.Text(0); };
  DOSTI_TRY(EachRow(db_, "SELECT device FROM commit_log ORDER BY device LIMIT 1", take));
  while (device) {
    std::string d = std::move(*device);
    device.reset();
    DOSTI_TRY(EachRow(
        db_, "SELECT max(seq) FROM commit_log WHERE device = ?",
        [&](Stmt& row) { frontier_[d] = row.Int(0); }, d));
    DOSTI_TRY(EachRow(db_, "SELECT device FROM commit_log WHERE device > ? ORDER BY device LIMIT 1",
                      take, d));
  }
  auto hlc = db_.QueryInt("SELECT coalesce(max(hlc), 0) FROM commit_log");
  if (!hlc) return hlc.error();
  last_hlc_ = std::max(last_hlc_, *hlc);
  auto it = frontier_.find(device_id_);
  next_seq_ = it == frontier_.end() ? 1 : it->second + 1;
  // The dependencies this device's commits have declared so far (see FlushCommit).
  declared_.clear();
  DOSTI_TRY(EachRow(db_, "SELECT device, seq FROM declared_dep",
                    [&](Stmt& row) { declared_[row.Text(0)] = row.Int(1); }));
  return {};
}

int64_t Store::NextHlc() {
  // Hybrid logical clock (Kulkarni et al., "Logical Physical Clocks", 2014): wall-clock
  // milliseconds in the high bits, a counter in the low 16, never going backwards and always
  // past every clock this replica has applied.
  int64_t now = clock_.NowMs() << 16;
  last_hlc_ = std::max(now, last_hlc_ + 1);
  return last_hlc_;
}

Result<uint32_t> Store::Intern(const std::string& device) {
  if (auto it = device_numbers_.find(device); it != device_numbers_.end()) return it->second;
  uint32_t n = static_cast<uint32_t>(devices_.size());
  auto st = db_.Prepare("INSERT INTO device_index(n, device) VALUES (?, ?)");
  if (!st) return st.error();
  DOSTI_TRY((*st)->Args(int64_t{n}, device).Run());
  devices_.push_back(device);
  device_numbers_.emplace(device, n);
  return n;
}

bool Store::Before(int64_t hlc_a, uint32_t dev_a, int64_t hlc_b, uint32_t dev_b) const {
  if (hlc_a != hlc_b) return hlc_a < hlc_b;
  return devices_[dev_a] < devices_[dev_b];
}

void Store::OnBegin() {
  canon_dirty_ = false;
  observed_ = {};
  observed_index_.clear();
  stage_enrollments_.clear();
  stage_enterprises_.clear();
  stage_all_ = false;
  new_enterprises_.clear();
  snapshot_ = {next_seq_, frontier_, declared_, devices_.size()};
  pending_.reset();
  pending_rows_.clear();
  pending_bytes_ = 0;
  ClearBatch();
}

void Store::OnRollback() {
  next_seq_ = snapshot_.next_seq;
  frontier_ = snapshot_.frontier;
  declared_ = snapshot_.declared;
  // Device numbers given out in the rolled-back transaction are gone from the table too.
  while (devices_.size() > snapshot_.devices) {
    device_numbers_.erase(devices_.back());
    devices_.pop_back();
  }
  pending_.reset();
  pending_rows_.clear();
  new_enterprises_.clear();
  ClearBatch();
  observed_ = {};
  observed_index_.clear();
}

Result<void> Store::OnCommit() {
  // Spare rows serve merges; after a transaction without one, most go back to the heap.
  if (batch_.empty() && spare_rows_.size() > kSpareRowsIdle) spare_rows_.resize(kSpareRowsIdle);
  DOSTI_TRY(FlushRemote());
  DOSTI_TRY(FlushNewEnterprises());  // before the derived columns' UPDATEs (see store.h)
  if (canon_dirty_) DOSTI_TRY(RecomputeCanon());
  DOSTI_TRY(UpdateStages());
  return FlushCommit();
}

// [SECTION] What changed

void Store::Note(const TableInfo& table, const std::string& id) {
  if (table.stage_source) stage_enrollments_.push_back(id);
  if (table.stage_all) stage_all_ = true;
  if (!observe_all_) return;
  auto [it, added] = observed_index_.emplace(table.name, observed_.tables.size());
  if (added) observed_.tables.push_back(ObservedTable{table.name, {}, false});
  ObservedTable& t = observed_.tables[it->second];
  if (t.many) return;
  t.ids.push_back(id);
  // A row written several times is listed once at the end; past twice the cap the list is
  // given up already (it could not shrink below the cap).
  if (t.ids.size() > 2 * kMaxObservedRecords) {
    t.many = true;
    t.ids = {};
  }
}

ObservedChanges Store::TakeChanges() {
  ObservedChanges out = std::move(observed_);
  observed_ = {};
  observed_index_.clear();
  std::sort(out.tables.begin(), out.tables.end(),
            [](const ObservedTable& a, const ObservedTable& b) { return a.table < b.table; });
  for (ObservedTable& t : out.tables) {
    std::sort(t.ids.begin(), t.ids.end());
    t.ids.erase(std::unique(t.ids.begin(), t.ids.end()), t.ids.end());
    if (t.ids.size() > kMaxObservedRecords) {
      t.many = true;
      t.ids = {};
    }
  }
  return out;
}

namespace {

// The rank of an enterprise's stage in programme DH-2023, for sorting and filtering lists:
// 0 not enrolled, then 1 + the stage's place in kEnrollmentStages. The enrollment is the one
// Session::Enroll moves: the record's own first, then those of records merged into it, oldest
// first. `?1` is the enterprise's id.
std::string StageRankSql() {
  std::string rank = "CASE n.stage";
  for (size_t i = 0; i < kEnrollmentStages.size(); ++i) {
    rank += " WHEN '" + std::string(kEnrollmentStages[i]) + "' THEN " + std::to_string(i + 1);
  }
  rank += " ELSE 0 END";
  const std::string live =
      " AND n.archived = 0 AND n.programme_id = "
      "(SELECT id FROM programme WHERE code = 'DH-2023' LIMIT 1) ORDER BY n.created_at, n.id "
      "LIMIT 1)";
  // (SQLite 3.40 cannot order a subquery by an expression of the outer row, hence two.)
  return "coalesce((SELECT " + rank + " FROM enrollment n WHERE n.enterprise_id = ?1" + live +
         ", (SELECT " + rank +
         " FROM enrollment n JOIN enterprise x ON x.id = n.enterprise_id WHERE x.canon_id = ?1" +
         live + ", 0)";
}

}  // namespace

Result<void> Store::UpdateStages() {
  if (stage_all_) {
    stage_all_ = false;
    stage_enrollments_.clear();
    stage_enterprises_.clear();
    return RecomputeAllStages();
  }
  if (stage_enrollments_.empty() && stage_enterprises_.empty()) return {};
  std::vector<std::string> ids = std::move(stage_enterprises_);
  stage_enterprises_.clear();
  auto owner = db_.Prepare(
      "SELECT n.enterprise_id, e.canon_id FROM enrollment n "
      "LEFT JOIN enterprise e ON e.id = n.enterprise_id WHERE n.id = ?");
  if (!owner) return owner.error();
  for (const std::string& enrollment : stage_enrollments_) {
    (*owner)->Args(enrollment);
    auto row = (*owner)->Step();
    if (!row) return row.error();
    if (*row) {
      ids.push_back((*owner)->Text(0));
      if (!(*owner)->IsNull(1)) ids.push_back((*owner)->Text(1));
    }
    (*owner)->Reset();
  }
  stage_enrollments_.clear();
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  auto get = db_.Prepare("SELECT stage_rank, " + StageRankSql() + " FROM enterprise WHERE id = ?1");
  if (!get) return get.error();
  auto set = db_.Prepare("UPDATE enterprise SET stage_rank = ?2 WHERE id = ?1");
  if (!set) return set.error();
  auto info = Table("enterprise");
  if (!info) return info.error();
  for (const std::string& id : ids) {
    (*get)->Args(id);
    auto row = (*get)->Step();
    if (!row) return row.error();
    if (!*row) {
      (*get)->Reset();
      continue;
    }
    int64_t before = (*get)->Int(0), after = (*get)->Int(1);
    (*get)->Reset();
    if (before == after) continue;
    DOSTI_TRY((*set)->Args(id, after).Run());
    Note(**info, id);  // its place in a list sorted by stage moved
  }
  return {};
}

Result<void> Store::RecomputeAllStages() {
  DOSTI_TRY(FlushNewEnterprises());  // the tally's update trigger needs them counted
  std::string rank = StageRankSql();
  // ?1 stands for the row's own id in the correlated subquery (its own tables are aliased, so
  // "enterprise" there is the row being updated).
  std::string expr;
  for (size_t i = 0; i < rank.size(); ++i) {
    if (rank.compare(i, 2, "?1") == 0) {
      expr += "enterprise.id";  // catalog: not a key (a column)
      ++i;
    } else {
      expr += rank[i];
    }
  }
  DOSTI_TRY(db_.Exec("UPDATE enterprise SET stage_rank = " + expr + " WHERE stage_rank IS NOT " +
                     expr));
  if (observe_all_) {
    auto [it, added] = observed_index_.emplace("enterprise", observed_.tables.size());
    if (added) observed_.tables.push_back(ObservedTable{"enterprise", {}, true});
    observed_.tables[it->second].many = true;
    observed_.tables[it->second].ids = {};
  }
  return {};
}

Result<void> Store::FlushNewEnterprises() {
  if (new_enterprises_.empty()) return {};
  auto read = db_.Prepare(
      "SELECT name, name_en, name_zh, name_ur, short_name, canon_id IS NULL, archived, country, "
      "stage_rank, coalesce(owning_office, ''), coalesce(sector, '') FROM enterprise "
      "WHERE seq = ?");
  if (!read) return read.error();
  // One row of VALUES: a statement without triggers that writes one row opens no savepoint.
  auto index = db_.Prepare(
      "INSERT INTO enterprise_fts(rowid, name, name_en, name_zh, name_ur, short_name) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  if (!index) return index.error();
  // Live enterprises by the tally's key (archived, country, stage, office, sector).
  std::map<std::tuple<int64_t, std::string, int64_t, std::string, std::string>, int64_t> counts;
  for (int64_t seq : new_enterprises_) {
    Stmt& r = **read;
    r.Reset().Bind(1, seq);
    auto found = r.Step();
    if (!found) return found.error();
    if (*found) {
      (*index)->Reset().Bind(1, seq);
      for (int i = 0; i < 5; ++i) (*index)->Bind(i + 2, r.Get(i));
      if (auto done = (*index)->Run(); !done) {
        r.Reset();
        return done.error();
      }
      if (r.Int(5) != 0) ++counts[{r.Int(6), r.Text(7), r.Int(8), r.Text(9), r.Text(10)}];
    }
    r.Reset();
  }
  new_enterprises_.clear();
  auto tally = db_.Prepare(
      "INSERT INTO enterprise_tally VALUES (?, ?, ?, ?, ?, ?) "
      "ON CONFLICT DO UPDATE SET n = n + excluded.n");
  if (!tally) return tally.error();
  for (const auto& [key, n] : counts) {
    const auto& [archived, country, stage, office, sector] = key;
    DOSTI_TRY((*tally)->Args(archived, country, stage, office, sector, n).Run());
  }
  return {};
}

Result<void> Store::RecomputeCanon() {
  canon_dirty_ = false;
  std::map<std::string, std::string> merged_into, canon_before;
  auto st = db_.Prepare(
      "SELECT id, merged_into, canon_id FROM enterprise "
      "WHERE merged_into IS NOT NULL OR canon_id IS NOT NULL");
  if (!st) return st.error();
  (*st)->Reset();
  for (;;) {
    auto row = (*st)->Step();
    if (!row) return row.error();
    if (!*row) break;
    std::string id = (*st)->Text(0);
    if (!(*st)->IsNull(1)) merged_into[id] = (*st)->Text(1);
    if (!(*st)->IsNull(2)) canon_before[id] = (*st)->Text(2);
  }
  // Follow each chain to a record that is not merged. Concurrent merges can make a cycle
  // (A into B on one device, B into A on another): then the smallest id in the cycle stays
  // live, on every replica alike.
  auto resolve = [&](const std::string& start) {
    std::vector<std::string> path;
    std::string at = start;
    for (;;) {
      auto it = merged_into.find(at);
      if (it == merged_into.end()) return at;
      auto seen = std::find(path.begin(), path.end(), at);
      if (seen != path.end()) return *std::min_element(seen, path.end());
      path.push_back(at);
      at = it->second;
    }
  };
  std::map<std::string, std::string> canon_after;
  for (const auto& [id, target] : merged_into) {
    std::string root = resolve(id);
    if (root != id) canon_after[id] = root;
  }
  auto set = db_.Prepare("UPDATE enterprise SET canon_id = ? WHERE id = ?");
  if (!set) return set.error();
  // Every record whose link moved, and the live records it left and joined: their stage
  // may now come from another enrollment (UpdateStages).
  for (const auto& [id, root] : canon_after) {
    auto it = canon_before.find(id);
    if (it != canon_before.end() && it->second == root) continue;
    DOSTI_TRY((*set)->Args(root, id).Run());
    stage_enterprises_.push_back(id);
    stage_enterprises_.push_back(root);
    if (it != canon_before.end()) stage_enterprises_.push_back(it->second);
  }
  for (const auto& [id, root] : canon_before) {
    if (canon_after.count(id)) continue;
    DOSTI_TRY((*set)->Args(nullptr, id).Run());
    stage_enterprises_.push_back(id);
    stage_enterprises_.push_back(root);
  }
  return {};
}

Result<void> Store::FlushCommit() {
  if (!pending_) return {};
  Commit& c = *pending_;
  // Declare what this device has applied from others since its last declaration: receivers
  // apply this commit only after those (causal delivery), so every prev it names is known.
  for (const auto& [device, seq] : frontier_) {
    if (device == device_id_) continue;
    auto it = declared_.find(device);
    if (it != declared_.end() && it->second >= seq) continue;
    auto known = std::find(c.devices.begin(), c.devices.end(), device);
    uint32_t n = static_cast<uint32_t>(known - c.devices.begin());
    if (known == c.devices.end()) c.devices.push_back(device);
    c.deps.push_back({n, seq});
    declared_[device] = seq;
  }
  std::string body = EncodeCommit(c);
  auto st = db_.Prepare("INSERT INTO commit_log(device, seq, hlc, body) VALUES (?, ?, ?, ?)");
  if (!st) return st.error();
  (*st)->Reset();
  (*st)->Bind(1, c.device()).Bind(2, c.seq).Bind(3, c.hlc).BindBlobStatic(4, body);
  DOSTI_TRY((*st)->Run());
  for (const Dependency& d : c.deps) {
    auto set = db_.Prepare("INSERT OR REPLACE INTO declared_dep(device, seq) VALUES (?, ?)");
    if (!set) return set.error();
    DOSTI_TRY((*set)->Args(c.devices[d.device], d.seq).Run());
  }
  frontier_[device_id_] = c.seq;
  next_seq_ = c.seq + 1;
  pending_.reset();
  pending_rows_.clear();
  pending_bytes_ = 0;
  return {};
}

int64_t Store::OpenCommit() {
  if (!pending_) {
    pending_.emplace();
    Commit& c = *pending_;
    c.seq = next_seq_;
    c.hlc = NextHlc();
    c.schema = schema_version_;
    c.devices.push_back(device_id_);
    c.author = 0;
    pending_devices_.assign(devices_.size(), kNoIndex);
    pending_devices_[device_n_] = 0;
    pending_names_.clear();
    pending_rows_.clear();
  }
  return pending_->hlc;
}

Result<void> Store::Capture(const TableInfo& table, std::string_view id,
                            const std::vector<Change>& changes) {
  if (changes.empty()) return {};
  OpenCommit();
  Commit& c = *pending_;
  auto name_index = [&](std::string_view name) {
    // Looked up before adding: emplace would make a node (and copy the name) every time.
    auto it = pending_names_.find(name);
    if (it == pending_names_.end()) {
      it = pending_names_.emplace(std::string(name), static_cast<uint32_t>(c.names.size())).first;
      c.names.emplace_back(name);
    }
    return it->second;
  };
  auto device_index = [&](uint32_t n) {
    if (n >= pending_devices_.size()) pending_devices_.resize(n + 1, kNoIndex);
    if (pending_devices_[n] == kNoIndex) {
      pending_devices_[n] = static_cast<uint32_t>(c.devices.size());
      c.devices.push_back(devices_[n]);
    }
    return pending_devices_[n];
  };
  key_.assign(table.name).append(1, '/').append(id);
  auto it = pending_rows_.find(key_);
  if (it == pending_rows_.end()) {
    it = pending_rows_.emplace(key_, static_cast<uint32_t>(c.rows.size())).first;
    RowChange r;
    r.table = name_index(table.name);
    r.id_begin = static_cast<uint32_t>(c.ids.size());
    r.id_size = static_cast<uint32_t>(id.size());
    c.ids.append(id);
    r.field_begin = static_cast<uint32_t>(c.fields.size());
    c.rows.push_back(r);
  }
  uint32_t row_index = it->second;
  for (const Change& ch : changes) {
    pending_bytes_ +=
        24 + ch.name.size() + ValueTextSize(*ch.value) + 24 * size_t{ch.local_prev_count};
    uint32_t column = name_index(ch.name);
    RowChange& row = c.rows[row_index];
    FieldChange* same = nullptr;
    for (uint32_t i = row.field_begin; i < row.field_begin + row.field_count; ++i) {
      if (c.fields[i].column == column) same = &c.fields[i];
    }
    if (same) {
      same->value = *ch.value;  // written twice in one commit: the last value counts
      continue;
    }
    // A row's fields lie together: a row written again after others moves to the end.
    if (row.field_begin + row.field_count != c.fields.size()) {
      uint32_t from = row.field_begin;
      row.field_begin = static_cast<uint32_t>(c.fields.size());
      for (uint32_t i = from; i < from + row.field_count; ++i) {
        FieldChange moved = std::move(c.fields[i]);
        c.fields.push_back(std::move(moved));
      }
    }
    FieldChange& f = c.fields.emplace_back();
    f.column = column;
    f.value = *ch.value;
    f.prev_begin = static_cast<uint32_t>(c.prevs.size());
    f.prev_count = ch.local_prev_count;
    for (uint32_t p = ch.local_prev; p < ch.local_prev + ch.local_prev_count; ++p) {
      c.prevs.push_back(Stamp{local_prev_[p].hlc, device_index(local_prev_[p].device)});
    }
    ++row.field_count;
  }
  // Close the commit between rows once it is large: a bulk write becomes several commits.
  if (pending_bytes_ > kCommitCapBytes) return FlushCommit();
  return {};
}

// [SECTION] Rows

Result<Stmt*> Store::RowStatement(const TableInfo& t, RowSql kind,
                                  const std::vector<int>& columns) {
  if (row_sql_generation_ != db_.generation()) {
    row_sql_.clear();
    row_sql_generation_ = db_.generation();
  }
  uint64_t mask = 0;
  bool keyed = true;
  for (int c : columns) {
    if (c >= 64) keyed = false;
    else mask |= uint64_t{1} << c;
  }
  StmtKey key{&t, kind, mask};
  if (keyed) {
    if (auto it = row_sql_.find(key); it != row_sql_.end()) return it->second;
  }
  const char* by = t.has_rowid ? "rowid" : "id";
  std::string sql;
  switch (kind) {
    case RowSql::kLoad:
      sql = t.has_rowid ? "SELECT rowid, clock, updated_at" : "SELECT clock, updated_at";
      for (int c : columns) sql += ", " + t.columns[c].name;
      sql += " FROM " + t.name + " WHERE id = ?";
      break;
    case RowSql::kLoadValue:
      sql = "SELECT " + t.columns[columns.at(0)].name + " FROM " + t.name + " WHERE " + by + " = ?";
      break;
    case RowSql::kInsert: {
      std::string values = ") VALUES (?1, ?2, ?3";
      sql = "INSERT INTO " + t.name + "(id, updated_at, clock";
      int i = 4;
      for (int c : columns) {
        sql += ", " + t.columns[c].name;
        values += ", ?" + std::to_string(i++);
      }
      sql += values + ")";
      break;
    }
    case RowSql::kUpdate: {
      sql = "UPDATE " + t.name + " SET updated_at = ?2, clock = ?3";
      int i = 4;
      for (int c : columns) sql += ", " + t.columns[c].name + " = ?" + std::to_string(i++);
      sql += std::string(" WHERE ") + by + " = ?1";
      break;
    }
  }
  auto st = db_.Prepare(sql);
  if (!st) return st.error();
  if (keyed) row_sql_.emplace(key, *st);
  return *st;
}

Result<Store::RowPtr> Store::LoadRow(const TableInfo* table, std::string_view table_name,
                                     std::string_view id, const std::vector<int>& columns,
                                     bool is_new) {
  RowPtr row;
  if (spare_rows_.empty()) {
    row = std::make_unique<RowState>();
  } else {
    row = std::move(spare_rows_.back());
    spare_rows_.pop_back();
  }
  row->table = table;
  row->table_name.assign(table_name);
  row->id.assign(id);
  row->exists = false;
  row->rowid = 0;
  row->values.clear();
  row->loaded.clear();
  row->dirty.clear();
  row->clock_dirty = false;
  row->updated_ms = 0;
  row->conflicted_before.clear();
  Result<void> decoded;
  if (table && is_new) {
    row->values.resize(table->columns.size());
    row->clock.entries.clear();
    row->loaded.assign(table->columns.size(), 1);  // every value is NULL
  } else if (table) {
    row->values.resize(table->columns.size());
    row->loaded.assign(table->columns.size(), 0);
    // Only the clock and the columns asked for: merging rarely needs the old values.
    std::vector<int>& wanted = row->dirty;  // borrowed: empty again before returning
    wanted.assign(columns.begin(), columns.end());
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    auto st = RowStatement(*table, RowSql::kLoad, wanted);
    if (!st) return st.error();
    Stmt& s = **st;
    // Row statements are always left reset (Run, Step's errors and the Reset below do it).
    s.BindStatic(1, row->id);
    auto found = s.Step();
    if (!found) return found.error();
    if (*found) {
      int at = 0;
      row->exists = true;
      if (table->has_rowid) row->rowid = s.Int(at++);
      decoded = DecodeRowClock(s.BlobView(at++), row->clock);
      row->updated_ms = s.Int(at++);
      for (int c : wanted) {
        row->values[c] = s.Get(at++);
        row->loaded[c] = 1;
      }
    } else {
      row->clock.entries.clear();
      row->loaded.assign(table->columns.size(), 1);  // a new row: every value is NULL
    }
    s.Rewind();
    wanted.clear();
  } else {
    auto st = db_.Prepare("SELECT clock FROM unknown_row WHERE tbl = ? AND id = ?");
    if (!st) return st.error();
    (*st)->Args(table_name, id);
    auto found = (*st)->Step();
    if (!found) return found.error();
    if (*found) {
      row->exists = true;
      decoded = DecodeRowClock((*st)->BlobView(0), row->clock);
    } else {
      row->clock.entries.clear();
    }
    (*st)->Reset();
  }
  if (!decoded) return decoded.error();
  row->conflicted_before = ConflictedFields(*row);
  return row;
}

void Store::Recycle(RowPtr row) {
  if (row && spare_rows_.size() < kSpareRows) spare_rows_.push_back(std::move(row));
}

void Store::ClearBatch() {
  if (batch_.empty()) return;
  for (RowPtr& row : batch_) Recycle(std::move(row));
  batch_.clear();
  std::fill(slots_.begin(), slots_.end(), Slot{});
}

Result<Store::RowState*> Store::CachedRow(const TableInfo* table, std::string_view table_name,
                                          std::string_view id) {
  if (slots_.empty()) slots_.resize(1024);
  uint64_t hash = RowHash(table_name, id);
  size_t mask = slots_.size() - 1;
  size_t i = hash & mask;
  for (; slots_[i].row != 0; i = (i + 1) & mask) {
    if (slots_[i].hash != hash) continue;
    RowState* row = batch_[slots_[i].row - 1].get();
    if (row->id == id && row->table_name == table_name) return row;
  }
  auto row = LoadRow(table, table_name, id, {});
  if (!row) return row.error();
  RowState* raw = row->get();
  batch_.push_back(std::move(*row));
  slots_[i] = {hash, static_cast<uint32_t>(batch_.size())};
  if (batch_.size() * 2 > slots_.size()) {  // grow: at most half full
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.row == 0) continue;
      size_t j = s.hash & mask;
      while (slots_[j].row != 0) j = (j + 1) & mask;
      slots_[j] = s;
    }
  }
  return raw;
}

Result<void> Store::EnsureLoaded(RowState& row, int column) {
  if (row.loaded[column]) return {};
  auto st = RowStatement(*row.table, RowSql::kLoadValue, {column});
  if (!st) return st.error();
  Stmt& s = **st;
  if (row.table->has_rowid) {
    s.Bind(1, row.rowid);
  } else {
    s.BindStatic(1, row.id);
  }
  auto found = s.Step();
  if (!found) return found.error();
  if (*found) row.values[column] = s.Get(0);
  s.Rewind();
  row.loaded[column] = 1;
  return {};
}

Result<void> Store::ApplyRow(RowState& row, std::vector<Change>& changes, int64_t hlc,
                             uint32_t device, bool local) {
  std::vector<uint32_t>& prev = remote_prev_;
  std::vector<ClockEntry>& heads = heads_;
  auto& entries = row.clock.entries;
  for (Change& ch : changes) {
    int col = ch.column;
    if (col >= 0 && (row.table->columns[col].local || ch.name == "id" ||
                     ch.name == "updated_at")) {
      return MakeError(ErrorCode::kInvalid, "commit.local_column", {{"column", std::string(ch.name)}});
    }
    std::string_view name = col >= 0 ? std::string_view() : ch.name;
    if (ch.name == "merged_into") canon_dirty_ = true;
    RowClock::Range range = row.clock.Find(col, name);
    size_t same = range.end;
    for (size_t i = range.begin; i < range.end; ++i) {
      if (entries[i].hlc == hlc && entries[i].device == device) same = i;
    }
    if (same != range.end) {
      if (!local) continue;  // this very change is already here
      // Written again within the same commit: replace the value in place.
      if (same == range.begin && col >= 0) {
        row.values[col] = *ch.value;
        row.loaded[col] = 1;
        row.dirty.push_back(col);
      } else {
        entries[same].value = *ch.value;
        entries[same].has_value = true;
      }
      row.clock_dirty = true;
      continue;
    }
    prev.clear();
    if (local) {
      ch.local_prev = static_cast<uint32_t>(local_prev_.size());
      ch.local_prev_count = static_cast<uint32_t>(range.size());
      for (size_t i = range.begin; i < range.end; ++i) {
        local_prev_.push_back(Stamp{entries[i].hlc, entries[i].device});
      }
    } else {
      for (uint32_t i = 0; i < ch.prev_count; ++i) {
        uint32_t d = ch.prev[i].device;
        if (remote_devices_[d] == kNoIndex) {
          auto n = Intern(applying_->devices[d]);
          if (!n) return n.error();
          remote_devices_[d] = *n;
        }
        prev.push_back(remote_devices_[d]);
      }
    }
    auto superseded = [&](const ClockEntry& e) {
      if (local) return true;  // a local write supersedes every head it sees
      for (size_t i = 0; i < prev.size(); ++i) {
        if (ch.prev[i].hlc == e.hlc && prev[i] == e.device) return true;
      }
      return false;
    };
    if (col >= 0) {
      // The usual cases, in place: a field's first value, or a value that supersedes the
      // field's only head (the winner, whose value is the column's).
      bool first = range.size() == 0;
      if (first || (range.size() == 1 && !entries[range.begin].has_value &&
                    superseded(entries[range.begin]))) {
        if (first) {
          entries.insert(entries.begin() + static_cast<std::ptrdiff_t>(range.begin),
                         ClockEntry{col, std::string(), hlc, device, false, Value{}});
        } else {
          entries[range.begin].hlc = hlc;
          entries[range.begin].device = device;
        }
        row.values[col] = *ch.value;
        row.loaded[col] = 1;
        row.dirty.push_back(col);
        row.clock_dirty = true;
        continue;
      }
    }
    // Work on this field's heads apart, then put them back in place.
    heads.assign(std::make_move_iterator(entries.begin() + range.begin),
                 std::make_move_iterator(entries.begin() + range.end));
    // A winner that survives as a loser keeps its value with it.
    if (col >= 0 && !heads.empty() && !heads.front().has_value && !superseded(heads.front())) {
      DOSTI_TRY(EnsureLoaded(row, col));
      heads.front().value = row.values[col];
      heads.front().has_value = true;
    }
    std::erase_if(heads, superseded);
    auto pos = std::find_if(heads.begin(), heads.end(), [&](const ClockEntry& e) {
      return Before(e.hlc, e.device, hlc, device);
    });
    heads.insert(pos, ClockEntry{col, std::string(name), hlc, device, true, *ch.value});
    // The winner's value lives in the column.
    ClockEntry& winner = heads.front();
    if (col >= 0 && winner.has_value) {
      row.values[col] = std::move(winner.value);
      row.loaded[col] = 1;
      row.dirty.push_back(col);
      winner.value = std::monostate{};
      winner.has_value = false;
    }
    entries.erase(entries.begin() + range.begin, entries.begin() + range.end);
    entries.insert(entries.begin() + range.begin, std::make_move_iterator(heads.begin()),
                   std::make_move_iterator(heads.end()));
    row.clock_dirty = true;
  }
  row.updated_ms = std::max(row.updated_ms, HlcMs(hlc));
  return {};
}

std::vector<std::string> Store::ConflictedFields(const RowState& row) const {
  std::vector<std::string> out;
  const auto& e = row.clock.entries;
  for (size_t i = 1; i < e.size(); ++i) {
    bool same = e[i].column >= 0 ? e[i].column == e[i - 1].column
                                 : (e[i - 1].column < 0 && e[i].name == e[i - 1].name);
    if (!same) continue;
    std::string name = e[i].column >= 0 ? row.table->columns[e[i].column].name : e[i].name;
    if (out.empty() || out.back() != name) out.push_back(std::move(name));
  }
  return out;
}

Result<void> Store::WriteRow(RowState& row) {
  if (!row.clock_dirty && row.dirty.empty()) return {};
  EncodeRowClock(row.clock, clock_bytes_);
  if (!row.table) {
    auto st = db_.Prepare("INSERT OR REPLACE INTO unknown_row(tbl, id, clock) VALUES (?, ?, ?)");
    if (!st) return st.error();
    (*st)->Reset();
    (*st)->Bind(1, row.table_name).Bind(2, row.id).BindBlobStatic(3, clock_bytes_);
    DOSTI_TRY((*st)->Run());
  } else {
    const TableInfo& t = *row.table;
    std::sort(row.dirty.begin(), row.dirty.end());
    row.dirty.erase(std::unique(row.dirty.begin(), row.dirty.end()), row.dirty.end());
    // The update triggers of the search index and the tally take the row's old values out: a
    // row inserted in this transaction must be in them first. Rows inserted since the first
    // pending one have higher seqs (enterprises are never deleted; SQLite gives max + 1).
    if (row.exists && !t.new_row_columns.empty() && !new_enterprises_.empty() &&
        row.rowid >= new_enterprises_.front() &&
        std::any_of(row.dirty.begin(), row.dirty.end(),
                    [&](int c) { return t.new_row_columns[c] != 0; })) {
      DOSTI_TRY(FlushNewEnterprises());
    }
    auto st = RowStatement(t, row.exists ? RowSql::kUpdate : RowSql::kInsert, row.dirty);
    if (!st) return st.error();
    Stmt& s = **st;
    // Every parameter is bound afresh; the values outlive the step (Run resets).
    if (row.exists && t.has_rowid) {
      s.Bind(1, row.rowid);
    } else {
      s.BindStatic(1, row.id);
    }
    s.Bind(2, row.updated_ms).BindBlobStatic(3, clock_bytes_);
    int i = 4;
    for (int c : row.dirty) s.BindStatic(i++, row.values[c]);
    DOSTI_TRY(s.Run());
    if (!row.exists) {
      row.rowid = db_.LastInsertRowid();
      if (!t.new_row_columns.empty()) new_enterprises_.push_back(row.rowid);
    }
    Note(t, row.id);
  }
  // Keep the conflict index: fields with two or more heads.
  std::vector<std::string> now = ConflictedFields(row);
  if (now != row.conflicted_before) {
    for (const std::string& c : row.conflicted_before) {
      if (std::find(now.begin(), now.end(), c) != now.end()) continue;
      auto del = db_.Prepare("DELETE FROM conflict WHERE tbl = ? AND row_id = ? AND col = ?");
      if (!del) return del.error();
      DOSTI_TRY((*del)->Args(row.table_name, row.id, c).Run());
    }
    for (const std::string& c : now) {
      auto ins = db_.Prepare("INSERT OR IGNORE INTO conflict(tbl, row_id, col) VALUES (?, ?, ?)");
      if (!ins) return ins.error();
      DOSTI_TRY((*ins)->Args(row.table_name, row.id, c).Run());
    }
    row.conflicted_before = std::move(now);
  }
  row.exists = true;
  row.dirty.clear();
  row.clock_dirty = false;
  return {};
}

namespace {

// Local columns derived from replicated ones, recomputed whenever their source is written.
template <typename Changes>
void AddDerived(const TableInfo& t, std::vector<Value>& values, std::vector<uint8_t>& loaded,
                const Changes& changes, std::vector<int>& dirty) {
  if (!t.derived_name_key) return;
  for (const auto& f : changes) {
    if (f.column != t.name_column) continue;
    int key = t.name_key;
    int name = t.name_column;
    if (!loaded[name]) continue;  // the name did not change here
    values[key] = NameKey(ValueText(values[name]));
    loaded[key] = 1;
    dirty.push_back(key);
  }
}

}  // namespace

Result<void> Store::WriteLocal(const TableInfo& table, RowState& row,
                               std::vector<Change>& changes) {
  int64_t hlc = OpenCommit();
  observed_.local = true;
  local_prev_.clear();
  DOSTI_TRY(ApplyRow(row, changes, hlc, device_n_, true));
  AddDerived(table, row.values, row.loaded, changes, row.dirty);
  DOSTI_TRY(WriteRow(row));
  return Capture(table, row.id, changes);
}

Result<void> Store::Insert(std::string_view table, const std::string& id, const Fields& fields) {
  auto t = Table(table);
  if (!t) return t.error();
  auto minted = std::find(minted_.begin(), minted_.end(), id);
  const bool is_new = minted != minted_.end() && !id.empty();
  if (is_new) minted->clear();  // once
  auto row = LoadRow(*t, table, id, {}, is_new);
  if (!row) return row.error();
  if ((*row)->exists) {
    return MakeError(ErrorCode::kInternal, "store.exists", {{"table", std::string(table)}, {"id", id}});
  }
  const TableInfo& info = **t;
  // created_at is stamped now unless given (an import keeps when the record was made).
  const Value* given_created = FindField(fields, "created_at");
  Value created_at = clock_.NowMs(), origin_device = device_id_;
  std::vector<Change>& changes = changes_;
  changes.clear();
  for (auto [name, value] :
       {std::pair<const char*, const Value*>{"created_at", given_created ? given_created : &created_at},
        {"origin_device", &origin_device}}) {
    Change& ch = changes.emplace_back();
    ch.column = info.Find(name);
    ch.name = name;
    ch.value = value;
  }
  for (const Field& f : fields) {
    if (&f.value == given_created) continue;
    int c = info.Find(f.name);
    if (c < 0 || IsBookkeepingColumn(f.name)) {
      return MakeError(ErrorCode::kUnknownField, "field.unknown",
                       {{"table", std::string(table)}, {"field", f.name}}, f.name);
    }
    Change& ch = changes.emplace_back();
    ch.column = c;
    ch.name = info.columns[c].name;
    ch.value = &f.value;
  }
  DOSTI_TRY(WriteLocal(info, **row, changes));
  Recycle(std::move(*row));
  return {};
}

Result<int> Store::Update(std::string_view table, std::string_view id, const Fields& fields) {
  auto t = Table(table);
  if (!t) return t.error();
  const TableInfo& info = **t;
  std::vector<int> columns;
  columns.reserve(fields.size());
  for (const Field& f : fields) {
    int c = info.Find(f.name);
    if (c < 0 || IsBookkeepingColumn(f.name)) {
      return MakeError(ErrorCode::kUnknownField, "field.unknown",
                       {{"table", std::string(table)}, {"field", f.name}}, f.name);
    }
    columns.push_back(c);
  }
  auto loaded = LoadRow(&info, table, id, columns);
  if (!loaded) return loaded.error();
  RowState& row = **loaded;
  if (!row.exists) {
    return MakeError(ErrorCode::kNotFound, "store.not_found",
                     {{"table", std::string(table)}, {"id", std::string(id)}});
  }
  std::vector<Change>& changes = changes_;
  changes.clear();
  for (size_t i = 0; i < fields.size(); ++i) {
    // An unchanged value is not a change, unless the field is in conflict: writing it then
    // is a resolution that keeps this value.
    bool conflicted = row.clock.Find(columns[i], {}).size() > 1;
    if (row.values[columns[i]] == fields[i].value && !conflicted) continue;
    Change& ch = changes.emplace_back();
    ch.column = columns[i];
    ch.name = info.columns[columns[i]].name;
    ch.value = &fields[i].value;
  }
  int n = static_cast<int>(changes.size());
  if (n > 0) DOSTI_TRY(WriteLocal(info, row, changes));
  Recycle(std::move(*loaded));
  return n;
}

Result<void> Store::Overwrite(std::string_view table, std::string_view id,
                              std::string_view column, const Value& value) {
  auto n = Update(table, id, {{std::string(column), value}});
  if (!n) return n.error();
  return {};
}

Result<std::optional<Record>> Store::Get(std::string_view table, std::string_view id) {
  auto rows = Select("SELECT * FROM " + std::string(table) + " WHERE id = ?", id);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<Record>{};
  return std::optional<Record>{std::move(rows->front())};
}

Result<std::vector<Record>> Store::Collect(Stmt& st) {
  std::vector<Record> out;
  // The columns shown, and which one is the id: once per run, at its first row (a statement
  // that SQLite prepares again there, after a schema change, may have other columns).
  std::vector<std::pair<int, std::string>> shown;
  int id_column = -1;
  for (;;) {
    auto row = st.Step();
    if (!row) return row.error();
    if (!*row) break;
    if (out.empty()) {
      for (int i = 0; i < st.Columns(); ++i) {
        std::string_view name = st.ColumnName(i);
        if (IsLocalColumn(name)) continue;
        if (name == "id") id_column = i;
        shown.emplace_back(i, std::string(name));
      }
    }
    Record& r = out.emplace_back();
    if (id_column >= 0) r.id = st.Text(id_column);
    r.fields.reserve(shown.size());
    for (const auto& [i, name] : shown) r.fields.emplace_back(Field{name, st.Get(i)});
  }
  st.Reset();
  return out;
}

Result<std::vector<FieldHeads>> Store::ClockOf(std::string_view table, std::string_view id) {
  auto t = Table(table);
  const TableInfo* info = t ? *t : nullptr;
  std::vector<int> all;
  if (info) {
    for (size_t c = 0; c < info->columns.size(); ++c) all.push_back(static_cast<int>(c));
  }
  auto row = LoadRow(info, table, id, all);
  if (!row) return row.error();
  std::vector<FieldHeads> named = Named(**row);
  Recycle(std::move(*row));
  return named;
}

std::vector<FieldHeads> Store::Named(const RowState& row) const {
  std::vector<FieldHeads> out;
  for (const ClockEntry& e : row.clock.entries) {
    std::string name = e.column >= 0 ? row.table->columns[e.column].name : e.name;
    if (out.empty() || out.back().name != name) out.push_back(FieldHeads{name, {}});
    FieldHead h{e.hlc, devices_[e.device], e.value};
    // The winner of a known column has its value in the column.
    if (!e.has_value && e.column >= 0) h.value = row.values[e.column];
    out.back().heads.push_back(std::move(h));
  }
  std::sort(out.begin(), out.end(),
            [](const FieldHeads& a, const FieldHeads& b) { return a.name < b.name; });
  return out;
}

// [SECTION] Remote commits

Result<void> Store::ApplyRemote(const Commit& commit, std::string_view body) {
  auto author = Intern(commit.device());
  if (!author) return author.error();
  applying_ = &commit;
  observed_.merged = true;
  remote_devices_.assign(commit.devices.size(), kNoIndex);
  remote_devices_[commit.author] = *author;
  // Names resolve once per commit: tables to their layout, columns to their index.
  std::vector<const TableInfo*>& tables = remote_tables_;
  tables.assign(commit.names.size(), nullptr);
  std::vector<uint8_t>& resolved = remote_resolved_;
  resolved.assign(commit.names.size(), 0);
  std::vector<int>& columns = remote_columns_;  // of the last table seen
  const TableInfo* columns_of = nullptr;
  bool have_columns = false;
  for (const RowChange& rc : commit.rows) {
    const std::string& table = commit.names[rc.table];
    if (!resolved[rc.table]) {
      auto t = Table(table);
      tables[rc.table] = t ? *t : nullptr;  // unknown tables are kept aside
      resolved[rc.table] = 1;
    }
    const TableInfo* info = tables[rc.table];
    if (!have_columns || info != columns_of) {
      columns.assign(commit.names.size(), -2);
      columns_of = info;
      have_columns = true;
    }
    auto row = CachedRow(info, table, commit.RowId(rc));
    if (!row) return row.error();
    std::vector<Change>& changes = changes_;
    changes.clear();
    for (uint32_t i = rc.field_begin; i < rc.field_begin + rc.field_count; ++i) {
      const FieldChange& f = commit.fields[i];
      Change& ch = changes.emplace_back();
      ch.name = commit.names[f.column];
      if (columns[f.column] == -2) columns[f.column] = info ? info->Find(ch.name) : -1;
      ch.column = columns[f.column];
      ch.value = &f.value;
      ch.prev = commit.prevs.data() + f.prev_begin;
      ch.prev_count = f.prev_count;
    }
    DOSTI_TRY(ApplyRow(**row, changes, commit.hlc, *author, false));
    if (info) AddDerived(*info, (*row)->values, (*row)->loaded, changes, (*row)->dirty);
  }
  applying_ = nullptr;
  auto st = db_.Prepare(
      "INSERT OR IGNORE INTO commit_log(device, seq, hlc, body) VALUES (?, ?, ?, ?)");
  if (!st) return st.error();
  (*st)->Reset();
  (*st)->Bind(1, commit.device()).Bind(2, commit.seq).Bind(3, commit.hlc).BindBlobStatic(4, body);
  DOSTI_TRY((*st)->Run());
  frontier_[commit.device()] = commit.seq;
  last_hlc_ = std::max(last_hlc_, commit.hlc);
  return {};
}

Result<void> Store::FlushRemote() {
  if (batch_.empty()) return {};
  // Parents before children is not needed (no foreign keys), but a stable order keeps the
  // database file identical across runs: by table name, then id. The sort works on keys
  // beside the rows (the table's rank among the batch's tables, the id as two numbers), so
  // it touches no row unless two keys are equal (ids that are not 32 hex digits).
  std::vector<std::string_view> names;
  const RowState* last = nullptr;  // rows of one table mostly come together
  for (const RowPtr& row : batch_) {
    if (last && last->table_name == row->table_name) continue;
    last = row.get();
    if (std::find(names.begin(), names.end(), row->table_name) == names.end()) {
      names.push_back(row->table_name);
    }
  }
  std::sort(names.begin(), names.end());
  struct Key {
    uint32_t table;
    bool hex;
    uint64_t hi, lo;
    RowState* row;
  };
  std::vector<Key> keys;
  keys.reserve(batch_.size());
  uint32_t rank = 0;
  last = nullptr;
  for (const RowPtr& row : batch_) {
    if (!last || last->table_name != row->table_name) {
      rank = static_cast<uint32_t>(std::find(names.begin(), names.end(), row->table_name) -
                                   names.begin());
      last = row.get();
    }
    Key k{rank, false, 0, 0, row.get()};
    k.hex = IdNumbers(row->id, k.hi, k.lo);
    keys.push_back(k);
  }
  std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    if (a.table != b.table) return a.table < b.table;
    if (a.hex && b.hex) return a.hi != b.hi ? a.hi < b.hi : a.lo < b.lo;
    return a.row->id < b.row->id;
  });
  for (const Key& k : keys) DOSTI_TRY(WriteRow(*k.row));
  ClearBatch();
  return {};
}

Result<int64_t> Store::Adopt(const std::vector<std::string_view>& tables) {
  int64_t n = 0;
  for (std::string_view table : tables) {
    auto t = Table(table);
    if (!t) return t.error();
    std::vector<int> all;
    for (size_t c = 0; c < (*t)->columns.size(); ++c) all.push_back(static_cast<int>(c));
    auto ids = Select("SELECT id FROM " + std::string(table) + " WHERE clock IS NULL ORDER BY id");
    if (!ids) return ids.error();
    for (const Record& r : *ids) {
      auto row = LoadRow(*t, table, r.id, all);
      if (!row) return row.error();
      std::vector<Value> values;  // copies: the changes must not point into the row
      std::vector<Change> changes;
      values.reserve((*t)->columns.size());
      for (size_t c = 0; c < (*t)->columns.size(); ++c) {
        const Column& col = (*t)->columns[c];
        if (IsBookkeepingColumn(col.name) || IsNull((*row)->values[c])) continue;
        values.push_back((*row)->values[c]);
        Change& ch = changes.emplace_back();
        ch.column = static_cast<int>(c);
        ch.name = col.name;
      }
      for (size_t i = 0; i < changes.size(); ++i) changes[i].value = &values[i];
      DOSTI_TRY(WriteLocal(**t, **row, changes));
      Recycle(std::move(*row));
      ++n;
    }
  }
  return n;
}

Result<int64_t> Store::Materialise(const std::vector<std::string_view>& tables) {
  int64_t n = 0;
  // Rows of tables this schema now knows.
  auto unknown = Select("SELECT tbl AS id, id AS row_id FROM unknown_row ORDER BY tbl, id");
  if (!unknown) return unknown.error();
  for (const Record& r : *unknown) {
    auto t = Table(r.id);
    if (!t) continue;
    std::string row_id = r.Text("row_id");
    auto held = LoadRow(nullptr, r.id, row_id, {});
    if (!held) return held.error();
    auto row = CachedRow(*t, r.id, row_id);
    if (!row) return row.error();
    (*row)->clock = std::move((*held)->clock);
    (*row)->clock_dirty = true;
    Recycle(std::move(*held));
    auto del = db_.Prepare("DELETE FROM unknown_row WHERE tbl = ? AND id = ?");
    if (!del) return del.error();
    DOSTI_TRY((*del)->Args(r.id, row_id).Run());
    ++n;
  }
  // Fields of known tables whose columns this schema now has: their winners still carry
  // their values in the clock.
  for (std::string_view table : tables) {
    auto t = Table(table);
    if (!t) continue;
    auto ids = Select("SELECT id FROM " + std::string(table) + " WHERE clock IS NOT NULL");
    if (!ids) return ids.error();
    for (const Record& r : *ids) {
      auto row = CachedRow(*t, table, r.id);
      if (!row) return row.error();
      (void)row;
    }
  }
  for (RowPtr& row : batch_) {
    const TableInfo* t = row->table;
    bool changed = false;
    for (ClockEntry& e : row->clock.entries) {
      if (e.column >= 0) continue;
      int c = t->Find(e.name);
      if (c < 0) continue;
      e.column = c;
      e.name.clear();
      changed = true;
    }
    if (!changed) continue;
    // Regroup: known columns by index first; each field's heads keep their order.
    auto& entries = row->clock.entries;
    std::stable_sort(entries.begin(), entries.end(), [](const ClockEntry& a, const ClockEntry& b) {
      if (a.column >= 0 && b.column >= 0) return a.column < b.column;
      if (a.column >= 0 || b.column >= 0) return a.column >= 0;
      return a.name < b.name;
    });
    for (size_t i = 0; i < entries.size(); ++i) {
      bool first = i == 0 || entries[i].column != entries[i - 1].column;
      ClockEntry& e = entries[i];
      if (!first || e.column < 0 || !e.has_value) continue;
      row->values[e.column] = std::move(e.value);
      row->loaded[e.column] = true;
      row->dirty.push_back(e.column);
      e.value = std::monostate{};
      e.has_value = false;
      if (row->exists) ++n;
    }
    row->clock_dirty = true;
  }
  DOSTI_TRY(FlushRemote());
  return n;
}

}  // namespace dosti
