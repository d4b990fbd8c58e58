// The replication side of a Session, for the sync layer (and the core's own tests and
// benchmarks) only: joining as a further device, the commits that go out as changesets, the
// changesets that come in, and the local blobs where the layers above keep their state.
// Front ends never include this header (tests/layering_test.sh refuses it in desktop/, wasm/
// and web/): a changeset reaches the records only through sync/, after its envelope was
// authenticated, and the sync layer's state is not theirs to touch.
// Threading and lifetimes: a Replica is a view of its Session (it holds a reference and
// nothing else): the Session's rules apply, and the Session must outlive it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dosti/replication.h"
#include "dosti/result.h"
#include "dosti/session.h"

namespace dosti {

class Replica {
 public:
  explicit Replica(Session& session) : session_(session) {}
  Session& session() { return session_; }

  // Makes this database a further device of an existing workspace: it gets a device id and an
  // office but no records; those arrive with the first changesets from a member. `role` is
  // admin | office | booth; `device_id` as for Session::Init.
  Result<WorkspaceInfo> JoinAsReplica(std::string_view office, std::string_view device_id = {},
                                      std::string_view role = "office");
  Result<Frontier> GetFrontier();
  // Every commit here that a peer whose frontier is `peer` lacks, as changesets of at most
  // `max_bytes` each (one author per changeset, seq ascending).
  Result<std::vector<std::string>> ChangesetsFor(const Frontier& peer,
                                                 std::size_t max_bytes = kMaxChangesetBytes);
  // Applies a changeset in one transaction: known commits are skipped, applicable ones merged
  // field by field, the rest held (gap, dependency, future stamp) and applied when they can.
  // A commit whose (device, seq) is already here with other bytes is equivocation: it is kept
  // as evidence and reported in ApplyReport::equivocations, never applied, and the later
  // commits of the changeset are dropped with it (core/REPLICATION.md, "Equivocation").
  // A malformed changeset is refused whole with kInvalid and changes nothing.
  // Session::Interrupt() stops it before its next commit: kCancelled, nothing applied.
  // The bytes must come from an authenticated envelope: this call trusts its author.
  Result<ApplyReport> ApplyChangeset(std::string_view bytes);

  // [SECTION] Local state of the layers above (the sync layer's logs and receipts): named
  // blobs in "spaces", never replicated and outside the digest, kept in the same database so
  // that they commit together with the changes they describe (Session::Atomically).
  Result<std::optional<std::string>> LocalGet(std::string_view space, std::string_view key);
  Result<void> LocalPut(std::string_view space, std::string_view key, std::string_view value);
  Result<void> LocalDelete(std::string_view space, std::string_view key);
  // The entries of `space` whose keys start with `prefix`, in key (byte) order, starting after
  // the key `after` (from the first when empty), at most `limit` of them (0: all).
  Result<std::vector<std::pair<std::string, std::string>>> LocalList(
      std::string_view space, std::string_view prefix = {}, std::string_view after = {},
      std::size_t limit = 0);

 private:
  Session& session_;
};

}  // namespace dosti
