// The replication vocabulary of the facade (see core/REPLICATION.md): frontiers, changesets
// as bytes, what an apply did, held commits and conflicts. Plain value types; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "dosti/catalog.h"
#include "dosti/record.h"
#include "dosti/result.h"

namespace dosti {

// A changeset never exceeds this many bytes, so it fits one envelope (DESIGN.md §4: 1 MiB)
// with room for the envelope's header, padding and signature.
inline constexpr std::size_t kMaxChangesetBytes = 1000 * 1024;
// A changeset stamped further than this past the local clock is held (DESIGN.md §3.5).
inline constexpr int64_t kMaxClockSkewMs = 5 * 60 * 1000;

// Device id → the highest commit of that device applied here (commits apply in order, so
// every earlier one is here too).
using Frontier = std::map<std::string, int64_t>;

// A commit that arrived but cannot apply yet.
struct HeldCommit {
  std::string device;
  int64_t seq = 0;
  int64_t time_ms = 0;     // the commit's clock, in milliseconds
  bool accepted = false;   // an admin accepted its future stamp
  // Why it waits, translatable (keys held.*): reason.text is the English, e.g. "device
  // 1a2b3c4d… (islamabad)'s clock is 3 h 5 min ahead; these changes apply when …".
  Message reason;
};

// A commit that arrived with the (device, seq) of a commit already here (applied or held) but
// other content: the author signed two histories. It is never applied; its bytes are kept as
// evidence (ListEquivocations) and the sync layer raises the alarm.
struct Equivocation {
  std::string device;
  int64_t seq = 0;
  std::string digest;       // SHA-256 of the offending commit's bytes, 64 hex digits
  int64_t received_ms = 0;  // when it first arrived here
  std::string body;         // the offending commit's bytes (ListEquivocations only)
};

// What applying a changeset (or releasing held commits) did.
struct ApplyReport {
  int64_t applied = 0;  // commits applied now (including earlier held ones released)
  int64_t known = 0;    // commits that were already here, byte for byte (a replay is a no-op)
  int64_t held = 0;     // commits of this changeset that wait (gap, dependency, future stamp)
  int64_t changes = 0;  // field changes applied
  std::vector<HeldCommit> waiting;  // everything still held after this apply
  // Commits of this changeset that equivocate (never applied, kept as evidence), and how many
  // later commits of the same changeset were dropped with them: they continue the other
  // history, so they are neither applied nor held.
  std::vector<Equivocation> equivocations;
  int64_t discarded = 0;
};

struct ConflictValue {
  Value value;
  std::string device;
  std::string office;  // the device's office, when known
  int64_t time_ms = 0;
  bool winner = false;  // the value the record shows now
};

// One field with concurrent values. The id is stable across replicas.
struct Conflict {
  std::string id;
  std::string table;
  std::string record_id;
  std::string field;
  std::vector<ConflictValue> values;  // the winner first
};

// The device (hex id) whose commits `changeset` carries (every commit in a changeset is its
// author's); kInvalid when it is malformed.
Result<std::string> ChangesetAuthor(std::string_view changeset);

}  // namespace dosti
