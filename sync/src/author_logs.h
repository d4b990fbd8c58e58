// The per-author logs of the changes envelopes applied on this device (its own and others', kept
// for forwarding to peers) and each author's head: the newest seq and its envelope id, which the
// next envelope must chain to. Local spaces: "env" (author ‖ u64 BE seq → envelope) and "head"
// (author → u64 BE seq ‖ id). Internal to sync/src; used from the Node's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "dosti/replica.h"
#include "dosti/session.h"
#include "dosti/sync/envelope.h"

namespace dosti::sync {

class AuthorLogs {
 public:
  struct Head {
    uint64_t seq = 0;  // 0: nothing of this author here
    Bytes id;          // id of the envelope at seq
  };

  explicit AuthorLogs(Session& session) : replica_(session) {}  // the session outlives this
  Result<void> Load();

  Head head(std::string_view author) const;
  const std::map<Bytes, Head>& heads() const { return heads_; }

  // Inside the caller's transaction: `env` (checked, chained) becomes its author's newest. The
  // in-memory head moves only with Commit(), once the transaction has committed.
  Result<void> Append(const Envelope& env);
  void Commit(std::string_view author, uint64_t seq, Bytes id) { heads_[Bytes(author)] = {seq, std::move(id)}; }
  // The stored envelope at (author, seq).
  Result<std::optional<Bytes>> Get(std::string_view author, uint64_t seq);
  // Calls `fn` with the stored envelopes of `author` after `after` up to `last`, in order, a
  // page at a time; `fn` returns false to stop.
  Result<void> Scan(std::string_view author, uint64_t after, uint64_t last,
                    const std::function<bool(Bytes&&)>& fn);

 private:
  Replica replica_;
  std::map<Bytes, Head> heads_;
};

}  // namespace dosti::sync
