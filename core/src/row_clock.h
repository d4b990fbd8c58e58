// The per-row replication bookkeeping, kept in each replicated row's local `clock` column:
// for every field, its heads — the values no known write has superseded — with their stamps.
// One head is the normal case; two or more are a conflict, and the highest stamp wins (its
// value is the column's value; the others keep their values here). Fields the local schema
// does not know (from a newer schema) are kept by name, with every head's value, until an
// upgrade gives them a column.
// The layout is flat (one entry per head) and refers to columns by their local index and to
// devices by local numbers, because it is decoded and encoded on every write: it never leaves
// this database. Plain value types; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dosti/record.h"
#include "dosti/result.h"

namespace dosti {

struct ClockEntry {
  int column = -1;         // index in the table's columns, or -1: a field known only by name
  std::string name;        // the field's name when column is -1
  int64_t hlc = 0;
  uint32_t device = 0;     // number in the Store's device dictionary
  bool has_value = false;  // false for the winner of a known column (the column holds it)
  Value value;
};

// Entries are grouped by field (known columns by index, then named fields by name); within a
// field the highest stamp comes first: that head is the winner.
struct RowClock {
  std::vector<ClockEntry> entries;

  // The entries [begin, end) of a field; begin == end when it has none (end is then where
  // its entries belong).
  struct Range {
    size_t begin = 0, end = 0;
    size_t size() const { return end - begin; }
  };
  Range Find(int column, std::string_view name) const;
};

std::string EncodeRowClock(const RowClock& clock);
// The same into `out` (replacing its contents, reusing its buffer).
void EncodeRowClock(const RowClock& clock, std::string& out);
// Local bookkeeping written by this code: a decoding failure means a damaged database.
Result<RowClock> DecodeRowClock(std::string_view bytes);
// The same into `out`, reusing its entries' buffers.
Result<void> DecodeRowClock(std::string_view bytes, RowClock& out);

}  // namespace dosti
