// Commits and changesets: the unit of replication and its binary format (cereal's portable
// binary layout, little-endian; core/REPLICATION.md). Bump kCommitFormat on any change.
// Decoding is bounded: every count and length is checked against the bytes that remain, so
// malformed input yields an error, never a huge allocation or a crash.
// Plain value types and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dosti/record.h"
#include "dosti/replication.h"
#include "dosti/result.h"

namespace dosti {

inline constexpr uint16_t kCommitFormat = 1;
inline constexpr uint16_t kChangesetFormat = 1;
// A local commit is closed once it grows past this, between rows: a bulk import becomes
// several commits, and several changesets.
inline constexpr size_t kCommitCapBytes = 256 * 1024;

inline int64_t HlcMs(int64_t hlc) { return hlc >> 16; }

// A commit in memory mirrors its wire layout: names (tables, columns) and devices are listed
// once and referred to by index, and the rows, fields and prev stamps of all rows lie in three
// flat arrays (a few allocations per commit instead of a few per field).

// Who wrote a value and when: a hybrid logical clock (milliseconds << 16 | counter) and the
// device, as an index into Commit::devices. Total order: clock, then device id (Store
// compares them so).
struct Stamp {
  int64_t hlc = 0;
  uint32_t device = 0;
  friend bool operator==(const Stamp&, const Stamp&) = default;
};

struct FieldChange {
  uint32_t column = 0;  // index into Commit::names
  Value value;
  // The values this write superseded (the field's heads it had seen): Commit::prevs
  // [prev_begin, prev_begin + prev_count).
  uint32_t prev_begin = 0, prev_count = 0;
};

struct RowChange {
  uint32_t table = 0;                          // index into Commit::names
  uint32_t id_begin = 0, id_size = 0;          // the record id in Commit::ids
  uint32_t field_begin = 0, field_count = 0;   // Commit::fields
};

struct Dependency {
  uint32_t device = 0;  // index into Commit::devices
  int64_t seq = 0;
  friend bool operator==(const Dependency&, const Dependency&) = default;
};

// One device's atomic write: every change shares the commit's clock.
struct Commit {
  int64_t seq = 0;     // per device, 1, 2, 3 …
  int64_t hlc = 0;
  int32_t schema = 0;  // the writer's schema version
  std::vector<std::string> names;    // tables and columns
  std::vector<std::string> devices;  // device ids, lowercase hex
  uint32_t author = 0;               // index into devices
  // Causal dependencies gained since the device's previous commit: (device, seq) pairs that
  // must be applied before this commit.
  std::vector<Dependency> deps;
  std::vector<RowChange> rows;
  std::vector<FieldChange> fields;  // every row's fields, each row's contiguous
  std::vector<Stamp> prevs;
  std::string ids;                  // every row's record id (lowercase hex), concatenated

  const std::string& device() const { return devices[author]; }
  std::string_view RowId(const RowChange& r) const {
    return std::string_view(ids).substr(r.id_begin, r.id_size);
  }
  const std::string& Name(uint32_t i) const { return names[i]; }
  size_t FieldCount() const;  // of all rows
};

// Writes the wire layout. Names and devices go out in order of first use (author, deps, then
// row by row: table, columns, prev devices), whatever their order in `c`; unused entries and
// fields no row refers to are left out.
std::string EncodeCommit(const Commit& c);
Result<Commit> DecodeCommit(std::string_view bytes);

// A changeset: a contiguous run of one author's commits, kept as their encoded bodies so that
// forwarding needs no re-encoding.
struct Changeset {
  std::string author;
  std::vector<std::string> commits;  // encoded commits, seq ascending, contiguous
};

// A decoded changeset: its commits are views into the bytes it was decoded from.
struct ChangesetView {
  std::string author;
  std::vector<std::string_view> commits;
};

std::string EncodeChangeset(const Changeset& cs);
Result<ChangesetView> DecodeChangeset(std::string_view bytes);

}  // namespace dosti
