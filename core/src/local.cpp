// Local state of the layers above the core (session.h, [SECTION] Local state): the table
// local_blob (schema version 4). Never replicated, never in the digest.
#include "dosti/replica.h"
#include "session_impl.h"

namespace dosti {
namespace {

// sqlite3_bind_blob binds NULL for a null pointer; an empty key or value is an empty blob.
std::string_view Blob(std::string_view v) { return v.data() ? v : std::string_view("", 0); }

}  // namespace

Result<std::optional<std::string>> Replica::LocalGet(std::string_view space,
                                                     std::string_view key) {
  auto st = session_.impl().db->Prepare("SELECT value FROM local_blob WHERE space = ? AND key = ?");
  if (!st) return st.error();
  (*st)->Reset().Bind(1, space).BindBlob(2, Blob(key));
  auto row = (*st)->Step();
  if (!row) return row.error();
  std::optional<std::string> value;
  if (*row) value = (*st)->Blob(0);
  // Reset now, not at the next use: a statement left stepping keeps a read transaction open
  // and makes an interrupt that comes between calls stick (SQLite clears one only when no
  // statement is running), so every later call would fail as cancelled.
  (*st)->Reset();
  return value;
}

Result<void> Replica::LocalPut(std::string_view space, std::string_view key,
                               std::string_view value) {
  // In a transaction of its own (or the caller's, inside Atomically), so that the commit
  // calls the after-commit hook like every other write.
  return InTransaction(*session_.impl().db, [&]() -> Result<void> {
    auto st = session_.impl().db->Prepare(
        "INSERT INTO local_blob (space, key, value) VALUES (?, ?, ?) "
        "ON CONFLICT (space, key) DO UPDATE SET value = excluded.value");
    if (!st) return st.error();
    return (*st)->Reset().Bind(1, space).BindBlob(2, Blob(key)).BindBlob(3, Blob(value)).Run();
  });
}

Result<void> Replica::LocalDelete(std::string_view space, std::string_view key) {
  return InTransaction(*session_.impl().db, [&]() -> Result<void> {
    auto st = session_.impl().db->Prepare("DELETE FROM local_blob WHERE space = ? AND key = ?");
    if (!st) return st.error();
    return (*st)->Reset().Bind(1, space).BindBlob(2, Blob(key)).Run();
  });
}

Result<std::vector<std::pair<std::string, std::string>>> Replica::LocalList(
    std::string_view space, std::string_view prefix, std::string_view after, std::size_t limit) {
  // Keys are BLOBs, compared bytewise, so the keys starting with `prefix` are those in
  // [prefix, successor) where successor is the prefix with its last byte below 0xff raised by
  // one and what follows dropped (none: no upper bound). Both bounds use the primary key.
  std::string upper(prefix);
  while (!upper.empty() && static_cast<unsigned char>(upper.back()) == 0xff) upper.pop_back();
  if (!upper.empty()) upper.back() = static_cast<char>(static_cast<unsigned char>(upper.back()) + 1);
  auto st = session_.impl().db->Prepare(
      "SELECT key, value FROM local_blob WHERE space = ?1 AND key >= ?2 "
      "AND (?3 IS NULL OR key < ?3) AND (?4 IS NULL OR key > ?4) ORDER BY key LIMIT ?5");
  if (!st) return st.error();
  Stmt& q = **st;
  q.Reset().Bind(1, space).BindBlob(2, Blob(prefix));
  if (upper.empty()) q.Bind(3, nullptr); else q.BindBlob(3, upper);
  if (after.empty()) q.Bind(4, nullptr); else q.BindBlob(4, after);
  q.Bind(5, limit == 0 ? int64_t{-1} : static_cast<int64_t>(limit));
  std::vector<std::pair<std::string, std::string>> out;
  for (;;) {
    auto row = q.Step();
    if (!row) return row.error();
    if (!*row) break;
    out.emplace_back(q.Blob(0), q.Blob(1));
  }
  return out;
}

Result<void> Session::Atomically(const std::function<Result<void>()>& fn) {
  return InTransaction(*impl_->db, fn);
}

}  // namespace dosti
