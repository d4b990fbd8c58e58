// The one write path of the core. Every insert and update of a replicated row — local writes,
// imports, demo seeding and merged remote commits alike — goes through Store, which
//   - records each local write as field-level changes in the current commit, stamped with a
//     hybrid logical clock and this device, in the same SQLite transaction (change capture);
//   - applies remote commits field by field (merge), keeping per-field heads so that
//     concurrent edits to one field have a deterministic winner and the losers are kept;
//   - keeps the commit log every replica forwards from, and the frontier it has applied.
// Callers open the transaction (Tx / InTransaction); Store hooks its begin/commit/rollback.
// Threading: owned by one Session; single-threaded.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "changeset.h"
#include "db.h"
#include "dosti/platform.h"
#include "dosti/record.h"
#include "dosti/result.h"
#include "dosti/session.h"
#include "row_clock.h"

namespace dosti {

struct Column {
  std::string name;
  bool integer = false;  // declared INTEGER (else TEXT or BLOB)
  bool not_null = false;
  bool local = false;    // not replicated, never shown: seq, name_key, updated_at, clock
};

// Hashes std::string keys so that a string_view finds them without a copy (C++20
// heterogeneous lookup: with std::equal_to<>).
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename T>
using StringMap = std::unordered_map<std::string, T, StringHash, std::equal_to<>>;

struct TableInfo {
  std::string name;
  std::vector<Column> columns;  // in schema order (= SELECT * order)
  StringMap<int> index;
  int clock = -1;                // index of the `clock` column
  int updated_at = -1;
  int name_column = -1, name_key = -1;  // enterprise: name_key = NameKey(name)
  bool derived_name_key = false;        // true for enterprise
  bool stage_source = false;            // enrollment: its rows move enterprise.stage_rank
  bool stage_all = false;               // programme: a new one may change every stage_rank
  // enterprise: 1 for the columns of the search index and of the tally (FlushNewEnterprises)
  std::vector<uint8_t> new_row_columns;
  bool has_rowid = true;         // rows are written back by rowid
  int Find(std::string_view column) const {
    auto it = index.find(column);
    return it == index.end() ? -1 : it->second;
  }
};

// One head of a field, with its device id and value, for readers (conflicts, tests).
struct FieldHead {
  int64_t hlc = 0;
  std::string device;
  Value value;
};
struct FieldHeads {
  std::string name;
  std::vector<FieldHead> heads;  // winner first
};

// Device → highest seq applied (commits apply in order, so everything up to it is here).
using FrontierMap = std::map<std::string, int64_t>;

// The rows one transaction wrote, by table (for the Session's change observers).
struct ObservedTable {
  std::string table;
  std::vector<std::string> ids;  // sorted, unique; empty when `many`
  bool many = false;             // more than kMaxObservedRecords rows (session.h)
};
struct ObservedChanges {
  bool local = false;   // this device's writes (captured into its commits)
  bool merged = false;  // other devices' commits merged
  std::vector<ObservedTable> tables;  // by table name
  bool empty() const { return tables.empty(); }
};

class Store {
 public:
  Store(Db& db, Clock& clock, Random& random);
  ~Store();

  // A new 128-bit id: 48 bits of milliseconds then 80 random bits, as 32 lowercase hex digits.
  std::string NewId();
  int64_t NowMs() { return clock_.NowMs(); }
  // Sets this device and loads the replication state (seq, clock, frontier) from the log.
  Result<void> SetDevice(std::string device_id);
  const std::string& device() const { return device_id_; }
  // The schema version written into this device's commits.
  void SetSchemaVersion(int v) { schema_version_ = v; }

  // The table's columns (from the schema itself), cached; kNotFound for an unknown table.
  Result<const TableInfo*> Table(std::string_view table);
  Result<const std::vector<Column>*> Columns(std::string_view table);
  // Parses the text form of a value for `column` of `table` ("" → NULL).
  Result<Value> ParseValue(std::string_view table, std::string_view column,
                           std::string_view text);
  // Forgets cached table layouts and statements (after the schema changed).
  void InvalidateTables() {
    tables_.clear();
    db_.ForgetStatements();
  }

  // [SECTION] Local writes (inside a transaction; captured into the current commit)
  // Inserts a row with `fields`; origin_device is stamped here, and created_at unless `fields`
  // gives it (an import keeps the creation time of the record it copies).
  Result<void> Insert(std::string_view table, const std::string& id, const Fields& fields);
  // Updates the given fields; unchanged values are skipped. Returns how many changed.
  Result<int> Update(std::string_view table, std::string_view id, const Fields& fields);
  // Writes `value` over every head of a field, closing a conflict (a resolution).
  Result<void> Overwrite(std::string_view table, std::string_view id, std::string_view column,
                         const Value& value);

  // [SECTION] Reads
  Result<std::optional<Record>> Get(std::string_view table, std::string_view id);
  template <typename... Ts>
  Result<std::vector<Record>> Select(std::string_view sql, const Ts&... args) {
    auto st = db_.Prepare(sql);
    if (!st) return st.error();
    (*st)->Args(args...);
    return Collect(**st);
  }
  Result<std::vector<Record>> Collect(Stmt& st);
  // Every field's heads, by field name, with values (winners included): for listing
  // conflicts and for tests. Empty for an unknown row.
  Result<std::vector<FieldHeads>> ClockOf(std::string_view table, std::string_view id);

  // [SECTION] Replication
  const FrontierMap& frontier() const { return frontier_; }
  int64_t last_hlc() const { return last_hlc_; }
  // Applies one remote commit (inside a transaction). The caller has checked that it is the
  // author's next commit and that its dependencies are applied. Rows are cached until
  // FlushRemote, so a batch of commits reads and writes each row once.
  Result<void> ApplyRemote(const Commit& commit, std::string_view body);
  Result<void> FlushRemote();
  // Writes fields kept for columns or tables this schema did not know, now that it does.
  Result<int64_t> Materialise(const std::vector<std::string_view>& tables);
  // Captures rows that have no clock yet (written before change capture) as local writes.
  Result<int64_t> Adopt(const std::vector<std::string_view>& tables);
  // The device id behind a number of the local device dictionary (row clocks use numbers).
  const std::string& DeviceName(uint32_t n) const { return devices_[n]; }

  // [SECTION] What changed
  // With `on`, every row written is noted for TakeChanges (observers are registered); without,
  // only what the derived columns need is kept.
  void ObserveAll(bool on) { observe_all_ = on; }
  // The rows the last committed transaction wrote (call after COMMIT; the next BEGIN clears
  // them anyway). Includes enterprises whose derived stage changed.
  ObservedChanges TakeChanges();
  // Recomputes the local enterprise.stage_rank of every enterprise (after a migration).
  Result<void> RecomputeAllStages();
  // Adds the enterprises inserted in this transaction to the search index (enterprise_fts)
  // and counts the live ones in enterprise_tally: once, at COMMIT, not by insert triggers.
  // FTS5 writes its pending terms out as a new segment at each statement savepoint once it is
  // part of a transaction, and a trigger gives every insert into enterprise one, so indexing
  // row by row made a segment per row; the trigger program itself was 9% of an import's
  // instructions. Runs before anything that UPDATEs enterprise by SQL (RecomputeCanon,
  // UpdateStages, RecomputeAllStages), whose triggers take a row's old values out of both, and
  // before a write of those columns of a row still pending (WriteRow). A reader of the index
  // or the tally inside the transaction (Search, QueryEnterprises) calls it first.
  Result<void> FlushNewEnterprises();

  Db& db() { return db_; }

 private:
  struct RowState;
  struct Change;
  using RowPtr = std::unique_ptr<RowState>;
  // Reads a row's clock and the `columns` asked for (others load when needed). `is_new`: the
  // row cannot exist yet (nothing to read).
  Result<RowPtr> LoadRow(const TableInfo* table, std::string_view table_name, std::string_view id,
                         const std::vector<int>& columns, bool is_new = false);
  Result<RowState*> CachedRow(const TableInfo* table, std::string_view table_name,
                              std::string_view id);
  Result<void> EnsureLoaded(RowState& row, int column);
  // Rows go back to a free list, so that their buffers serve the next row.
  void Recycle(RowPtr row);
  // Ends the merge batch: its rows go back to the free list.
  void ClearBatch();
  // Merges one row's field changes stamped (hlc, device). Local writes supersede every head
  // they see (listed in local_prev_ for capture); remote ones carry their prev.
  Result<void> ApplyRow(RowState& row, std::vector<Change>& changes, int64_t hlc,
                        uint32_t device, bool local);
  Result<void> WriteRow(RowState& row);
  // Fields with two or more heads, by name.
  std::vector<std::string> ConflictedFields(const RowState& row) const;
  std::vector<FieldHeads> Named(const RowState& row) const;
  Result<void> Capture(const TableInfo& table, std::string_view id,
                       const std::vector<Change>& changes);
  Result<void> WriteLocal(const TableInfo& table, RowState& row, std::vector<Change>& changes);
  int64_t NextHlc();
  int64_t OpenCommit();
  Result<void> OnCommit();
  void OnBegin();
  void OnRollback();
  Result<void> FlushCommit();
  // Recomputes enterprise.canon_id after merged_into changed.
  Result<void> RecomputeCanon();
  // Recomputes enterprise.stage_rank (the DH-2023 enrollment's stage, for sorted lists) of
  // the enterprises whose enrollment or merge link changed in this transaction.
  Result<void> UpdateStages();
  // Notes a row written in this transaction.
  void Note(const TableInfo& table, const std::string& id);
  // The local number of a device id, adding it to the dictionary if new.
  Result<uint32_t> Intern(const std::string& device);
  // Stamp order: clock, then device id.
  bool Before(int64_t hlc_a, uint32_t dev_a, int64_t hlc_b, uint32_t dev_b) const;
  // The statements of the row path, cached by table, kind and column set (building their
  // SQL text for every row cost more than running some of them).
  enum class RowSql : uint8_t { kLoad, kLoadValue, kInsert, kUpdate };
  Result<Stmt*> RowStatement(const TableInfo& t, RowSql kind, const std::vector<int>& columns);

  Db& db_;
  Clock& clock_;
  Random& random_;
  // The last ids NewId made: an insert under one of them needs no look for an existing row
  // (80 random bits; were one to exist all the same, the id's UNIQUE index refuses the insert).
  std::array<std::string, 4> minted_;
  size_t minted_next_ = 0;
  std::string device_id_;
  uint32_t device_n_ = 0;
  int schema_version_ = 0;
  std::unordered_map<std::string, TableInfo> tables_;
  std::vector<std::string> devices_;
  std::unordered_map<std::string, uint32_t> device_numbers_;

  // Replication state; snapshot at BEGIN so a rollback restores it.
  int64_t next_seq_ = 1;
  int64_t last_hlc_ = 0;
  FrontierMap frontier_;
  FrontierMap declared_;  // dependencies already declared by this device's commits
  struct Snapshot {
    int64_t next_seq = 1;
    FrontierMap frontier, declared;
    size_t devices = 0;
  } snapshot_;
  // The open local commit, built in place: its names, devices and rows are added as writes
  // are captured.
  std::optional<Commit> pending_;
  std::unordered_map<std::string, uint32_t> pending_rows_;   // table/row → index in rows
  StringMap<uint32_t> pending_names_;                        // name → index in names
  std::vector<uint32_t> pending_devices_;  // Store device number → index in devices
  size_t pending_bytes_ = 0;
  bool canon_dirty_ = false;  // an enterprise's merged_into changed in this transaction
  // What this transaction wrote: for observers (all tables, when observe_all_) and for the
  // derived stage (enrollments written, enterprises whose merge link moved, programmes).
  bool observe_all_ = false;
  ObservedChanges observed_;
  std::unordered_map<std::string, size_t> observed_index_;  // table → index in observed_
  std::vector<std::string> stage_enrollments_;
  std::vector<std::string> stage_enterprises_;
  bool stage_all_ = false;
  std::vector<int64_t> new_enterprises_;  // enterprise.seq of rows inserted, not yet flushed
  // The rows of the remote batch being merged (until FlushRemote), found by (table, id)
  // through an open-addressing index: slot = hash and 1 + index in batch_ (0: empty).
  std::vector<RowPtr> batch_;
  struct Slot {
    uint64_t hash = 0;
    uint32_t row = 0;
  };
  std::vector<Slot> slots_;
  // Rows kept for reuse (their buffers serve the next rows): many after a merge, few after
  // local writes.
  std::vector<RowPtr> spare_rows_;
  // Scratch buffers reused across rows.
  std::string key_;
  std::string clock_bytes_;
  std::vector<Change> changes_;
  std::vector<Stamp> local_prev_;  // the heads each local change superseded (Store numbers)
  // The remote commit being applied: its devices → Store numbers (kNoIndex until used), its
  // names → tables and columns; scratch for ApplyRow.
  const Commit* applying_ = nullptr;
  std::vector<uint32_t> remote_devices_;
  std::vector<const TableInfo*> remote_tables_;
  std::vector<uint8_t> remote_resolved_;
  std::vector<int> remote_columns_;
  std::vector<uint32_t> remote_prev_;
  std::vector<ClockEntry> heads_;
  struct StmtKey {
    const TableInfo* table;
    RowSql kind;
    uint64_t columns;
    friend bool operator==(const StmtKey&, const StmtKey&) = default;
  };
  struct StmtKeyHash {
    size_t operator()(const StmtKey& k) const {
      return std::hash<const void*>()(k.table) ^
             static_cast<size_t>((k.columns * 0x9e3779b97f4a7c15ULL) >> 7) ^
             static_cast<size_t>(k.kind);
    }
  };
  std::unordered_map<StmtKey, Stmt*, StmtKeyHash> row_sql_;
  uint64_t row_sql_generation_ = 0;  // Db::generation() the cache belongs to
};

// True for columns the front ends never see or set.
bool IsLocalColumn(std::string_view name);
// True for columns that are not replicated fields: the id and the local columns.
bool IsBookkeepingColumn(std::string_view name);

}  // namespace dosti
