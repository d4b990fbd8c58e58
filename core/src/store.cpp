#include "store.h"

#include <charconv>
#include <cstdio>

#include "dosti/text.h"
#include "dosti/validation.h"

namespace dosti {

bool IsLocalColumn(std::string_view name) { return name == "seq" || name == "name_key"; }

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

Result<const std::vector<Column>*> Store::Columns(std::string_view table) {
  std::string key(table);
  if (auto it = columns_.find(key); it != columns_.end()) return &it->second;
  auto st = db_.Prepare("SELECT name, type, \"notnull\" FROM pragma_table_info(?)");
  if (!st) return st.error();
  (*st)->Args(table);
  std::vector<Column> cols;
  for (;;) {
    auto row = (*st)->Step();
    if (!row) return row.error();
    if (!*row) break;
    Column c;
    c.name = (*st)->Text(0);
    c.integer = (*st)->Text(1) == "INTEGER";
    c.not_null = (*st)->Int(2) != 0;
    c.local = IsLocalColumn(c.name);
    cols.push_back(std::move(c));
  }
  if (cols.empty()) return MakeError(ErrorCode::kInternal, "no table " + key);
  return &columns_.emplace(key, std::move(cols)).first->second;
}

Result<Value> Store::ParseValue(std::string_view table, std::string_view column,
                                std::string_view text) {
  auto cols = Columns(table);
  if (!cols) return cols.error();
  for (const Column& c : **cols) {
    if (c.name != column) continue;
    if (text.empty()) return Value{};
    if (!c.integer) {
      if (!text::IsValidUtf8(text)) {
        return MakeError(ErrorCode::kInvalid, std::string(column) + " is not valid UTF-8",
                         std::string(column));
      }
      return Value{text::Clean(text)};
    }
    std::string t = text::Trim(text::FoldWidth(text));
    int64_t v = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc() || p != t.data() + t.size()) {
      return MakeError(ErrorCode::kInvalid,
                       std::string(column) + " must be a whole number; got '" + std::string(text) +
                           "'",
                       std::string(column));
    }
    return Value{v};
  }
  return MakeError(ErrorCode::kUnknownField,
                   std::string(table) + " has no field '" + std::string(column) + "'",
                   std::string(column));
}

namespace {

// Local columns derived from replicated ones, recomputed whenever their source is written.
void AddDerived(std::string_view table, Fields& fields) {
  if (table != "enterprise") return;
  if (const Value* name = FindField(fields, "name"); name && !IsNull(*name)) {
    SetField(fields, "name_key", NameKey(ValueText(*name)));
  }
}

}  // namespace

Result<void> Store::Insert(std::string_view table, const std::string& id, const Fields& fields) {
  Fields all = fields;
  AddDerived(table, all);
  int64_t now = clock_.NowMs();
  std::string sql = "INSERT INTO " + std::string(table) +
                    "(id, created_at, updated_at, origin_device";
  std::string values = ") VALUES (?, ?, ?, ?";
  for (const Field& f : all) {
    sql += ", " + f.name;
    values += ", ?";
  }
  sql += values + ")";
  auto st = db_.Prepare(sql);
  if (!st) return st.error();
  Stmt& s = **st;
  s.Reset();
  s.Bind(1, id).Bind(2, now).Bind(3, now).Bind(4, device_id_);
  int i = 5;
  for (const Field& f : all) s.Bind(i++, f.value);
  return s.Run();
}

Result<int> Store::Update(std::string_view table, std::string_view id, const Fields& fields) {
  auto current = Get(table, id);
  if (!current) return current.error();
  if (!*current) {
    return MakeError(ErrorCode::kNotFound, "no " + std::string(table) + " " + std::string(id));
  }
  Fields changed;
  for (const Field& f : fields) {
    const Value* old = (*current)->Find(f.name);
    if (old && *old == f.value) continue;
    changed.push_back(f);
  }
  if (changed.empty()) return 0;
  int n = static_cast<int>(changed.size());
  AddDerived(table, changed);
  std::string sql = "UPDATE " + std::string(table) + " SET updated_at = ?";
  for (const Field& f : changed) sql += ", " + f.name + " = ?";
  sql += " WHERE id = ?";
  auto st = db_.Prepare(sql);
  if (!st) return st.error();
  Stmt& s = **st;
  s.Reset();
  s.Bind(1, clock_.NowMs());
  int i = 2;
  for (const Field& f : changed) s.Bind(i++, f.value);
  s.Bind(i, id);
  DOSTI_TRY(s.Run());
  return n;
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

}  // namespace dosti
