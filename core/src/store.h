// The one write path of the core: every insert and update of a replicated row goes through
// Store, which stamps the common columns and maintains local derived columns. (Change capture
// for replication hooks in here, so no write can bypass it.) Callers open the transaction.
// Threading: owned by one Session; single-threaded.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "db.h"
#include "dosti/platform.h"
#include "dosti/record.h"
#include "dosti/result.h"

namespace dosti {

struct Column {
  std::string name;
  bool integer = false;  // declared INTEGER (else TEXT)
  bool not_null = false;
  bool local = false;    // not replicated, not shown: seq, name_key
};

class Store {
 public:
  Store(Db& db, Clock& clock, Random& random) : db_(db), clock_(clock), random_(random) {}

  // A new 128-bit id: 48 bits of milliseconds then 80 random bits, as 32 lowercase hex digits.
  std::string NewId();
  int64_t NowMs() { return clock_.NowMs(); }
  void SetDevice(std::string device_id) { device_id_ = std::move(device_id); }
  const std::string& device() const { return device_id_; }

  // The columns of `table` (from the schema itself), cached.
  Result<const std::vector<Column>*> Columns(std::string_view table);
  // Parses the text form of a value for `column` of `table` ("" → NULL).
  Result<Value> ParseValue(std::string_view table, std::string_view column,
                           std::string_view text);

  // Inserts a row with `fields` (common columns are stamped here).
  Result<void> Insert(std::string_view table, const std::string& id, const Fields& fields);
  // Updates the given fields of a row; fields whose value is unchanged are skipped. Returns the
  // number of fields that changed.
  Result<int> Update(std::string_view table, std::string_view id, const Fields& fields);

  // One row by id (local columns left out); nullopt when absent.
  Result<std::optional<Record>> Get(std::string_view table, std::string_view id);
  // Rows of an arbitrary SELECT whose first column is `id`; args are bound in order.
  template <typename... Ts>
  Result<std::vector<Record>> Select(std::string_view sql, const Ts&... args) {
    auto st = db_.Prepare(sql);
    if (!st) return st.error();
    (*st)->Args(args...);
    return Collect(**st);
  }
  // Reads all remaining rows of a stepped statement into records.
  Result<std::vector<Record>> Collect(Stmt& st);

  Db& db() { return db_; }

 private:
  Db& db_;
  Clock& clock_;
  Random& random_;
  std::string device_id_;
  std::unordered_map<std::string, std::vector<Column>> columns_;
};

// True for columns the front ends never see or set.
bool IsLocalColumn(std::string_view name);

}  // namespace dosti
