// One sync round with a relay (sync/relay/README.md, "HTTP API v1") as a state machine free of
// I/O: it yields the next HTTP request, takes its response, and ends with one report. The
// transports drive it: sync/net's cpp-httplib adapter for the command line and the desktop
// app, fetch() from a Web Worker in the browser. Nothing of the protocol is written twice.
//
//   SyncRound round(node, options);
//   while (auto request = round.Next()) {
//     sleep(request->delay_ms);                 // a retry's backoff, usually 0
//     round.Take(transport.Send(*request));     // status 0 when no answer came
//   }
//   Result<SyncReport> report = round.Finish();
//
// A round: control messages both ways (registering the workspace when the relay does not know
// it), then, for an approved device, sign-in (the node signs the challenge: no key leaves
// sync/), push of what the relay lacks, pull of what this device lacks. A device whose join
// waits for approval stops after the control messages: its report says so.
// Retries (no answer, HTTP 5xx and 429) are the round's: it repeats a request with a delay
// (doubling, or the relay's Retry-After); a 401 on a signed-in request signs in again once.
// Threading and lifetimes: one thread drives a round; Cancel() may come from any thread. The
// Node (and its Session) must outlive the round, and nothing else may use them meanwhile.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dosti/catalog.h"
#include "dosti/result.h"
#include "dosti/sync/node.h"

namespace dosti::sync {

struct HttpRequest {
  std::string method;  // "GET" or "POST"
  std::string path;    // "/v1/<workspace>/push?…", to append to the relay's base URL
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. Authorization
  std::string content_type;  // POST: "application/json" or "application/octet-stream"
  Bytes body;
  int delay_ms = 0;  // wait this long before sending (a retry's backoff)
};

struct HttpResponse {
  int status = 0;  // 0: no answer (connection refused, broken, timed out)
  Bytes body;
  std::vector<std::pair<std::string, std::string>> headers;  // as received; looked up case-blind
  std::string failure;  // status 0: what the transport says went wrong, for the message
  // The value of header `name` (case-insensitive), or "".
  std::string Header(std::string_view name) const;
};

struct SyncProgress {
  enum class Phase { kControl, kSignIn, kPush, kPull, kDone };
  Phase phase = Phase::kControl;
  uint64_t envelopes_up = 0, bytes_up = 0;
  uint64_t envelopes_down = 0, bytes_down = 0;
  uint64_t requests = 0;
};

struct SyncOptions {
  std::string relay_url;           // "http://host:port": named in messages, remembered
  std::string registration_token;  // sent when the relay does not know the workspace yet
  std::size_t max_request_bytes = 8u << 20;  // control posts and pushes are split to fit
  std::size_t page_bytes = 8u << 20;         // a pull page, at most
  int attempts = 5;         // per request, on no answer, HTTP 5xx and 429
  int backoff_ms = 250;     // doubled after each failed attempt...
  int max_backoff_ms = 8000;  // ...up to this
  // Called after each response (on the driving thread); must not call back into the round.
  std::function<void(const SyncProgress&)> on_progress;
};

struct SyncReport {
  std::string relay;
  bool registered = false;        // this round registered the workspace at the relay
  int64_t pushed = 0;             // envelopes the relay took
  int64_t push_known = 0;         // envelopes it already held
  std::vector<Message> push_refused;     // changes envelopes the relay refused, and why
  std::vector<Message> control_refused;  // others' control messages it refused (a late join)
  ReceiveReport received;         // everything this device took in, control messages included
  SyncProgress totals;
};

class SyncRound {
 public:
  SyncRound(Node& node, SyncOptions options);
  ~SyncRound();
  SyncRound(const SyncRound&) = delete;
  SyncRound& operator=(const SyncRound&) = delete;

  // The next request to send, or nullopt when the round has ended (Finish() then says how).
  std::optional<HttpRequest> Next();
  // The response to the request Next() returned last.
  void Take(const HttpResponse& response);
  // Any thread: the round stops before its next request (and a page being taken in, before
  // its next envelope); Finish() then returns kCancelled. What was received before stays
  // applied (each envelope is its own transaction).
  void Cancel();
  // The outcome, once Next() has returned nullopt: the report, or why the round failed
  // (kNetwork with the relay's or the transport's words, kRevoked, kCancelled, …).
  Result<SyncReport> Finish();

 private:
  struct State;
  std::unique_ptr<State> s_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace dosti::sync
