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
  // Envelopes whose author was not in the roster when they came cannot have their signature
  // checked: anyone (a relay, a bundle) can make them. They get a share of the room of their
  // own, so junk from made-up authors never crowds out envelopes that wait for a gap or a
  // key, and stay in it until they apply or are refused.
  static constexpr std::size_t kMaxUnknownEnvelopes = 1'024;
  static constexpr std::size_t kMaxUnknownBytes = 16u << 20;
  static constexpr std::size_t kMaxUnknownAuthors = 64;

  explicit WaitingRoom(Session& session) : replica_(session) {}  // the session outlives this
  Result<void> Load();

  // Keeps `env` until it can apply; `author_known`: its author is in this device's roster.
  // kTooLarge when the room is full, or the share of unknown authors is (nothing kept).
  Result<void> Keep(const Envelope& env, bool author_known = true);
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
  // Those kept while their author was unknown.
  std::size_t unknown_size() const { return unknown_count_; }

 private:
  struct Entry {
    std::size_t bytes = 0;
    bool unknown = false;  // kept in the local space "penu" (its author was unknown)
  };
  Replica replica_;
  std::map<Bytes, std::map<uint64_t, Entry>> index_;  // author → seq → entry
  std::size_t count_ = 0, bytes_ = 0;
  std::size_t unknown_count_ = 0, unknown_bytes_ = 0;
  std::map<Bytes, std::size_t> unknown_per_author_;
};

}  // namespace dosti::sync
