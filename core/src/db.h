// A thin RAII layer over the SQLite C API: a connection, cached prepared statements and
// transactions. The only file family that includes sqlite3.h besides schema/store.
// Threading: one Db per thread (SQLite is built single-threaded for wasm).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "dosti/record.h"
#include "dosti/result.h"

namespace dosti {

class Db;

// A prepared statement, reset on every Bind cycle. Obtained from Db::Prepare (cached).
class Stmt {
 public:
  Stmt(Db* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  // Resets the statement and clears its bindings; returns *this for chaining.
  Stmt& Reset();
  // Resets the statement for its next run, keeping its bindings (cheaper than Reset when
  // every parameter is bound again anyway).
  Stmt& Rewind();
  Stmt& Bind(int index, std::nullptr_t);
  Stmt& Bind(int index, int64_t v);
  Stmt& Bind(int index, int v) { return Bind(index, static_cast<int64_t>(v)); }
  Stmt& Bind(int index, double v);
  Stmt& Bind(int index, std::string_view v);
  Stmt& Bind(int index, const char* v) { return Bind(index, std::string_view(v)); }
  Stmt& Bind(int index, const std::string& v) { return Bind(index, std::string_view(v)); }
  Stmt& Bind(int index, const Value& v);
  Stmt& BindBlob(int index, std::string_view bytes);
  // Bind without copying: the bytes must stay alive and unchanged until the statement has
  // run (SQLite reads bindings only while stepping; every use binds afresh).
  Stmt& BindStatic(int index, std::string_view v);
  Stmt& BindStatic(int index, const std::string& v) { return BindStatic(index, std::string_view(v)); }
  Stmt& BindStatic(int index, const Value& v);
  Stmt& BindBlobStatic(int index, std::string_view bytes);

  // Binds all arguments at 1, 2, ... after a Reset.
  template <typename... Ts>
  Stmt& Args(const Ts&... args) {
    Reset();
    int i = 1;
    (Bind(i++, args), ...);
    return *this;
  }

  // Steps once: true when a row is available, false when done; error on failure.
  Result<bool> Step();
  // Steps to completion (for statements without rows).
  Result<void> Run();

  int Columns() const;
  std::string_view ColumnName(int i) const;
  bool IsNull(int i) const;
  int64_t Int(int i) const;
  double Real(int i) const;
  std::string Text(int i) const;
  std::string Blob(int i) const;
  // The column's bytes without a copy: valid until the next Step or Reset.
  std::string_view BlobView(int i) const;
  Value Get(int i) const;  // BLOBs come back as text

 private:
  Db* db_;
  sqlite3_stmt* stmt_;
};

class Db {
 public:
  // Opens (creating if needed) the database file at `path` (":memory:" for a private one).
  // The file, and the -wal and -shm files SQLite makes beside it with the same mode, are
  // private to this OS user (0600): a new file is created so, an existing one of this user is
  // tightened to it (see core/README.md, "Private files").
  // With `vfs` (a VFS registered by dosti/vfs.h's FilePool: the browser's storage), the file is
  // opened through it in exclusive locking mode (that VFS has no shared memory: WAL then keeps
  // its index in the heap) with synchronous=FULL, so that a COMMIT has been flushed (xSync)
  // when it returns.
  static Result<std::unique_ptr<Db>> Open(const std::string& path, const std::string& vfs = {});
  // sqlite3_initialize(), once per process, after the settings that must precede it.
  static bool InitialiseSqlite();
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // A cached prepared statement for `sql` (compiled once per connection).
  Result<Stmt*> Prepare(std::string_view sql);
  // Drops every cached statement: after the schema changed, `SELECT *` must be compiled anew.
  void ForgetStatements() {
    cache_.clear();
    ++generation_;
  }
  // Changes whenever ForgetStatements runs: callers that keep Stmt pointers check it.
  uint64_t generation() const { return generation_; }
  // The WAL size, in pages, past which a COMMIT checkpoints (SQLite's default is 1000).
  void SetWalAutoCheckpoint(int pages);
  int wal_autocheckpoint() const { return wal_pages_; }
  // Runs one or more statements without results.
  Result<void> Exec(std::string_view sql);
  Error LastError(std::string_view context) const;
  int64_t Changes() const;
  int64_t LastInsertRowid() const;
  sqlite3* handle() { return db_; }

  // Scalar helpers.
  Result<int64_t> QueryInt(std::string_view sql);

  // Hooks run by Tx: after BEGIN, before COMMIT (an error there rolls back), after ROLLBACK.
  // The Store uses them to open, write out and discard the captured commit.
  void SetHooks(std::function<void()> on_begin, std::function<Result<void>()> before_commit,
                std::function<void()> on_rollback) {
    on_begin_ = std::move(on_begin);
    before_commit_ = std::move(before_commit);
    on_rollback_ = std::move(on_rollback);
  }
  // Run by Tx after the outermost COMMIT succeeded, before Commit returns; its error is
  // Commit's (the transaction stays committed). The Session flushes the storage layer and
  // tells its observers here.
  void SetAfterCommit(std::function<Result<void>()> after_commit) {
    after_commit_ = std::move(after_commit);
  }
  // Any thread: makes the statement running on this connection (if any) fail with
  // kCancelled, like sqlite3_interrupt. The Db must stay open until this returns.
  void Interrupt() { sqlite3_interrupt(db_); }

 private:
  friend class Tx;
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  int depth_ = 0;       // open Tx objects
  bool doomed_ = false;  // an inner Tx failed: the outermost must roll back
  std::function<void()> on_begin_;
  std::function<Result<void>()> before_commit_;
  std::function<void()> on_rollback_;
  std::function<Result<void>()> after_commit_;
  std::unordered_map<std::string, std::unique_ptr<Stmt>> cache_;
  uint64_t generation_ = 1;
  int wal_pages_ = 1000;
};

// A transaction: BEGIN IMMEDIATE at Begin, ROLLBACK on destruction unless committed. A Tx begun
// while another is open joins it: nothing is written until the outermost commits, and if an
// inner one ends without committing, the outermost cannot commit either (an import of many
// records is all or nothing even though each record is written by its own facade call).
class Tx {
 public:
  explicit Tx(Db& db);
  ~Tx();
  Result<void> Begin();
  Result<void> Commit();

 private:
  Db& db_;
  bool open_ = false;
};

// Runs `fn` (returning Result<T>) inside a transaction; commits on success, rolls back on error.
template <typename Fn>
auto InTransaction(Db& db, Fn&& fn) -> decltype(fn()) {
  Tx tx(db);
  if (auto r = tx.Begin(); !r) return r.error();
  auto result = fn();
  if (!result) return result;
  if (auto r = tx.Commit(); !r) return r.error();
  return result;
}

// Steps `sql` with `args` bound and calls `row(stmt)` for every row.
template <typename Fn, typename... Ts>
Result<void> EachRow(Db& db, std::string_view sql, Fn&& row, const Ts&... args) {
  auto st = db.Prepare(sql);
  if (!st) return st.error();
  Stmt& s = **st;
  s.Args(args...);
  for (;;) {
    auto more = s.Step();
    if (!more) return more.error();
    if (!*more) break;
    row(s);
  }
  s.Reset();  // releases the read transaction of the statement
  return {};
}

}  // namespace dosti
