// The relay's HTTP API v1 over cpp-httplib (sync/relay/README.md): routes, per-route body
// limits checked before a body is read, rate limits charged to the device of a valid session
// token and to the client address (the trusted proxy's caller) otherwise, one log line per
// request, optional TLS and static files for the booth web app.
// Threading: Bind() and Run() from one thread; Stop() from any thread; connections wait for
// their request heads in the front's poller (front.h), requests are served by its workers and
// go through the (thread-safe) Relay.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "dosti/result.h"

namespace dosti::relay {

class Relay;

// The Content-Security-Policy of every static file (--web): the booth app's own origin only,
// no inline script, no plugins, no framing; WebAssembly may compile.
inline constexpr const char* kWebContentPolicy =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; "
    "connect-src 'self'; img-src 'self' data:; style-src 'self'; font-src 'self'; "
    "manifest-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'";

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;                 // 0: an ephemeral port (Bind() returns it)
  std::string web_dir;          // empty: no static files
  std::string tls_cert;         // both set: HTTPS
  std::string tls_key;
  std::string registration_token;  // empty: registration only when listening on loopback
  double rate_per_s = 100;      // requests per second per device (per address before sign-in)
  double rate_burst = 400;
  // The body limit of control posts and pushes, and httplib's ceiling for every request. The
  // other routes have their own, lower ones (README, "Limits").
  std::size_t max_body_bytes = 32u << 20;
  std::size_t threads = 32;     // requests served at once
  // Plain HTTP (README.md, "Slow clients"): connections open at once from one address; the
  // trusted proxy's address is exempt.
  std::size_t max_connections_per_address = 64;
  // A reverse proxy in front of the relay (an IP address): requests from it are charged to the
  // address its X-Forwarded-For names (the last entry, the one the proxy added), for the rate
  // limits, the body and challenge caps, registration and the log. Empty: every request is
  // the address it comes from.
  std::string trusted_proxy;
  std::ostream* log = nullptr;  // one line per request; nullptr: no log
};

// True for 127.0.0.0/8, ::1 and "localhost".
bool IsLoopback(const std::string& host);
// The key under which a client address is rate-limited and its pending challenges and request
// bodies are counted: an IPv4 address as it is (also when mapped into IPv6), an IPv6 address
// by its /64 (one site or host usually holds a whole /64, so per-address limits would mean
// nothing otherwise): "2001:db8:1:2::/64".
std::string AddressKey(const std::string& remote_addr);
// The caller's address of a request from `remote_addr` with these X-Forwarded-For header
// values (in order): remote_addr itself unless it is `trusted_proxy` (compared as addresses);
// from the proxy, the last address of the last header, or "unknown" when there is none or it
// is not an IP address. Never loopback for a request the proxy forwarded without one.
std::string CallerAddress(const std::string& remote_addr, const std::string& trusted_proxy,
                          const std::vector<std::string>& forwarded_for);

class Server {
 public:
  // The relay must outlive the server. kInvalid for a TLS key or certificate that cannot be
  // loaded, or a --web directory that does not exist.
  static Result<std::unique_ptr<Server>> Create(Relay* relay, ServerOptions options);
  ~Server();

  // Binds the listening socket; returns the port (the ephemeral one when options.port is 0).
  // kNetwork when the address cannot be bound.
  Result<int> Bind();
  // Serves until Stop(); returns false when the server could not run.
  bool Run();
  void Stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dosti::relay
