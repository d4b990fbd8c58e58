#include "dosti/net/http_transport.h"

#include <httplib.h>

#include <chrono>
#include <thread>

namespace dosti::net {
namespace {

// What went wrong with a request that got no HTTP answer, and what to do about it.
std::string Describe(httplib::Error e, const std::string& url) {
  switch (e) {
    case httplib::Error::Connection:
      return "connection refused or host unreachable; is dosti-relay running at " + url + "?";
    case httplib::Error::ConnectionTimeout:
      return "no connection to " + url + " in time; check the address and the network";
    case httplib::Error::Read:
    case httplib::Error::Write:
      return "the connection to " + url + " broke off mid-request; check the network";
    case httplib::Error::SSLConnection:
      return "the TLS handshake with " + url + " failed; is it really serving HTTPS there?";
    case httplib::Error::SSLLoadingCerts:
      return "cannot load the trusted certificates; check the CA file";
    case httplib::Error::SSLServerVerification:
      return url + " presented a certificate this machine does not trust; pass the relay's "
                   "certificate as the CA file";
    case httplib::Error::BindIPAddress:
      return "cannot use the local network interface to reach " + url;
    default:
      return "the request to " + url + " failed (" + httplib::to_string(e) + ")";
  }
}

// "http://host:port" → scheme and authority; nullopt for anything else.
struct ParsedUrl {
  std::string scheme, authority;
};
std::optional<ParsedUrl> ParseUrl(std::string url) {
  if (!url.empty() && url.back() == '/') url.pop_back();
  for (std::string scheme : {"http", "https"}) {
    std::string prefix = scheme + "://";
    if (url.rfind(prefix, 0) != 0) continue;
    std::string authority = url.substr(prefix.size());
    if (authority.empty() || authority.find_first_of("/?#@ \t") != std::string::npos) {
      return std::nullopt;
    }
    return ParsedUrl{scheme, authority};
  }
  return std::nullopt;
}

}  // namespace

bool IsLoopbackUrl(const std::string& url) {
  auto p = ParseUrl(url);
  if (!p) return false;
  std::string host = p->authority;
  if (host.rfind('[', 0) == 0) {
    host = host.substr(1, host.find(']') - 1);
  } else if (auto colon = host.rfind(':'); colon != std::string::npos) {
    host = host.substr(0, colon);
  }
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

struct HttpTransport::Impl {
  TransportOptions options;
  std::unique_ptr<httplib::Client> http;
};

HttpTransport::~HttpTransport() = default;

Result<std::unique_ptr<HttpTransport>> HttpTransport::Open(const std::string& url,
                                                           TransportOptions options) {
  auto parsed = ParseUrl(url);
  if (!parsed) return MakeError(ErrorCode::kInvalid, "net.bad_url", {{"url", url}}, "relay");
  if (parsed->scheme == "http" && !options.allow_plain_http && !IsLoopbackUrl(url))
    return MakeError(ErrorCode::kNotPermitted, "net.plain_http", {{"url", url}}, "relay");
  if (!options.sleep) {
    options.sleep = [](int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); };
  }
  std::unique_ptr<HttpTransport> t(new HttpTransport());
  t->url_ = parsed->scheme + "://" + parsed->authority;
  t->impl_ = std::make_unique<Impl>();
  t->impl_->options = std::move(options);
  const TransportOptions& o = t->impl_->options;
  t->impl_->http = std::make_unique<httplib::Client>(t->url_);
  httplib::Client& h = *t->impl_->http;
  if (!h.is_valid()) return MakeError(ErrorCode::kInvalid, "net.bad_url", {{"url", url}}, "relay");
  h.set_connection_timeout(o.connect_timeout_ms / 1000, (o.connect_timeout_ms % 1000) * 1000);
  h.set_read_timeout(o.read_timeout_ms / 1000, (o.read_timeout_ms % 1000) * 1000);
  h.set_write_timeout(o.write_timeout_ms / 1000, (o.write_timeout_ms % 1000) * 1000);
  h.set_keep_alive(true);
  // httplib writes a request's head and its body apart: with Nagle's algorithm the body waits
  // for the relay's delayed ACK of the head (40 ms on Linux) on every POST.
  h.set_tcp_nodelay(true);
  if (parsed->scheme == "https") {
    h.enable_server_certificate_verification(o.verify_tls);
    if (!o.ca_cert_file.empty()) h.set_ca_cert_path(o.ca_cert_file);
  }
  return t;
}

sync::HttpResponse HttpTransport::Send(const sync::HttpRequest& request) {
  httplib::Headers headers;
  for (const auto& [k, v] : request.headers) headers.emplace(k, v);
  httplib::Client& h = *impl_->http;
  httplib::Result r = request.method == "POST"
                          ? h.Post(request.path, headers, request.body, request.content_type)
                          : h.Get(request.path, headers);
  sync::HttpResponse out;
  if (!r) {
    out.failure = Describe(r.error(), url_);
    return out;
  }
  out.status = r->status;
  out.body = std::move(r->body);
  for (auto& [k, v] : r->headers) out.headers.emplace_back(k, v);
  return out;
}

Result<sync::SyncReport> HttpTransport::Run(sync::SyncRound& round) {
  while (auto request = round.Next()) {
    if (request->delay_ms > 0) impl_->options.sleep(request->delay_ms);
    round.Take(Send(*request));
  }
  return round.Finish();
}

}  // namespace dosti::net
