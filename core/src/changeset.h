// Commits and changesets: the unit of replication and its binary format (cereal portable
// binary, little-endian). The layout is documented in core/REPLICATION.md; bump kCommitFormat
// on any change. Decoding is bounded: every length is checked against the bytes that remain,
// so malformed input yields an error, never a huge allocation or a crash.
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

// Who wrote a value and when: a hybrid logical clock (milliseconds << 16 | counter) and the
// device. Total order: clock, then device id (Store compares them so).
struct Stamp {
  int64_t hlc = 0;
  std::string device;
  friend bool operator==(const Stamp&, const Stamp&) = default;
};

inline int64_t HlcMs(int64_t hlc) { return hlc >> 16; }

struct FieldChange {
  std::string column;
  Value value;
  std::vector<Stamp> prev;  // the values this write superseded (the field's heads it had seen)
};

struct RowChange {
  std::string table;
  std::string row;  // the record id
  std::vector<FieldChange> fields;
};

// One device's atomic write: every change shares the commit's clock.
struct Commit {
  std::string device;
  int64_t seq = 0;       // per device, 1, 2, 3 …
  int64_t hlc = 0;
  int32_t schema = 0;    // the writer's schema version
  // Causal dependencies gained since the device's previous commit: (device, seq) pairs that
  // must be applied before this commit.
  std::vector<std::pair<std::string, int64_t>> deps;
  std::vector<RowChange> rows;
  size_t FieldCount() const;
};

std::string EncodeCommit(const Commit& c);
Result<Commit> DecodeCommit(std::string_view bytes);

// A changeset: a contiguous run of one author's commits, kept as their encoded bodies so that
// forwarding needs no re-encoding.
struct Changeset {
  std::string author;
  std::vector<std::string> commits;  // encoded commits, seq ascending, contiguous
};

std::string EncodeChangeset(const Changeset& cs);
Result<Changeset> DecodeChangeset(std::string_view bytes);

}  // namespace dosti
