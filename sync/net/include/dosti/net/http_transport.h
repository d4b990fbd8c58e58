// The native HTTP(S) transport of a sync round (dosti/sync/round.h) over cpp-httplib with
// OpenSSL: it sends the requests a SyncRound yields and hands back the answers. It knows no
// protocol: paths, bodies, retries and sign-in are the round's. The only sync code that opens
// sockets natively (the browser's transport is fetch()).
// Threading: one transport per thread; distinct transports may run concurrently.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "dosti/result.h"
#include "dosti/sync/round.h"

namespace dosti::net {

struct TransportOptions {
  int connect_timeout_ms = 5000;
  int read_timeout_ms = 60000;  // a 32 MiB page on a slow link takes a while
  int write_timeout_ms = 60000;
  // HTTPS: a PEM file of trusted certificates (e.g. the relay's self-signed one); empty: the
  // system's store. verify_tls=false only for tests.
  std::string ca_cert_file;
  bool verify_tls = true;
  // http:// to another machine (not 127.0.0.0/8, ::1, localhost) is refused (kNotPermitted,
  // key net.plain_http) unless this is set: anyone on the way could read the sign-in tokens
  // and change what passes.
  bool allow_plain_http = false;
  // Waiting before a retry; injected by tests. Default: sleeping.
  std::function<void(int ms)> sleep;
};

class HttpTransport {
 public:
  // `url`: "http://host:port" or "https://host:port" (a trailing "/" is dropped; a path, query
  // or user part is refused with kInvalid, saying what a relay address looks like).
  static Result<std::unique_ptr<HttpTransport>> Open(const std::string& url,
                                                     TransportOptions options = {});
  ~HttpTransport();

  const std::string& url() const { return url_; }
  // One request; never fails: a request that got no answer has status 0 and `failure` saying
  // what happened and what to do ("connection refused: is dosti-relay running there?").
  sync::HttpResponse Send(const sync::HttpRequest& request);
  // Drives `round` to its end (waiting its delays) and returns its outcome.
  Result<sync::SyncReport> Run(sync::SyncRound& round);

 private:
  struct Impl;
  HttpTransport() = default;
  std::string url_;
  std::unique_ptr<Impl> impl_;
};

// True when `url` names this machine (127.0.0.0/8, ::1, localhost): plain HTTP is fine there.
bool IsLoopbackUrl(const std::string& url);

}  // namespace dosti::net
