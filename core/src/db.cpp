#include "db.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "dosti/cancel.h"

namespace dosti {
namespace {

// Inside a transaction, SQLite keeps a statement journal for every statement that may write
// several rows (one with triggers, such as an UPDATE of enterprise: the search index, the
// tally) so that the statement alone can be undone. The journal holds every page the
// statement changes; past SQLite's default of 64 KiB it becomes a temporary file, and stays
// one until the transaction ends, so an import of 100,000 enterprises in one transaction (its
// inserts had triggers then) made about 30 write system calls per row (27 of them to
// /var/tmp/etilqs_*, counted with strace). One enterprise touches 12–16 pages; 4 MiB keeps any
// statement of up to 1,000 pages in memory, and that memory is given back when the statement
// ends (sqlite.org/tempfiles.html §2.5, SQLITE_CONFIG_STMTJRNL_SPILL).
constexpr int kStatementJournalSpillBytes = 4 << 20;

// Makes the database file and its companions private to this OS user (mode 0600). A missing
// database file is created empty (SQLite takes an empty file for a new database) with that
// mode, so SQLite makes the -wal and -shm files with it too (it gives them the main file's
// mode). Existing files that others may read are tightened with chmod by name. Nothing here opens an
// existing database file: closing any descriptor of a file releases every POSIX lock this
// process holds on it, including those of another connection (sqlite.org/howtocorrupt.html §2.2).
// Failures are left to SQLite's own open to report.
void MakePrivate(const std::string& path) {
  if (path.empty() || path == ":memory:") return;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 && errno == ENOENT) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
      ::close(fd);
      return;
    }
  }
  // chmod fails (EPERM) on another user's file, which stays as it is.
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::string file = path + suffix;
    if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if ((st.st_mode & 077) == 0) continue;
    (void)::chmod(file.c_str(), st.st_mode & 0600);
  }
}

}  // namespace

Stmt::~Stmt() { sqlite3_finalize(stmt_); }

Stmt& Stmt::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  return *this;
}
Stmt& Stmt::Rewind() {
  sqlite3_reset(stmt_);
  return *this;
}
Stmt& Stmt::Bind(int index, std::nullptr_t) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}
Stmt& Stmt::Bind(int index, int64_t v) {
  sqlite3_bind_int64(stmt_, index, v);
  return *this;
}
Stmt& Stmt::Bind(int index, double v) {
  sqlite3_bind_double(stmt_, index, v);
  return *this;
}
Stmt& Stmt::Bind(int index, std::string_view v) {
  sqlite3_bind_text(stmt_, index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::Bind(int index, const Value& v) {
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          Bind(index, nullptr);
        } else {
          Bind(index, x);
        }
      },
      v);
  return *this;
}

Stmt& Stmt::BindBlob(int index, std::string_view v) {
  sqlite3_bind_blob(stmt_, index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::BindStatic(int index, std::string_view v) {
  sqlite3_bind_text(stmt_, index, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  return *this;
}

Stmt& Stmt::BindStatic(int index, const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return BindStatic(index, std::string_view(*s));
  return Bind(index, v);
}

Stmt& Stmt::BindBlobStatic(int index, std::string_view v) {
  sqlite3_bind_blob(stmt_, index, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  return *this;
}

Result<bool> Stmt::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Error e = db_->LastError("step");
  sqlite3_reset(stmt_);
  return e;
}

Result<void> Stmt::Run() {
  for (;;) {
    auto r = Step();
    if (!r) return r.error();
    if (!*r) break;
  }
  sqlite3_reset(stmt_);
  return {};
}

int Stmt::Columns() const { return sqlite3_column_count(stmt_); }
std::string_view Stmt::ColumnName(int i) const { return sqlite3_column_name(stmt_, i); }
bool Stmt::IsNull(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }
int64_t Stmt::Int(int i) const { return sqlite3_column_int64(stmt_, i); }
double Stmt::Real(int i) const { return sqlite3_column_double(stmt_, i); }
std::string Stmt::Text(int i) const {
  const unsigned char* p = sqlite3_column_text(stmt_, i);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, i)));
}
std::string Stmt::Blob(int i) const { return std::string(BlobView(i)); }
std::string_view Stmt::BlobView(int i) const {
  const void* p = sqlite3_column_blob(stmt_, i);
  if (!p) return {};
  return std::string_view(static_cast<const char*>(p),
                          static_cast<size_t>(sqlite3_column_bytes(stmt_, i)));
}

Value Stmt::Get(int i) const {
  switch (sqlite3_column_type(stmt_, i)) {
    case SQLITE_INTEGER: return Int(i);
    case SQLITE_FLOAT: return Real(i);
    case SQLITE_NULL: return std::monostate{};
    default: return Text(i);
  }
}

bool Db::InitialiseSqlite() {
  // SQLite's allocation statistics take a global mutex around every malloc and free (Debian's
  // library is thread-safe and built without lookaside memory, so that is every row value).
  // Nothing here reads them. The setting is process-wide and only possible before SQLite
  // initialises, so it is made once, before the first connection; if SQLite is already in use
  // (SQLITE_MISUSE), it stays as it is.
  // Then sqlite3_initialize() once, explicitly: the booth's engine builds SQLite with
  // SQLITE_OMIT_AUTOINIT (cmake/wasm.cmake), where nothing else would call it.
  static const bool configured = [] {
    bool ok = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
    const bool spill_set =
        sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, kStatementJournalSpillBytes) == SQLITE_OK;
    return sqlite3_initialize() == SQLITE_OK && ok && spill_set;
  }();
  return configured;
}

Result<std::unique_ptr<Db>> Db::Open(const std::string& path, const std::string& vfs) {
  (void)InitialiseSqlite();
  if (vfs.empty()) MakePrivate(path);
  sqlite3* handle = nullptr;
  // NOMUTEX: a connection belongs to one Session, used by one thread at a time, so SQLite's
  // per-call mutexes (Debian builds it thread-safe) would only cost time.
  int rc = sqlite3_open_v2(path.c_str(), &handle,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           vfs.empty() ? nullptr : vfs.c_str());
  if (rc != SQLITE_OK) {
    std::string msg = handle ? sqlite3_errmsg(handle) : sqlite3_errstr(rc);
    sqlite3_close(handle);
    return MakeError(ErrorCode::kStorage, "db.open_failed", {{"path", path}, {"reason", msg}});
  }
  sqlite3_extended_result_codes(handle, 1);
  sqlite3_busy_timeout(handle, 5000);
  auto db = std::unique_ptr<Db>(new Db(handle));
  // A pool VFS has no shared memory: WAL works in exclusive locking mode only, which must be
  // set before the first access (sqlite.org/wal.html, "Use of WAL Without Shared-Memory").
  if (!vfs.empty()) {
    if (auto r = db->Exec("PRAGMA locking_mode=EXCLUSIVE"); !r) return r.error();
  }
  // WAL: readers never block the writer and a crash never loses a committed transaction.
  // synchronous=NORMAL is durable across application crashes in WAL mode; an OS crash can lose
  // the last commits but never corrupts the file (sqlite.org/pragma.html#pragma_synchronous).
  // Through a pool VFS (the browser) FULL: the WAL is flushed at every COMMIT, so a save is
  // durable when it is reported, whatever happens to the browser or the machine after it.
  // A file that is not a database fails here with a clear message.
  if (path != ":memory:") {
    if (auto r = db->Exec("PRAGMA journal_mode=WAL"); !r) return r.error();
  }
  // A 32 MiB page cache (the default is 2 MiB): reports scan whole tables.
  if (auto r = db->Exec(vfs.empty() ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL");
      !r) {
    return r.error();
  }
  if (auto r = db->Exec("PRAGMA foreign_keys=ON; PRAGMA cache_size=-32768;"); !r) {
    return r.error();
  }
  return db;
}

Db::~Db() {
  cache_.clear();  // finalize statements before closing
  sqlite3_close(db_);
}

Result<Stmt*> Db::Prepare(std::string_view sql) {
  std::string key(sql);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second.get();
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, key.c_str(), static_cast<int>(key.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return LastError("prepare: " + key.substr(0, 80));
  auto owned = std::make_unique<Stmt>(this, stmt);
  Stmt* raw = owned.get();
  cache_.emplace(std::move(key), std::move(owned));
  return raw;
}

Result<void> Db::Exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    if ((rc & 0xff) == SQLITE_INTERRUPT) return CancelledError();
    return MakeError(ErrorCode::kStorage, "db.error", {{"reason", msg}});
  }
  return {};
}

Error Db::LastError(std::string_view context) const {
  if ((sqlite3_errcode(db_) & 0xff) == SQLITE_INTERRUPT) return CancelledError();
  return MakeError(ErrorCode::kStorage, "db.error_in",
                   {{"context", std::string(context)}, {"reason", sqlite3_errmsg(db_)}});
}

int64_t Db::Changes() const { return sqlite3_changes64(db_); }
int64_t Db::LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }

void Db::SetWalAutoCheckpoint(int pages) {
  sqlite3_wal_autocheckpoint(db_, pages);
  wal_pages_ = pages;
}

Result<int64_t> Db::QueryInt(std::string_view sql) {
  auto st = Prepare(sql);
  if (!st) return st.error();
  (*st)->Reset();
  auto row = (*st)->Step();
  if (!row) return row.error();
  int64_t v = *row ? (*st)->Int(0) : 0;
  (*st)->Reset();
  return v;
}

Tx::Tx(Db& db) : db_(db) {}
Tx::~Tx() {
  if (!open_) return;
  if (--db_.depth_ > 0) {
    db_.doomed_ = true;
    return;
  }
  db_.doomed_ = false;
  (void)db_.Exec("ROLLBACK");
  if (db_.on_rollback_) db_.on_rollback_();
}
Result<void> Tx::Begin() {
  if (db_.depth_ == 0) {
    DOSTI_TRY(db_.Exec("BEGIN IMMEDIATE"));
    if (db_.on_begin_) db_.on_begin_();
  }
  ++db_.depth_;
  open_ = true;
  return {};
}
Result<void> Tx::Commit() {
  if (db_.doomed_) {
    return MakeError(ErrorCode::kInternal, "db.inner_write_failed");
  }
  if (db_.depth_ > 1) {
    --db_.depth_;
    open_ = false;
    return {};
  }
  if (db_.before_commit_) DOSTI_TRY(db_.before_commit_());
  DOSTI_TRY(db_.Exec("COMMIT"));
  --db_.depth_;
  open_ = false;
  if (db_.after_commit_) return db_.after_commit_();
  return {};
}

}  // namespace dosti
