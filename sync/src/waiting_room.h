// Changes envelopes that arrived before they can apply: a gap in their author's log, an author
// not in the roster yet, or an epoch whose key this device does not hold yet. Bounded (Signal's
// MAX_FORWARD_JUMPS as the model, research §3.3) so a flood cannot grow it; kept in the local
// space "pend" (author ‖ u64 BE seq → envelope) with an index in memory, so retrying is a walk
// over each author's lowest waiting number, not a re-read of the whole queue.
// Internal to sync/src; used from the Node's thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dosti/replica.h"
#include "dosti/session.h"
#include "dosti/sync/envelope.h"

namespace dosti::sync {

class WaitingRoom {
 public:
  static constexpr std::size_t kMaxEnvelopes = 25'000;
  static constexpr std::size_t kMaxBytes = 64u << 20;

  explicit WaitingRoom(Session& session) : replica_(session) {}  // the session outlives this
  Result<void> Load();

  // Keeps `env` until it can apply. kTooLarge when the room is full (nothing kept).
  Result<void> Keep(const Envelope& env);
  // Forgets (author, seq), applied or refused since. Called after the transaction that
  // applied it has committed: an entry left behind by a crash in between is found applied
  // (a replay) when it is retried, and dropped then.
  Result<void> Drop(std::string_view author, uint64_t seq);

  bool empty() const { return count_ == 0; }
  std::size_t size() const { return count_; }
  std::vector<Bytes> Authors() const;
  // The lowest waiting seq of `author`, if any; its bytes.
  std::optional<uint64_t> Lowest(std::string_view author) const;
  Result<std::optional<Bytes>> Get(std::string_view author, uint64_t seq);
  // The waiting seqs of `author` (for reports).
  std::size_t CountOf(std::string_view author) const;

 private:
  Replica replica_;
  std::map<Bytes, std::map<uint64_t, std::size_t>> index_;  // author → seq → bytes
  std::size_t count_ = 0, bytes_ = 0;
};

}  // namespace dosti::sync
