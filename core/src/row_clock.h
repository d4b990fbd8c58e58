// The per-row replication bookkeeping, kept in each replicated row's local `clock` column:
// for every field, its heads — the values no known write has superseded — with their stamps.
// One head is the normal case; two or more are a conflict, and the highest stamp wins (its
// value is the column's value; the others keep their values here). Fields the local schema
// does not know (from a newer schema) keep every head's value here until an upgrade.
// Plain value types; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "changeset.h"
#include "dosti/record.h"
#include "dosti/result.h"

namespace dosti {

struct Head {
  Stamp stamp;
  bool has_value = false;  // false for the winner of a known column (the column holds it)
  Value value;
};

struct FieldClock {
  std::string column;
  std::vector<Head> heads;  // highest stamp first: heads[0] is the winner
};

struct RowClock {
  std::vector<FieldClock> fields;  // sorted by column name
  FieldClock* Find(std::string_view column);
  const FieldClock* Find(std::string_view column) const;
  FieldClock& Get(std::string_view column);  // finds or inserts in order
};

std::string EncodeRowClock(const RowClock& clock);
// Local bookkeeping written by this code: a decoding failure means a damaged database.
Result<RowClock> DecodeRowClock(std::string_view bytes);

}  // namespace dosti
