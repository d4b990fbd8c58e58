#include "store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <utility>

namespace dosti::relay {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS workspace (
  id BLOB PRIMARY KEY, created_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS control (
  workspace BLOB NOT NULL, idx INTEGER NOT NULL, bytes BLOB NOT NULL, received_ms INTEGER NOT NULL,
  PRIMARY KEY (workspace, idx));
CREATE TABLE IF NOT EXISTS envelope (
  workspace BLOB NOT NULL, author BLOB NOT NULL, seq INTEGER NOT NULL, id BLOB NOT NULL,
  epoch INTEGER NOT NULL, bytes BLOB NOT NULL, uploader BLOB NOT NULL,
  received_ms INTEGER NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS envelope_key ON envelope (workspace, author, seq);
CREATE TABLE IF NOT EXISTS equivocation (
  workspace BLOB NOT NULL, author BLOB NOT NULL, seq INTEGER NOT NULL, id BLOB NOT NULL,
  bytes BLOB NOT NULL, uploader BLOB NOT NULL, reason TEXT NOT NULL,
  received_ms INTEGER NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS equivocation_key ON equivocation (workspace, author, seq, id);
CREATE TABLE IF NOT EXISTS usage (
  workspace BLOB NOT NULL, device BLOB NOT NULL, bytes INTEGER NOT NULL,
  PRIMARY KEY (workspace, device));
)sql";

Error StorageError(sqlite3* db, const char* what) {
  return MakeError(ErrorCode::kStorage, "relay.store_error",
                   {{"what", std::string(what)}, {"why", db ? sqlite3_errmsg(db) : "?"}});
}

// One prepared statement, finalized on scope exit. Statements here run rarely enough per
// request (a handful per push) that caching them buys nothing measurable.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) stmt_ = nullptr;
  }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return stmt_ != nullptr; }
  Stmt& Blob(int i, std::string_view b) {
    sqlite3_bind_blob(stmt_, i, b.data(), static_cast<int>(b.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Int(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Stmt& Text(int i, std::string_view t) {
    sqlite3_bind_text(stmt_, i, t.data(), static_cast<int>(t.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(stmt_); }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  int64_t ColInt(int i) const { return sqlite3_column_int64(stmt_, i); }
  Bytes ColBlob(int i) const {
    const void* p = sqlite3_column_blob(stmt_, i);
    int n = sqlite3_column_bytes(stmt_, i);
    return p ? Bytes(static_cast<const char*>(p), static_cast<std::size_t>(n)) : Bytes();
  }
  std::size_t ColBytes(int i) const { return static_cast<std::size_t>(sqlite3_column_bytes(stmt_, i)); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE … COMMIT, rolled back unless committed.
class Txn {
 public:
  explicit Txn(sqlite3* db) : db_(db) {
    ok_ = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
  }
  ~Txn() {
    if (ok_ && !done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  bool ok() const { return ok_; }
  bool Commit() {
    done_ = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
    return done_;
  }

 private:
  sqlite3* db_;
  bool ok_ = false;
  bool done_ = false;
};

}  // namespace

class Store::Reader {
 public:
  explicit Reader(Store* s) : s_(s) {
    {
      std::lock_guard<std::mutex> lock(s->read_mu_);
      if (!s->readers_.empty()) {
        db_ = s->readers_.back();
        s->readers_.pop_back();
        return;
      }
    }
    if (sqlite3_open_v2(s->path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
      sqlite3_close_v2(db_);
      db_ = nullptr;
      return;
    }
    sqlite3_busy_timeout(db_, 5000);
  }
  ~Reader() {
    if (!db_) return;
    std::lock_guard<std::mutex> lock(s_->read_mu_);
    s_->readers_.push_back(db_);
  }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;
  sqlite3* db() const { return db_; }

 private:
  Store* s_;
  sqlite3* db_ = nullptr;
};

Result<std::unique_ptr<Store>> Store::Open(const std::string& dir, const Bytes& random16) {
  std::unique_ptr<Store> s(new Store());
  // One relay per data directory: each keeps the roster and the heads in memory, so a second
  // process on the same relay.db would judge pushes against a stale view. The kernel drops the
  // lock when the process dies, kill -9 included.
  std::string lock_path = dir + "/relay.lock";
  s->lock_fd_ = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (s->lock_fd_ < 0)
    return MakeError(ErrorCode::kIo, "relay.store_lock_open", {{"path", lock_path}});
  if (flock(s->lock_fd_, LOCK_EX | LOCK_NB) != 0)
    return MakeError(ErrorCode::kIo, "relay.store_in_use", {{"dir", dir}});
  std::string path = dir + "/relay.db";
  s->path_ = path;
  if (sqlite3_open_v2(path.c_str(), &s->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    Error e = StorageError(s->db_, ("cannot open " + path).c_str());
    return e;
  }
  sqlite3_busy_timeout(s->db_, 5000);
  // WAL + FULL: a commit is on disk (the WAL fsynced) before COMMIT returns.
  DOSTI_TRY(s->Exec("PRAGMA journal_mode=WAL"));
  DOSTI_TRY(s->Exec("PRAGMA synchronous=FULL"));
  DOSTI_TRY(s->Exec("PRAGMA foreign_keys=ON"));
  DOSTI_TRY(s->Exec(kSchema));
  {
    Stmt get(s->db_, "SELECT value FROM meta WHERE key='relay_id'");
    if (!get.ok()) return StorageError(s->db_, "read relay id");
    if (get.Step() == SQLITE_ROW) s->relay_id_ = get.ColBlob(0);
  }
  if (s->relay_id_.size() != 16) {
    Stmt put(s->db_, "INSERT OR REPLACE INTO meta (key, value) VALUES ('relay_id', ?)");
    if (!put.ok() || put.Blob(1, random16).Step() != SQLITE_DONE)
      return StorageError(s->db_, "write relay id");
    s->relay_id_ = random16;
  }
  return s;
}

Store::~Store() {
  for (sqlite3* r : readers_) sqlite3_close_v2(r);
  sqlite3_close_v2(db_);
  if (lock_fd_ >= 0) close(lock_fd_);  // releases the flock
}

Result<void> Store::Exec(const char* sql) {
  char* msg = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string m = msg ? msg : "?";
    sqlite3_free(msg);
    return MakeError(ErrorCode::kStorage, "relay.store_error", {{"what", "schema"}, {"why", m}});
  }
  return {};
}

Result<std::vector<Bytes>> Store::Workspaces() {
  Reader r(this);
  if (!r.db()) return StorageError(nullptr, "open a read connection");
  Stmt q(r.db(), "SELECT id FROM workspace ORDER BY id");
  if (!q.ok()) return StorageError(r.db(), "list workspaces");
  std::vector<Bytes> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) out.push_back(q.ColBlob(0));
  if (rc != SQLITE_DONE) return StorageError(r.db(), "list workspaces");
  return out;
}

Result<std::vector<Bytes>> Store::Control(const Bytes& ws) {
  Reader r(this);
  if (!r.db()) return StorageError(nullptr, "open a read connection");
  Stmt q(r.db(), "SELECT bytes FROM control WHERE workspace=? ORDER BY idx");
  if (!q.ok()) return StorageError(r.db(), "read control messages");
  q.Blob(1, ws);
  std::vector<Bytes> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) out.push_back(q.ColBlob(0));
  if (rc != SQLITE_DONE) return StorageError(r.db(), "read control messages");
  return out;
}

Result<bool> Store::AddWorkspace(const Bytes& ws, std::string_view genesis, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(write_mu_);
  Txn txn(db_);
  if (!txn.ok()) return StorageError(db_, "begin");
  Stmt ins(db_, "INSERT OR IGNORE INTO workspace (id, created_ms) VALUES (?, ?)");
  if (!ins.ok() || ins.Blob(1, ws).Int(2, now_ms).Step() != SQLITE_DONE)
    return StorageError(db_, "register workspace");
  if (sqlite3_changes(db_) == 0) return false;
  Stmt ctl(db_, "INSERT INTO control (workspace, idx, bytes, received_ms) VALUES (?, 1, ?, ?)");
  if (!ctl.ok() || ctl.Blob(1, ws).Blob(2, genesis).Int(3, now_ms).Step() != SQLITE_DONE)
    return StorageError(db_, "store genesis");
  if (!txn.Commit()) return StorageError(db_, "commit");
  return true;
}

Result<void> Store::AppendControl(const Bytes& ws, const std::vector<Bytes>& messages,
                                  int64_t now_ms) {
  std::lock_guard<std::mutex> lock(write_mu_);
  if (messages.empty()) return {};
  Txn txn(db_);
  if (!txn.ok()) return StorageError(db_, "begin");
  Stmt last(db_, "SELECT COALESCE(MAX(idx), 0) FROM control WHERE workspace=?");
  if (!last.ok() || last.Blob(1, ws).Step() != SQLITE_ROW)
    return StorageError(db_, "read control index");
  int64_t idx = last.ColInt(0);
  Stmt ins(db_, "INSERT INTO control (workspace, idx, bytes, received_ms) VALUES (?, ?, ?, ?)");
  if (!ins.ok()) return StorageError(db_, "store control message");
  for (const Bytes& m : messages) {
    ins.Reset();
    if (ins.Blob(1, ws).Int(2, ++idx).Blob(3, m).Int(4, now_ms).Step() != SQLITE_DONE)
      return StorageError(db_, "store control message");
  }
  if (!txn.Commit()) return StorageError(db_, "commit");
  return {};
}

Result<std::vector<Bytes>> Store::ControlAfter(const Bytes& ws, uint64_t after,
                                               std::size_t max_bytes, uint64_t* next,
                                               bool* more) {
  Reader r(this);
  if (!r.db()) return StorageError(nullptr, "open a read connection");
  Stmt q(r.db(), "SELECT idx, bytes FROM control WHERE workspace=? AND idx>? ORDER BY idx");
  if (!q.ok()) return StorageError(r.db(), "read control messages");
  q.Blob(1, ws).Int(2, static_cast<int64_t>(after));
  std::vector<Bytes> out;
  std::size_t used = 0;
  *next = after;
  *more = false;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    std::size_t n = q.ColBytes(1) + 4;
    if (!out.empty() && used + n > max_bytes) {
      *more = true;
      break;
    }
    out.push_back(q.ColBlob(1));
    used += n;
    *next = static_cast<uint64_t>(q.ColInt(0));
  }
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return StorageError(r.db(), "read control messages");
  return out;
}

Result<std::map<Bytes, Store::Head>> Store::Heads(const Bytes& ws) {
  Reader r(this);
  if (!r.db()) return StorageError(nullptr, "open a read connection");
  // The unique index (workspace, author, seq) answers this with one seek per author.
  Stmt q(r.db(),
         "SELECT e.author, e.seq, e.id FROM envelope e JOIN (SELECT author, MAX(seq) AS seq FROM "
         "envelope WHERE workspace=?1 GROUP BY author) m ON e.author=m.author AND e.seq=m.seq "
         "WHERE e.workspace=?1");
  if (!q.ok()) return StorageError(r.db(), "read heads");
  q.Blob(1, ws);
  std::map<Bytes, Head> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW)
    out[q.ColBlob(0)] = Head{static_cast<uint64_t>(q.ColInt(1)), q.ColBlob(2)};
  if (rc != SQLITE_DONE) return StorageError(r.db(), "read heads");
  return out;
}

Result<std::map<Bytes, uint64_t>> Store::Usage(const Bytes& ws) {
  Reader r(this);
  if (!r.db()) return StorageError(nullptr, "open a read connection");
  Stmt q(r.db(), "SELECT device, bytes FROM usage WHERE workspace=?");
  if (!q.ok()) return StorageError(r.db(), "read usage");
  q.Blob(1, ws);
  std::map<Bytes, uint64_t> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) out[q.ColBlob(0)] = static_cast<uint64_t>(q.ColInt(1));
  if (rc != SQLITE_DONE) return StorageError(r.db(), "read usage");
  return out;
}

Result<std::optional<Bytes>> Store::IdAt(const Bytes& ws, const Bytes& author, uint64_t seq) {
  Reader r(this);
  if (!r.db()) return StorageError(nullptr, "open a read connection");
  Stmt q(r.db(), "SELECT id FROM envelope WHERE workspace=? AND author=? AND seq=?");
  if (!q.ok()) return StorageError(r.db(), "read envelope id");
  q.Blob(1, ws).Blob(2, author).Int(3, static_cast<int64_t>(seq));
  int rc = q.Step();
  if (rc == SQLITE_ROW) return std::optional<Bytes>(q.ColBlob(0));
  if (rc != SQLITE_DONE) return StorageError(r.db(), "read envelope id");
  return std::optional<Bytes>();
}

Result<std::vector<Bytes>> Store::EvidenceIdsAt(const Bytes& ws, const Bytes& author,
                                                uint64_t seq) {
  Reader r(this);
  if (!r.db()) return StorageError(nullptr, "open a read connection");
  Stmt q(r.db(), "SELECT id FROM equivocation WHERE workspace=? AND author=? AND seq=?");
  if (!q.ok()) return StorageError(r.db(), "read evidence");
  q.Blob(1, ws).Blob(2, author).Int(3, static_cast<int64_t>(seq));
  std::vector<Bytes> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) out.push_back(q.ColBlob(0));
  if (rc != SQLITE_DONE) return StorageError(r.db(), "read evidence");
  return out;
}

Result<void> Store::Commit(const std::vector<const Batch*>& batches, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(write_mu_);
  Txn txn(db_);
  if (!txn.ok()) return StorageError(db_, "begin");
  Stmt ins(db_,
           "INSERT INTO envelope (workspace, author, seq, id, epoch, bytes, uploader, received_ms) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  Stmt ev(db_,
          "INSERT OR IGNORE INTO equivocation (workspace, author, seq, id, bytes, uploader, reason, "
          "received_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  Stmt use(db_,
           "INSERT INTO usage (workspace, device, bytes) VALUES (?, ?, ?) "
           "ON CONFLICT (workspace, device) DO UPDATE SET bytes = bytes + excluded.bytes");
  if (!ins.ok() || !ev.ok() || !use.ok()) return StorageError(db_, "prepare the commit");
  for (const Batch* b : batches) {
    if (b->add.empty() && b->evidence.empty()) continue;
    uint64_t bytes = 0;
    for (const NewEnvelope& e : b->add) {
      ins.Reset();
      ins.Blob(1, b->ws).Blob(2, e.author).Int(3, static_cast<int64_t>(e.seq)).Blob(4, e.id);
      ins.Int(5, e.epoch).Blob(6, e.bytes).Blob(7, b->uploader).Int(8, now_ms);
      if (ins.Step() != SQLITE_DONE) return StorageError(db_, "store envelope");
      bytes += e.bytes.size();
    }
    for (const Evidence& e : b->evidence) {
      ev.Reset();
      ev.Blob(1, b->ws).Blob(2, e.author).Int(3, static_cast<int64_t>(e.seq)).Blob(4, e.id);
      ev.Blob(5, e.bytes).Blob(6, b->uploader).Text(7, e.reason).Int(8, now_ms);
      if (ev.Step() != SQLITE_DONE) return StorageError(db_, "store evidence");
      if (sqlite3_changes(db_) > 0) bytes += e.bytes.size();
    }
    use.Reset();
    use.Blob(1, b->ws).Blob(2, b->uploader).Int(3, static_cast<int64_t>(bytes));
    if (use.Step() != SQLITE_DONE) return StorageError(db_, "update usage");
  }
  if (!txn.Commit()) return StorageError(db_, "commit");
  return {};
}

Result<void> Store::ReadAfter(const Bytes& ws, const Bytes& author, uint64_t after,
                              std::size_t budget, bool first, std::vector<Bytes>* out,
                              std::size_t* used, bool* stopped) {
  Reader r(this);
  if (!r.db()) return StorageError(nullptr, "open a read connection");
  Stmt q(r.db(),
         "SELECT bytes FROM envelope WHERE workspace=? AND author=? AND seq>? ORDER BY seq");
  if (!q.ok()) return StorageError(r.db(), "read envelopes");
  q.Blob(1, ws).Blob(2, author).Int(3, static_cast<int64_t>(after));
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    std::size_t n = q.ColBytes(0) + 4;  // with its frame length
    if (!(first && out->empty()) && *used + n > budget) {
      *stopped = true;
      return {};
    }
    out->push_back(q.ColBlob(0));
    *used += n;
  }
  if (rc != SQLITE_DONE) return StorageError(r.db(), "read envelopes");
  return {};
}

Result<std::vector<Store::EvidenceRow>> Store::EvidenceOf(const Bytes& ws) {
  Reader r(this);
  if (!r.db()) return StorageError(nullptr, "open a read connection");
  Stmt q(r.db(),
         "SELECT author, seq, id, reason FROM equivocation WHERE workspace=? ORDER BY author, seq");
  if (!q.ok()) return StorageError(r.db(), "read evidence");
  q.Blob(1, ws);
  std::vector<EvidenceRow> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    Bytes reason = q.ColBlob(3);
    out.push_back(EvidenceRow{q.ColBlob(0), static_cast<uint64_t>(q.ColInt(1)), q.ColBlob(2),
                              reason});
  }
  if (rc != SQLITE_DONE) return StorageError(r.db(), "read evidence");
  return out;
}

}  // namespace dosti::relay
