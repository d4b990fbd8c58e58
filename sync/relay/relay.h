// The blind relay's logic, apart from HTTP (sync/relay/README.md): registration, the control
// messages folded into one Trust per workspace, signed-challenge sign-in, push with the
// receiving checks (everything but decryption: it holds no workspace key) and paged pull.
// Input from strangers is judged before it is kept: a control message's signer is checked
// (Trust::CheckSigner) before its body is decoded, and challenges go to roster members only.
// Threading: every public method may be called from any thread. One mutex guards the relay's
// state in memory and is held for lookups only: signatures are checked, envelopes hashed and
// pages read outside it, and pushes are committed in groups (one fsync for all the pushes
// waiting at that moment) by whichever pushing thread comes first (README.md, "Push").
// The clock is read under that mutex (a test moving a ManualClock does so between requests).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "dosti/platform.h"
#include "dosti/result.h"
#include "dosti/sync/envelope.h"
#include "dosti/sync/trust.h"

namespace dosti::relay {

using Bytes = std::string;
class Store;

struct RelayOptions {
  uint64_t device_quota_bytes = uint64_t{1} << 30;  // stored bytes per uploading device
  int64_t nonce_ttl_ms = 60 * 1000;
  int64_t session_ttl_ms = 60 * 60 * 1000;
  // Pending sign-in challenges (README, "Limits"): at most this many in all; per device (of a
  // workspace) from all addresses; per address for all devices; and per (device, address),
  // where a new one replaces that pair's oldest (a client retrying never locks itself out, and
  // nobody else's challenge is ever dropped to make room).
  std::size_t max_pending_nonces = 100000;
  std::size_t max_challenges_per_device = 32;
  std::size_t max_challenges_per_address = 256;
  std::size_t max_challenges_per_device_address = 2;
  // Injected for tests; the system clock (dosti::SystemClock) and libsodium randomness by
  // default. The clock must outlive the Relay.
  Clock* clock = nullptr;
  std::function<Bytes(std::size_t)> random;
};

// Control messages the relay lets its Trust park (Offer answered kWaiting), per workspace. The
// relay checks each signer first and refuses what cannot be judged yet, so nothing is parked in
// practice; these caps hold whatever a Trust might still park.
inline constexpr std::size_t kMaxParkedMessages = 16;
inline constexpr std::size_t kMaxParkedBytes = std::size_t{2} << 20;
// Equivocation evidence kept per (author, seq): two different envelopes besides the stored one
// prove the fork; more would only let a member make the relay keep bytes (README, "Limits").
inline constexpr std::size_t kMaxEvidencePerSeq = 2;
// Live session tokens per device of a workspace: a new sign-in past it ends the oldest.
inline constexpr std::size_t kMaxSessionsPerDevice = 16;

// The per-envelope verdict of a batch: its index in the request and a readable reason.
struct Rejection {
  std::size_t index = 0;
  std::string reason;
};

struct ControlOutcome {
  std::size_t added = 0;    // folded in and stored
  std::size_t known = 0;    // already there
  std::size_t waiting = 0;  // parked by the Trust (kept for the wire format; 0 in practice)
  std::vector<Rejection> rejected;
};

struct PushOutcome {
  std::size_t accepted = 0;
  std::size_t known = 0;
  std::vector<Rejection> rejected;
};

struct Challenge {
  Bytes relay_id;  // 16
  Bytes nonce;     // 32
  int64_t expires_ms = 0;
};

struct Session {
  Bytes token;  // 32
  int64_t expires_ms = 0;
};

// Parked control messages of a workspace (see kMaxParkedMessages).
struct Parked {
  std::size_t count = 0;
  std::size_t bytes = 0;
};

// What a relay device signs to sign in (README, "Authentication").
Bytes AuthMessage(std::string_view relay_id, std::string_view workspace, std::string_view nonce,
                  int64_t time_ms);

class Relay {
 public:
  // Opens DIR/relay.db and rebuilds every workspace's Trust from its stored control messages.
  static Result<std::unique_ptr<Relay>> Open(const std::string& dir, RelayOptions options = {});
  ~Relay();

  const Bytes& relay_id() const;
  bool HasWorkspace(const Bytes& ws);

  // A genesis envelope (roster version 1): checked with Trust::FromGenesis. Returns the
  // workspace id and whether it was new (false: already registered, nothing changed).
  Result<std::pair<Bytes, bool>> Register(std::string_view genesis);

  // Control envelopes (kinds 2–5), judged one by one in the order given: the layout (outside
  // the lock); an epoch, roster or invite by an author neither in the roster nor the author
  // of a stored message is refused by a lookup, unhashed; then known (by id, hashed outside
  // the lock where possible), Trust::CheckSigner, and only then Trust::Offer, which decodes
  // the body. A message whose signer cannot be judged yet (an unknown admin, a roster version
  // ahead of the next, a join before its invite) is rejected ("send the roster history
  // first"), not kept. What Offer folds in is stored in folding order; finding it costs
  // O(new messages). kNotFound for an unknown workspace; per-message verdicts otherwise.
  Result<ControlOutcome> PostControl(const Bytes& ws, const std::vector<std::string_view>& msgs);
  // Control messages with index > after (at most max_bytes, at least one); *next = last index.
  Result<std::vector<Bytes>> ControlAfter(const Bytes& ws, uint64_t after, std::size_t max_bytes,
                                          uint64_t* next, bool* more);

  // A fresh single-use nonce for `device` (16 bytes) in `ws`, valid options.nonce_ttl_ms, for
  // a request from `client` (the caller's address key; the Server passes AddressKey()). Only
  // for an active, unexpired member of the current roster, or a device whose join the relay
  // holds and no roster has answered yet (pending: its session may read control messages
  // only, to learn of its approval) (kUnknownDevice, kRevoked).
  // kTooLarge with key relay.busy.device / relay.busy.address / relay.busy.relay (argument
  // "retry_s") when the caps of RelayOptions are reached.
  Result<Challenge> MakeChallenge(const Bytes& ws, const Bytes& device, std::string_view client);
  // Checks the signature over AuthMessage() against the current roster: kUnauthentic (bad
  // signature, unknown or reused nonce), kExpired (nonce too old), kUnknownDevice, kRevoked.
  Result<Session> SignIn(const Bytes& ws, const Bytes& device, const Bytes& nonce,
                         int64_t time_ms, const Bytes& signature);
  // The device a bearer token belongs to, re-checked against the current roster on every call
  // (a device revoked after signing in is refused from its next request on). *pending (when
  // given) says the device is still waiting for approval: a member now is never pending.
  Result<Bytes> Authenticate(const Bytes& ws, std::string_view token, bool* pending = nullptr);

  Result<sync::EnvelopeFrontier> GetFrontier(const Bytes& ws);
  // Changes envelopes from any author, uploaded by `uploader`; committed before returning.
  Result<PushOutcome> Push(const Bytes& ws, const Bytes& uploader,
                           const std::vector<std::string_view>& envelopes);
  // Envelopes after `frontier` in (author, seq) order while they fit in max_bytes (at least
  // one); *more when some remain.
  Result<std::vector<Bytes>> Pull(const Bytes& ws, const sync::EnvelopeFrontier& frontier,
                                  std::size_t max_bytes, bool* more);

  // For tests and operators: the equivocation evidence kept for `ws`, the control messages
  // parked in its Trust, and the sign-in challenges pending at the relay.
  struct EvidenceRow {
    Bytes author;
    uint64_t seq = 0;
    std::string reason;
  };
  Result<std::vector<EvidenceRow>> Evidence(const Bytes& ws);
  Result<Parked> ParkedControl(const Bytes& ws);
  std::size_t PendingChallenges();
  // Pushes committed so far, and the transactions (fsyncs) they took: fewer when concurrent
  // pushes were committed in groups.
  struct CommitCounts {
    uint64_t pushes = 0;
    uint64_t commits = 0;
  };
  CommitCounts Commits();

 private:
  struct Workspace;
  struct Pending {
    Bytes ws, device;
    std::string client;
    int64_t expires_ms = 0;
    std::multimap<int64_t, Bytes>::iterator by_expiry;
  };
  using PairKey = std::tuple<Bytes, Bytes, std::string>;  // (ws, device, client)

  Relay() = default;
  Result<Workspace*> Find(const Bytes& ws);
  Result<void> Load(const Bytes& ws);
  int64_t Now() const { return clock_->NowMs(); }
  // The Ed25519 key `device` signs in with: an active member's, or a pending device's (then
  // *pending). The member's refusal otherwise (kUnknownDevice, kRevoked). Under mu_.
  Result<Bytes> SignInKey(Workspace* w, const Bytes& device, int64_t now, bool* pending);
  // Challenge bookkeeping (under mu_): forget one nonce everywhere; drop the expired ones.
  void DropNonce(const Bytes& nonce);
  void DropExpiredNonces(int64_t now);

  // A judged push waiting for its group's commit.
  struct Queued;
  // Commits `mine` with whatever else is queued (or waits for the commit that takes it);
  // the commit's result.
  Result<void> CommitInGroup(Queued* mine);
  // Queues `bytes` (a changes envelope of h.author at h.seq that forks the chain) as evidence
  // in q, unless it is kept already or kMaxEvidencePerSeq are (false then). Under mu_.
  Result<bool> KeepEvidence(Workspace* w, Queued& q, const sync::Header& h, const Bytes& id,
                            std::string_view bytes, const char* reason);

  RelayOptions options_;
  Clock* clock_ = nullptr;
  std::unique_ptr<Store> store_;
  // Lock order: mu_ before group_mu_; the thread committing a group holds neither while it
  // writes, and takes mu_ then group_mu_ after.
  std::mutex mu_;
  std::mutex group_mu_;
  std::condition_variable group_cv_;
  std::vector<Queued*> queue_;  // judged, in judging order (chains depend on it)
  bool committing_ = false;
  CommitCounts commit_counts_;  // under group_mu_
  std::map<Bytes, std::unique_ptr<Workspace>> workspaces_;
  std::map<Bytes, Pending> nonces_;             // nonce → who asked, from where, until when
  std::multimap<int64_t, Bytes> nonce_expiry_;  // expiry → nonce: expired ones go first
  std::map<std::pair<Bytes, Bytes>, std::size_t> nonces_per_device_;  // (ws, device) → count
  std::map<std::string, std::size_t> nonces_per_client_;              // address → count
  std::map<PairKey, std::deque<Bytes>> nonces_per_pair_;              // oldest first
  struct Token {
    Bytes ws, device;
    int64_t expires_ms = 0;
  };
  std::map<Bytes, Token> tokens_;  // BLAKE2b of the token → session
  // (ws, device) → its tokens' hashes, oldest first (some may have expired since).
  std::map<std::pair<Bytes, Bytes>, std::deque<Bytes>> tokens_per_device_;
};

}  // namespace dosti::relay
