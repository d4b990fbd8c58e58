// The blind relay's logic, apart from HTTP (sync/relay/README.md): registration, the control
// messages folded into one Trust per workspace, signed-challenge sign-in, push with the
// receiving checks (everything but decryption: it holds no workspace key) and paged pull.
// Threading: every public method may be called from any thread; one mutex serialises them.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "dosti/result.h"
#include "dosti/sync/trust.h"

namespace dosti::relay {

using Bytes = std::string;
class Store;

struct RelayOptions {
  uint64_t device_quota_bytes = uint64_t{1} << 30;  // stored bytes per uploading device
  int64_t nonce_ttl_ms = 60 * 1000;
  int64_t session_ttl_ms = 60 * 60 * 1000;
  std::size_t max_pending_nonces = 100000;  // a flood of challenges cannot grow memory beyond
  // Injected for tests; real time (ms since 1970) and libsodium randomness by default.
  std::function<int64_t()> clock;
  std::function<Bytes(std::size_t)> random;
};

// The per-envelope verdict of a batch: its index in the request and a readable reason.
struct Rejection {
  std::size_t index = 0;
  std::string reason;
};

struct ControlOutcome {
  std::size_t added = 0;    // folded in and stored
  std::size_t known = 0;    // already there
  std::size_t waiting = 0;  // cannot be judged yet (e.g. its invite is unknown): send again later
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

using Frontier = std::map<Bytes, uint64_t>;  // author id (16 bytes) → seq

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

  // Control envelopes (kinds 2–5), each folded into the workspace's Trust on its own.
  // kNotFound for an unknown workspace; per-message verdicts otherwise.
  Result<ControlOutcome> PostControl(const Bytes& ws, const std::vector<std::string_view>& msgs);
  // Control messages with index > after (at most max_bytes, at least one); *next = last index.
  Result<std::vector<Bytes>> ControlAfter(const Bytes& ws, uint64_t after, std::size_t max_bytes,
                                          uint64_t* next, bool* more);

  // A fresh single-use nonce for `device` (16 bytes) in `ws`, valid options.nonce_ttl_ms.
  Result<Challenge> MakeChallenge(const Bytes& ws, const Bytes& device);
  // Checks the signature over AuthMessage() against the current roster: kUnauthentic (bad
  // signature, unknown or reused nonce), kExpired (nonce too old), kUnknownDevice, kRevoked.
  Result<Session> SignIn(const Bytes& ws, const Bytes& device, const Bytes& nonce,
                         int64_t time_ms, const Bytes& signature);
  // The device a bearer token belongs to, re-checked against the current roster on every call
  // (a device revoked after signing in is refused from its next request on).
  Result<Bytes> Authenticate(const Bytes& ws, std::string_view token);

  Result<Frontier> GetFrontier(const Bytes& ws);
  // Changes envelopes from any author, uploaded by `uploader`; committed before returning.
  Result<PushOutcome> Push(const Bytes& ws, const Bytes& uploader,
                           const std::vector<std::string_view>& envelopes);
  // Envelopes after `frontier` in (author, seq) order while they fit in max_bytes (at least
  // one); *more when some remain.
  Result<std::vector<Bytes>> Pull(const Bytes& ws, const Frontier& frontier, std::size_t max_bytes,
                                  bool* more);

  // For tests and operators: the equivocation evidence kept for `ws`.
  struct EvidenceRow {
    Bytes author;
    uint64_t seq = 0;
    std::string reason;
  };
  Result<std::vector<EvidenceRow>> Evidence(const Bytes& ws);

 private:
  struct Workspace;
  Relay() = default;
  Result<Workspace*> Find(const Bytes& ws);
  Result<void> Load(const Bytes& ws);
  int64_t Now() const { return options_.clock(); }

  RelayOptions options_;
  std::unique_ptr<Store> store_;
  std::mutex mu_;
  std::map<Bytes, std::unique_ptr<Workspace>> workspaces_;
  struct Pending {
    Bytes ws, device;
    int64_t expires_ms = 0;
  };
  std::map<Bytes, Pending> nonces_;  // nonce → who asked, until when
  struct Token {
    Bytes ws, device;
    int64_t expires_ms = 0;
  };
  std::map<Bytes, Token> tokens_;  // BLAKE2b of the token → session
};

}  // namespace dosti::relay
