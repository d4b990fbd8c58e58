#include "store.h"

#include <algorithm>
#include <charconv>

#include "dosti/text.h"
#include "dosti/validation.h"

namespace dosti {

bool IsLocalColumn(std::string_view name) {
  return name == "seq" || name == "name_key" || name == "clock" || name == "canon_id";
}

bool IsBookkeepingColumn(std::string_view name) {
  return name == "id" || name == "updated_at" || IsLocalColumn(name);
}

// One row being written: the values read so far (schema order), its clock, what changed.
struct Store::RowState {
  const TableInfo* table = nullptr;  // nullptr: a table this schema does not know
  std::string table_name;
  std::string id;
  bool exists = false;
  std::vector<Value> values;
  std::vector<bool> loaded;          // which values were read (or written)
  RowClock clock;
  std::vector<int> dirty;            // column indexes to write
  bool clock_dirty = false;
  int64_t updated_ms = 0;
  std::vector<std::string> conflicted_before;  // fields with ≥ 2 heads when loaded
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
  static const char* hex = "0123456789abcdef";
  std::string id(32, '0');
  for (int i = 0; i < 16; ++i) {
    id[2 * i] = hex[bytes[i] >> 4];
    id[2 * i + 1] = hex[bytes[i] & 15];
  }
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
  if (info.columns.empty()) return MakeError(ErrorCode::kNotFound, "no table " + key);
  info.clock = info.Find("clock");
  info.updated_at = info.Find("updated_at");
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
    return MakeError(ErrorCode::kUnknownField,
                     std::string(table) + " has no field '" + std::string(column) + "'",
                     std::string(column));
  }
  if (text.empty()) return Value{};
  if (!(*t)->columns[i].integer) {
    if (!text::IsValidUtf8(text)) {
      return MakeError(ErrorCode::kInvalid, std::string(column) + " is not valid UTF-8",
                       std::string(column));
    }
    return Value{text::Clean(text)};
  }
  std::string s = text::Trim(text::FoldWidth(text));
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) {
    return MakeError(ErrorCode::kInvalid,
                     std::string(column) + " must be a whole number; got '" + std::string(text) +
                         "'",
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
  if (damaged) return MakeError(ErrorCode::kStorage, "damaged device dictionary in the database");
  auto self = Intern(device_id_);
  if (!self) return self.error();
  device_n_ = *self;
  frontier_.clear();
  DOSTI_TRY(EachRow(db_, "SELECT device, max(seq), max(hlc) FROM commit_log GROUP BY device",
                    [&](Stmt& row) {
                      frontier_[row.Text(0)] = row.Int(1);
                      last_hlc_ = std::max(last_hlc_, row.Int(2));
                    }));
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
  snapshot_ = {next_seq_, frontier_, declared_, devices_.size()};
  pending_.reset();
  pending_rows_.clear();
  pending_bytes_ = 0;
  cache_.clear();
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
  cache_.clear();
}

Result<void> Store::OnCommit() {
  DOSTI_TRY(FlushRemote());
  if (canon_dirty_) DOSTI_TRY(RecomputeCanon());
  return FlushCommit();
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
  for (const auto& [id, root] : canon_after) {
    auto it = canon_before.find(id);
    if (it != canon_before.end() && it->second == root) continue;
    DOSTI_TRY((*set)->Args(root, id).Run());
  }
  for (const auto& [id, root] : canon_before) {
    if (canon_after.count(id)) continue;
    DOSTI_TRY((*set)->Args(nullptr, id).Run());
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
    c.deps.emplace_back(device, seq);
    declared_[device] = seq;
  }
  std::string body = EncodeCommit(c);
  auto st = db_.Prepare("INSERT INTO commit_log(device, seq, hlc, body) VALUES (?, ?, ?, ?)");
  if (!st) return st.error();
  (*st)->Reset();
  (*st)->Bind(1, c.device).Bind(2, c.seq).Bind(3, c.hlc).BindBlob(4, body);
  DOSTI_TRY((*st)->Run());
  for (const auto& [device, seq] : c.deps) {
    auto set = db_.Prepare("INSERT OR REPLACE INTO declared_dep(device, seq) VALUES (?, ?)");
    if (!set) return set.error();
    DOSTI_TRY((*set)->Args(device, seq).Run());
  }
  frontier_[device_id_] = c.seq;
  next_seq_ = c.seq + 1;
  pending_.reset();
  pending_rows_.clear();
  pending_bytes_ = 0;
  return {};
}

Stamp Store::OpenCommit() {
  if (!pending_) {
    pending_.emplace();
    pending_->device = device_id_;
    pending_->seq = next_seq_;
    pending_->hlc = NextHlc();
    pending_->schema = schema_version_;
  }
  return Stamp{pending_->hlc, device_id_};
}

Result<void> Store::Capture(std::string_view table, std::string_view id,
                            std::vector<FieldChange> changes) {
  if (changes.empty()) return {};
  OpenCommit();
  std::string key = std::string(table) + "/" + std::string(id);
  auto it = pending_rows_.find(key);
  if (it == pending_rows_.end()) {
    it = pending_rows_.emplace(key, pending_->rows.size()).first;
    pending_->rows.push_back(RowChange{std::string(table), std::string(id), {}});
  }
  RowChange& row = pending_->rows[it->second];
  for (FieldChange& f : changes) {
    pending_bytes_ += 24 + f.column.size() + ValueText(f.value).size() + 24 * f.prev.size();
    auto same = std::find_if(row.fields.begin(), row.fields.end(),
                             [&](const FieldChange& g) { return g.column == f.column; });
    if (same != row.fields.end()) {
      same->value = std::move(f.value);  // written twice in one commit: the last value counts
    } else {
      row.fields.push_back(std::move(f));
    }
  }
  // Close the commit between rows once it is large: a bulk write becomes several commits.
  if (pending_bytes_ > kCommitCapBytes) return FlushCommit();
  return {};
}

// [SECTION] Rows

Result<Store::RowPtr> Store::LoadRow(const TableInfo* table, std::string_view table_name,
                                     std::string_view id, const std::vector<int>& columns) {
  auto row = std::make_unique<RowState>();
  row->table = table;
  row->table_name = std::string(table_name);
  row->id = std::string(id);
  std::string blob;
  if (table) {
    row->values.resize(table->columns.size());
    row->loaded.assign(table->columns.size(), false);
    // Only the clock and the columns asked for: merging rarely needs the old values.
    std::string sql = "SELECT clock, updated_at";
    for (int c : columns) sql += ", " + table->columns[c].name;
    sql += " FROM " + table->name + " WHERE id = ?";
    auto st = db_.Prepare(sql);
    if (!st) return st.error();
    (*st)->Args(id);
    auto found = (*st)->Step();
    if (!found) return found.error();
    if (*found) {
      row->exists = true;
      blob = (*st)->Blob(0);
      row->updated_ms = (*st)->Int(1);
      for (size_t i = 0; i < columns.size(); ++i) {
        row->values[columns[i]] = (*st)->Get(static_cast<int>(i) + 2);
        row->loaded[columns[i]] = true;
      }
    } else {
      row->loaded.assign(table->columns.size(), true);  // a new row: every value is NULL
    }
    (*st)->Reset();
  } else {
    auto st = db_.Prepare("SELECT clock FROM unknown_row WHERE tbl = ? AND id = ?");
    if (!st) return st.error();
    (*st)->Args(table_name, id);
    auto found = (*st)->Step();
    if (!found) return found.error();
    if (*found) {
      row->exists = true;
      blob = (*st)->Blob(0);
    }
    (*st)->Reset();
  }
  auto clock = DecodeRowClock(blob);
  if (!clock) return clock.error();
  row->clock = std::move(*clock);
  row->conflicted_before = ConflictedFields(*row);
  return row;
}

Result<Store::RowState*> Store::CachedRow(const TableInfo* table, std::string_view table_name,
                                          std::string_view id) {
  std::string key;
  key.reserve(table_name.size() + 1 + id.size());
  key.append(table_name).append(1, '/').append(id);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second.get();
  auto row = LoadRow(table, table_name, id, {});
  if (!row) return row.error();
  RowState* raw = row->get();
  cache_.emplace(std::move(key), std::move(*row));
  return raw;
}

Result<void> Store::EnsureLoaded(RowState& row, int column) {
  if (row.loaded[column]) return {};
  auto st = db_.Prepare("SELECT " + row.table->columns[column].name + " FROM " +
                        row.table->name + " WHERE id = ?");
  if (!st) return st.error();
  (*st)->Args(row.id);
  auto found = (*st)->Step();
  if (!found) return found.error();
  if (*found) row.values[column] = (*st)->Get(0);
  (*st)->Reset();
  row.loaded[column] = true;
  return {};
}

Result<void> Store::ApplyRow(RowState& row, std::vector<FieldChange>& changes, int64_t hlc,
                             uint32_t device, bool local) {
  std::vector<uint32_t> prev;
  std::vector<ClockEntry> heads;
  auto& entries = row.clock.entries;
  for (FieldChange& ch : changes) {
    int col = row.table ? row.table->Find(ch.column) : -1;
    if (col >= 0 && (row.table->columns[col].local || ch.column == "id" ||
                     ch.column == "updated_at")) {
      return MakeError(ErrorCode::kInvalid, "a change names the local column " + ch.column);
    }
    std::string_view name = col >= 0 ? std::string_view() : std::string_view(ch.column);
    if (ch.column == "merged_into") canon_dirty_ = true;
    RowClock::Range range = row.clock.Find(col, name);
    size_t same = range.end;
    for (size_t i = range.begin; i < range.end; ++i) {
      if (entries[i].hlc == hlc && entries[i].device == device) same = i;
    }
    if (same != range.end) {
      if (!local) continue;  // this very change is already here
      // Written again within the same commit: replace the value in place.
      if (same == range.begin && col >= 0) {
        row.values[col] = ch.value;
        row.loaded[col] = true;
        row.dirty.push_back(col);
      } else {
        entries[same].value = ch.value;
        entries[same].has_value = true;
      }
      row.clock_dirty = true;
      continue;
    }
    prev.clear();
    if (local) {
      ch.prev.clear();
      for (size_t i = range.begin; i < range.end; ++i) {
        ch.prev.push_back(Stamp{entries[i].hlc, devices_[entries[i].device]});
      }
    } else {
      for (const Stamp& p : ch.prev) {
        auto n = Intern(p.device);
        if (!n) return n.error();
        prev.push_back(*n);
      }
    }
    auto superseded = [&](const ClockEntry& e) {
      if (local) return true;  // a local write supersedes every head it sees
      for (size_t i = 0; i < prev.size(); ++i) {
        if (ch.prev[i].hlc == e.hlc && prev[i] == e.device) return true;
      }
      return false;
    };
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
    heads.insert(pos, ClockEntry{col, std::string(name), hlc, device, true, ch.value});
    // The winner's value lives in the column.
    ClockEntry& winner = heads.front();
    if (col >= 0 && winner.has_value) {
      row.values[col] = std::move(winner.value);
      row.loaded[col] = true;
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
  std::string clock = EncodeRowClock(row.clock);
  if (!row.table) {
    auto st = db_.Prepare("INSERT OR REPLACE INTO unknown_row(tbl, id, clock) VALUES (?, ?, ?)");
    if (!st) return st.error();
    (*st)->Reset();
    (*st)->Bind(1, row.table_name).Bind(2, row.id).BindBlob(3, clock);
    DOSTI_TRY((*st)->Run());
  } else {
    const TableInfo& t = *row.table;
    std::sort(row.dirty.begin(), row.dirty.end());
    row.dirty.erase(std::unique(row.dirty.begin(), row.dirty.end()), row.dirty.end());
    std::string sql;
    if (!row.exists) {
      std::string values = ") VALUES (?1, ?2, ?3";
      sql = "INSERT INTO " + t.name + "(id, updated_at, clock";
      int i = 4;
      for (int c : row.dirty) {
        sql += ", " + t.columns[c].name;
        values += ", ?" + std::to_string(i++);
      }
      sql += values + ")";
    } else {
      sql = "UPDATE " + t.name + " SET updated_at = ?2, clock = ?3";
      int i = 4;
      for (int c : row.dirty) sql += ", " + t.columns[c].name + " = ?" + std::to_string(i++);
      sql += " WHERE id = ?1";
    }
    auto st = db_.Prepare(sql);
    if (!st) return st.error();
    Stmt& s = **st;
    s.Reset();
    s.Bind(1, row.id).Bind(2, row.updated_ms).BindBlob(3, clock);
    int i = 4;
    for (int c : row.dirty) s.Bind(i++, row.values[c]);
    DOSTI_TRY(s.Run());
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
void AddDerived(const TableInfo& t, std::vector<Value>& values, std::vector<bool>& loaded,
                const std::vector<FieldChange>& changes, std::vector<int>& dirty) {
  if (t.name != "enterprise") return;
  for (const FieldChange& f : changes) {
    if (f.column != "name") continue;
    int key = t.Find("name_key");
    int name = t.Find("name");
    if (!loaded[name]) continue;  // the name did not change here
    values[key] = NameKey(ValueText(values[name]));
    loaded[key] = true;
    dirty.push_back(key);
  }
}

}  // namespace

Result<void> Store::WriteLocal(const TableInfo& table, RowState& row,
                               std::vector<FieldChange>& changes) {
  Stamp stamp = OpenCommit();
  DOSTI_TRY(ApplyRow(row, changes, stamp.hlc, device_n_, true));
  AddDerived(table, row.values, row.loaded, changes, row.dirty);
  DOSTI_TRY(WriteRow(row));
  return Capture(table.name, row.id, std::move(changes));
}

Result<void> Store::Insert(std::string_view table, const std::string& id, const Fields& fields) {
  auto t = Table(table);
  if (!t) return t.error();
  auto row = LoadRow(*t, table, id, {});
  if (!row) return row.error();
  if ((*row)->exists) {
    return MakeError(ErrorCode::kInternal, std::string(table) + " " + id + " exists already");
  }
  std::vector<FieldChange> changes;
  changes.reserve(fields.size() + 2);
  changes.push_back({"created_at", clock_.NowMs(), {}});
  changes.push_back({"origin_device", device_id_, {}});
  for (const Field& f : fields) {
    int c = (*t)->Find(f.name);
    if (c < 0 || IsBookkeepingColumn(f.name)) {
      return MakeError(ErrorCode::kUnknownField,
                       std::string(table) + " has no field '" + f.name + "'", f.name);
    }
    changes.push_back({f.name, f.value, {}});
  }
  return WriteLocal(**t, **row, changes);
}

Result<int> Store::Update(std::string_view table, std::string_view id, const Fields& fields) {
  auto t = Table(table);
  if (!t) return t.error();
  std::vector<int> columns;
  for (const Field& f : fields) {
    int c = (*t)->Find(f.name);
    if (c < 0 || IsBookkeepingColumn(f.name)) {
      return MakeError(ErrorCode::kUnknownField,
                       std::string(table) + " has no field '" + f.name + "'", f.name);
    }
    columns.push_back(c);
  }
  auto row = LoadRow(*t, table, id, columns);
  if (!row) return row.error();
  if (!(*row)->exists) {
    return MakeError(ErrorCode::kNotFound, "no " + std::string(table) + " " + std::string(id));
  }
  std::vector<FieldChange> changes;
  for (size_t i = 0; i < fields.size(); ++i) {
    // An unchanged value is not a change, unless the field is in conflict: writing it then
    // is a resolution that keeps this value.
    bool conflicted = (*row)->clock.Find(columns[i], {}).size() > 1;
    if ((*row)->values[columns[i]] == fields[i].value && !conflicted) continue;
    changes.push_back({fields[i].name, fields[i].value, {}});
  }
  if (changes.empty()) return 0;
  int n = static_cast<int>(changes.size());
  DOSTI_TRY(WriteLocal(**t, **row, changes));
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
  int n = st.Columns();
  for (;;) {
    auto row = st.Step();
    if (!row) return row.error();
    if (!*row) break;
    Record r;
    r.fields.reserve(n);
    for (int i = 0; i < n; ++i) {
      std::string_view name = st.ColumnName(i);
      if (IsLocalColumn(name)) continue;
      if (name == "id") r.id = st.Text(i);
      r.fields.push_back(Field{std::string(name), st.Get(i)});
    }
    out.push_back(std::move(r));
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
  return Named(**row);
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
  auto author = Intern(commit.device);
  if (!author) return author.error();
  for (const RowChange& rc : commit.rows) {
    auto t = Table(rc.table);
    const TableInfo* info = t ? *t : nullptr;  // unknown tables are kept aside
    auto row = CachedRow(info, rc.table, rc.row);
    if (!row) return row.error();
    std::vector<FieldChange> changes = rc.fields;
    DOSTI_TRY(ApplyRow(**row, changes, commit.hlc, *author, false));
    if (info) AddDerived(*info, (*row)->values, (*row)->loaded, changes, (*row)->dirty);
  }
  auto st = db_.Prepare(
      "INSERT OR IGNORE INTO commit_log(device, seq, hlc, body) VALUES (?, ?, ?, ?)");
  if (!st) return st.error();
  (*st)->Reset();
  (*st)->Bind(1, commit.device).Bind(2, commit.seq).Bind(3, commit.hlc).BindBlob(4, body);
  DOSTI_TRY((*st)->Run());
  frontier_[commit.device] = commit.seq;
  last_hlc_ = std::max(last_hlc_, commit.hlc);
  return {};
}

Result<void> Store::FlushRemote() {
  // Parents before children is not needed (no foreign keys), but a stable order keeps the
  // database file identical across runs.
  std::vector<RowState*> rows;
  for (auto& [key, row] : cache_) rows.push_back(row.get());
  std::sort(rows.begin(), rows.end(), [](const RowState* a, const RowState* b) {
    return std::tie(a->table_name, a->id) < std::tie(b->table_name, b->id);
  });
  for (RowState* row : rows) DOSTI_TRY(WriteRow(*row));
  cache_.clear();
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
      std::vector<FieldChange> changes;
      for (size_t c = 0; c < (*t)->columns.size(); ++c) {
        const Column& col = (*t)->columns[c];
        if (IsBookkeepingColumn(col.name) || IsNull((*row)->values[c])) continue;
        changes.push_back({col.name, (*row)->values[c], {}});
      }
      DOSTI_TRY(WriteLocal(**t, **row, changes));
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
  for (auto& [key, row] : cache_) {
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
