// Envelopes kept as evidence and never applied: equivocation (one author, one number, two
// contents), a forked log, a validly signed envelope that does not decrypt or holds a malformed
// changeset, a member passing off another device's commits. Local space "quar" (envelope id →
// u32 length ‖ reason key ‖ u32 length ‖ English reason ‖ envelope). Internal to sync/src.
#pragma once

#include <string>
#include <vector>

#include "dosti/catalog.h"
#include "dosti/replica.h"
#include "dosti/session.h"
#include "dosti/sync/envelope.h"

namespace dosti::sync {

class Quarantine {
 public:
  struct Entry {
    std::string id;  // hex envelope id
    Message reason;
  };
  explicit Quarantine(Session& session) : replica_(session) {}  // the session outlives this
  Result<void> Keep(const Envelope& env, const Message& reason);
  Result<std::vector<Entry>> List();

 private:
  Replica replica_;
};

}  // namespace dosti::sync
