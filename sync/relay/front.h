// The relay's plain-HTTP front: httplib's server with its connection handling replaced, so that
// a connection gets a worker thread only once a whole request head has arrived (README.md,
// "Slow clients"). One thread waits on every open connection with epoll, reading heads within
// a deadline and a size cap; workers run httplib's request handling (routes, handlers,
// responses) on connections whose head is complete, with deadlines on the body and the answer.
// Connections are capped per address and in all; one address holds at most a share of the
// workers at once. HTTPS (LoadTls) goes through the same front, the handshake in the poller.
// Threading: configure (routes, options) before listening, like httplib::Server; listen_after_bind
// from one thread, stop() from any.
#pragma once

#include <httplib.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

struct ssl_ctx_st;

namespace dosti::relay {

struct FrontOptions {
  std::size_t workers = 32;                    // requests handled at once
  std::size_t max_connections = 8192;          // open at once, in all
  std::size_t max_connections_per_address = 64;
  std::size_t max_busy_per_address = 16;       // workers one address holds at once
  int idle_ms = 5000;                          // keep-alive: no byte of a next request
  int head_ms = 10000;                         // a whole request head, from the first wait
  std::size_t max_head_bytes = 64u << 10;      // request line and headers together
  int io_ms = 5000;                            // one read or write without progress
  // Body in and answer out: after a grace period, at least this many bytes per second on
  // average, so a client trickling a body holds a worker for a bounded time.
  int rate_grace_ms = 10000;
  std::size_t min_bytes_per_s = 16u << 10;
  std::size_t max_requests_per_connection = 1000;
  // Connections from this address (a trusted reverse proxy) are exempt from the per-address
  // caps; empty: none.
  std::string exempt_address;
  // The key under which addresses are counted (AddressKey in server.h).
  std::function<std::string(const std::string&)> address_key;
};

class FrontServer : public httplib::Server {
 public:
  explicit FrontServer(FrontOptions options);
  ~FrontServer() override;

  // Connections open now (waiting for a head, queued or being served); for tests.
  std::size_t open_connections() const;
  // After binding: a listen backlog of `n` (httplib's is 5, so a burst of new connections
  // waits for the kernel's SYN retries, a second or more).
  void WidenBacklog(int n);
  // HTTPS with this PEM certificate (chain) and unencrypted key, TLS 1.2 or later; the
  // handshake happens in the poller within the head deadline. False when they cannot be
  // loaded. Before listening.
  bool LoadTls(const std::string& cert, const std::string& key);

  struct Engine;

 private:
  // Called by httplib's accept loop (through an inline task queue) with each new connection:
  // hands it to the engine and returns at once.
  bool process_and_close_socket(socket_t sock) override;
  // A worker: one request on a connection whose head has arrived. False: close it.
  friend struct Engine;
  bool ServeOne(httplib::Stream& strm, bool last, bool* closed);

  FrontOptions options_;
  std::shared_ptr<Engine> engine_;
  ssl_ctx_st* tls_ = nullptr;  // SSL_CTX
};

}  // namespace dosti::relay
