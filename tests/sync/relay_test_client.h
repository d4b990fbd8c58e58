// A test client of dosti-relay's API v1 (sync/relay/README.md), call by call, for the relay's
// tests and benchmarks: they need to send what no SyncRound would (garbage, replays, gaps, a
// revoked device's pushes) and to time one route at a time. Devices sync with a SyncRound
// (dosti/sync/round.h) driven by sync/net's transport; this is not that path.
// Every failure is a Result with ErrorCode::kNetwork.
// Threading: one RelayClient per thread; distinct clients may run concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dosti/result.h"

namespace dosti::net {

using Bytes = std::string;
// Per author (16-byte device id): the highest changes seq held.
using Frontier = std::map<Bytes, uint64_t>;

// Counts moved so far by this client, for progress lines ("↑ 12 envelopes, 3.4 MiB").
struct Progress {
  uint64_t envelopes_up = 0;
  uint64_t bytes_up = 0;
  uint64_t envelopes_down = 0;
  uint64_t bytes_down = 0;
};

struct ClientOptions {
  int connect_timeout_ms = 5000;
  int read_timeout_ms = 60000;  // a 32 MiB page on a slow link takes a while
  int write_timeout_ms = 60000;
  // Attempts per request on connection errors, HTTP 5xx and 429 (never on other 4xx).
  int attempts = 5;
  int backoff_ms = 250;       // doubled after each failed attempt...
  int max_backoff_ms = 8000;  // ...up to this
  std::size_t max_request_bytes = 8u << 20;  // Push() splits batches to stay under this
  // HTTPS: a PEM file of trusted certificates (e.g. the relay's self-signed one); empty: the
  // system's store. verify_tls=false only for tests.
  std::string ca_cert_file;
  bool verify_tls = true;
  // Called after every request that moved envelopes.
  std::function<void(const Progress&)> on_progress;
  // Injected for tests: sleeping between retries, and the clock for the signed sign-in time.
  std::function<void(int ms)> sleep;
  std::function<int64_t()> clock;
};

struct Rejection {
  std::size_t index = 0;  // into the vector the caller passed
  std::string reason;
};

struct RegisterResult {
  Bytes workspace;  // 16
  bool created = false;  // false: it was registered already
};

struct ControlResult {
  std::size_t added = 0, known = 0, waiting = 0;
  std::vector<Rejection> rejected;
};

struct ControlPage {
  std::vector<Bytes> messages;
  uint64_t next = 0;   // the index to pass as `after` next time
  bool more = false;   // the relay has more after `next`
};

struct PushResult {
  std::size_t accepted = 0, known = 0;
  std::vector<Rejection> rejected;
};

struct PullPage {
  std::vector<Bytes> envelopes;  // in (author, seq) order
  bool more = false;             // pull again with the updated frontier
};

class RelayClient {
 public:
  // `url`: "http://host:port" or "https://host:port" (a trailing path is refused).
  // `workspace`: the 16-byte id the later calls use (empty for Register only).
  static Result<std::unique_ptr<RelayClient>> Open(const std::string& url, const Bytes& workspace,
                                                   ClientOptions options = {});
  ~RelayClient();

  const std::string& url() const { return url_; }
  const Progress& progress() const { return progress_; }
  // The session token (hex) once signed in, for tests that send requests of their own.
  const std::string& session_token() const;

  // POST /v1/workspaces with the genesis envelope; `registration_token` when the relay wants
  // one. Also sets this client's workspace.
  Result<RegisterResult> Register(std::string_view genesis,
                                  const std::string& registration_token = {});
  // Control messages (roster versions, epochs, invites, joins); no sign-in needed.
  Result<ControlResult> PostControl(const std::vector<Bytes>& messages);
  // Control messages with index > after (one page; loop while .more).
  Result<ControlPage> GetControl(uint64_t after);

  // Signs in: challenge, the device's signature over the relay's auth message (made by
  // `sign(relay_id, nonce, time_ms)`), session token. Kept so that an expired session is
  // renewed once, transparently.
  using Signer = std::function<Bytes(const Bytes& relay_id, const Bytes& nonce, int64_t time_ms)>;
  Result<void> SignIn(const Bytes& device, Signer sign);
  // The same with the device's Ed25519 secret key at hand (tests, tools).
  Result<void> SignIn(const Bytes& device, const Bytes& ed_sk);

  // The relay's frontier: the highest seq stored per author (sign-in needed).
  Result<Frontier> GetFrontier();
  // Changes envelopes, in as many requests of ≤ max_request_bytes as needed, in order (an
  // author's seq N before N+1). Rejections carry indexes into `envelopes`.
  Result<PushResult> Push(const std::vector<Bytes>& envelopes);
  // One page of envelopes after `frontier` (at most max_bytes, at least one envelope).
  Result<PullPage> Pull(const Frontier& frontier, std::size_t max_bytes = 8u << 20);
  // Pages until the relay has nothing more, advancing `*frontier` from each envelope's clear
  // header and handing every page to `sink` (which may stop early by returning an error).
  Result<void> PullAll(Frontier* frontier,
                       const std::function<Result<void>(std::vector<Bytes>&&)>& sink,
                       std::size_t page_bytes = 8u << 20);

 private:
  struct Impl;
  RelayClient() = default;
  std::string url_;
  Bytes workspace_;
  Progress progress_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dosti::net
