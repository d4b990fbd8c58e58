#include "sync/relay_test_client.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>
#include <utility>

#include "dosti/sync/crypto.h"
#include "dosti/sync/envelope.h"
#include "dosti/sync/protocol.h"
#include "dosti/sync/wire.h"

namespace dosti::net {
namespace {

using Json = nlohmann::json;
namespace sync = dosti::sync;

Error NetError(std::string message) {
  Error e;
  e.code = ErrorCode::kNetwork;
  e.message = std::move(message);
  return e;
}

// What went wrong with a request that got no HTTP answer, and what to do about it.
std::string Describe(httplib::Error e, const std::string& url, int connect_timeout_ms) {
  switch (e) {
    case httplib::Error::Connection:
      return "cannot reach the relay at " + url +
             ": connection refused or host unreachable; is dosti-relay running there?";
    case httplib::Error::ConnectionTimeout:
      return "cannot reach the relay at " + url + ": no connection within " +
             std::to_string(connect_timeout_ms / 1000.0).substr(0, 4) +
             " s; check the address and the network";
    case httplib::Error::Read:
    case httplib::Error::Write:
      return "the connection to the relay at " + url +
             " broke off mid-request; check the network and run the sync again (it resumes "
             "where it stopped)";
    case httplib::Error::SSLConnection:
      return "TLS handshake with the relay at " + url +
             " failed; is it really serving HTTPS on that port?";
    case httplib::Error::SSLLoadingCerts:
      return "cannot load the trusted certificates for " + url + "; check the CA file";
    case httplib::Error::SSLServerVerification:
      return "the relay at " + url +
             " presented a certificate this machine does not trust; pass the relay's "
             "certificate as the CA file";
    case httplib::Error::BindIPAddress:
      return "cannot use the local network interface to reach " + url;
    case httplib::Error::Canceled:
      return "the request to the relay at " + url + " was cancelled";
    default:
      return "the request to the relay at " + url + " failed (" + httplib::to_string(e) + ")";
  }
}

std::string Frames(const std::vector<Bytes>& items, std::size_t from, std::size_t to) {
  sync::Writer w;
  for (std::size_t i = from; i < to; ++i) w.Sized(items[i]);
  return w.Take();
}

// Views of u32-LE-length frames; nullopt when the body is not exactly that.
std::optional<std::vector<Bytes>> ParseFrames(std::string_view body) {
  std::vector<Bytes> out;
  sync::Reader r(body);
  while (r.remaining() > 0) {
    std::string_view b = r.Sized(sync::kMaxEnvelopeBytes);
    if (!r.ok()) return std::nullopt;
    out.emplace_back(b);
  }
  return out;
}

std::optional<Json> ParseObject(const std::string& body) {
  Json j = Json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

std::size_t Count(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_unsigned() ? it->get<std::size_t>() : 0;
}

std::vector<Rejection> ReadRejections(const Json& j, std::size_t offset) {
  std::vector<Rejection> out;
  auto it = j.find("rejected");
  if (it == j.end() || !it->is_array()) return out;
  for (const Json& r : *it) {
    if (!r.is_object()) continue;
    Rejection x;
    x.index = offset + Count(r, "index");
    auto reason = r.find("reason");
    if (reason != r.end() && reason->is_string()) x.reason = reason->get<std::string>();
    out.push_back(std::move(x));
  }
  return out;
}

std::optional<std::string> HexString(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

struct RelayClient::Impl {
  ClientOptions options;
  std::unique_ptr<httplib::Client> http;
  std::string token;  // hex session token
  Bytes device;  // kept for renewing the session
  RelayClient::Signer sign;

  struct Reply {
    int status = 0;
    std::string body;
    httplib::Headers headers;
    std::string Header(const char* key) const {
      auto it = headers.find(key);
      return it == headers.end() ? std::string() : it->second;
    }
  };

  // One request with retries on connection errors, 5xx and 429. Returns the reply for 2xx and
  // 4xx (the caller words those), an error when every attempt failed.
  Result<Reply> Send(const std::string& url, bool post, const std::string& path,
                     const std::string& body, const char* content_type, bool auth) {
    std::string last;
    int wait = options.backoff_ms;
    for (int attempt = 1; attempt <= std::max(1, options.attempts); ++attempt) {
      httplib::Headers headers;
      if (auth && !token.empty()) headers.emplace("Authorization", "Bearer " + token);
      httplib::Result r = post ? http->Post(path, headers, body, content_type)
                               : http->Get(path, headers);
      int retry_after_ms = -1;
      if (!r) {
        last = Describe(r.error(), url, options.connect_timeout_ms);
      } else if (r->status >= 500 || r->status == 429) {
        std::string msg;
        if (auto j = ParseObject(r->body); j && j->contains("error") && (*j)["error"].is_string())
          msg = (*j)["error"].get<std::string>();
        last = "the relay at " + url + " answered HTTP " + std::to_string(r->status) +
               (msg.empty() ? std::string() : ": " + msg) +
               (r->status == 429 ? "" : "; try again later or ask its operator to check its log");
        if (r->status == 429 && r->has_header("Retry-After")) {
          std::string ra = r->get_header_value("Retry-After");
          if (!ra.empty() && ra.size() < 4 && ra.find_first_not_of("0123456789") == std::string::npos)
            retry_after_ms = std::stoi(ra) * 1000;
        }
      } else {
        return Reply{r->status, std::move(r->body), std::move(r->headers)};
      }
      if (attempt < options.attempts) {
        int ms = retry_after_ms >= 0 ? std::max(retry_after_ms, wait) : wait;
        options.sleep(std::min(ms, std::max(options.max_backoff_ms, retry_after_ms)));
        wait = std::min(wait * 2, options.max_backoff_ms);
      }
    }
    if (options.attempts > 1) last += " (after " + std::to_string(options.attempts) + " attempts)";
    return NetError(last);
  }
};

RelayClient::~RelayClient() = default;

Result<std::unique_ptr<RelayClient>> RelayClient::Open(const std::string& url,
                                                       const Bytes& workspace,
                                                       ClientOptions options) {
  DOSTI_TRY(sync::InitCrypto());
  static const std::regex kUrl(R"(^(https?)://([^/?#\s]+)/?$)");
  std::smatch m;
  if (!std::regex_match(url, m, kUrl))
    return NetError("\"" + url +
                    "\" is not a relay address: use http://HOST:PORT or https://HOST:PORT");
  if (!workspace.empty() && workspace.size() != sync::kIdBytes)
    return NetError("a workspace id is 16 bytes");
  if (!options.sleep)
    options.sleep = [](int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); };
  if (!options.clock) {
    options.clock = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
  std::unique_ptr<RelayClient> c(new RelayClient());
  c->url_ = url.back() == '/' ? url.substr(0, url.size() - 1) : url;
  c->workspace_ = workspace;
  c->impl_ = std::make_unique<Impl>();
  c->impl_->options = std::move(options);
  const ClientOptions& o = c->impl_->options;
  c->impl_->http = std::make_unique<httplib::Client>(c->url_);
  httplib::Client& h = *c->impl_->http;
  if (!h.is_valid()) return NetError("cannot set up a client for " + c->url_);
  h.set_connection_timeout(o.connect_timeout_ms / 1000, (o.connect_timeout_ms % 1000) * 1000);
  h.set_read_timeout(o.read_timeout_ms / 1000, (o.read_timeout_ms % 1000) * 1000);
  h.set_write_timeout(o.write_timeout_ms / 1000, (o.write_timeout_ms % 1000) * 1000);
  h.set_keep_alive(true);
  h.set_tcp_nodelay(true);  // a request's head and body go out apart: no Nagle wait between
  if (m[1] == "https") {
    h.enable_server_certificate_verification(o.verify_tls);
    if (!o.ca_cert_file.empty()) h.set_ca_cert_path(o.ca_cert_file);
  }
  return c;
}

const std::string& RelayClient::session_token() const { return impl_->token; }

namespace {

// "the relay at URL refused to WHAT (HTTP n): its message"
Error Refused(const std::string& url, const std::string& what, int status,
              const std::string& body) {
  std::string msg;
  if (auto j = ParseObject(body); j && j->contains("error") && (*j)["error"].is_string())
    msg = (*j)["error"].get<std::string>();
  std::string hint;
  if (status == 404 && msg.empty()) hint = "; is this a dosti-relay (API v1)?";
  return NetError("the relay at " + url + " refused to " + what + " (HTTP " +
                  std::to_string(status) + ")" + (msg.empty() ? "" : ": " + msg) + hint);
}

}  // namespace

Result<RegisterResult> RelayClient::Register(std::string_view genesis,
                                             const std::string& registration_token) {
  // The registration header travels through the default headers of this one request.
  if (!registration_token.empty())
    impl_->http->set_default_headers({{"X-Dosti-Registration", registration_token}});
  auto reply = impl_->Send(url_, true, "/v1/workspaces", std::string(genesis),
                           "application/octet-stream", false);
  if (!registration_token.empty()) impl_->http->set_default_headers({});
  if (!reply) return reply.error();
  if (reply->status != 200 && reply->status != 201)
    return Refused(url_, "register the workspace", reply->status, reply->body);
  auto j = ParseObject(reply->body);
  auto ws = j ? HexString(*j, "workspace") : std::nullopt;
  auto bytes = ws ? sync::FromHex(*ws) : std::nullopt;
  if (!bytes || bytes->size() != sync::kIdBytes)
    return NetError("the relay at " + url_ + " sent a malformed answer to a registration");
  workspace_ = *bytes;
  return RegisterResult{*bytes, reply->status == 201};
}

Result<ControlResult> RelayClient::PostControl(const std::vector<Bytes>& messages) {
  if (workspace_.empty()) return NetError("no workspace: open the client with its id");
  ControlResult out;
  for (std::size_t from = 0; from < messages.size();) {
    std::size_t to = from, size = 0;
    while (to < messages.size() &&
           (to == from || size + 4 + messages[to].size() <= impl_->options.max_request_bytes))
      size += 4 + messages[to++].size();
    auto reply = impl_->Send(url_, true, "/v1/" + sync::ToHex(workspace_) + "/control",
                             Frames(messages, from, to), "application/octet-stream", false);
    if (!reply) return reply.error();
    if (reply->status != 200)
      return Refused(url_, "take the control messages", reply->status, reply->body);
    auto j = ParseObject(reply->body);
    if (!j) return NetError("the relay at " + url_ + " sent a malformed answer to /control");
    out.added += Count(*j, "added");
    out.known += Count(*j, "known");
    out.waiting += Count(*j, "waiting");
    for (auto& r : ReadRejections(*j, from)) out.rejected.push_back(std::move(r));
    from = to;
  }
  return out;
}

Result<ControlPage> RelayClient::GetControl(uint64_t after) {
  if (workspace_.empty()) return NetError("no workspace: open the client with its id");
  // Members (and pending devices) only: signed in, the session goes along.
  auto reply = impl_->Send(url_, false,
                           "/v1/" + sync::ToHex(workspace_) + "/control?after=" +
                               std::to_string(after),
                           {}, nullptr, true);
  if (!reply) return reply.error();
  if (reply->status != 200)
    return Refused(url_, "list the control messages", reply->status, reply->body);
  auto frames = ParseFrames(reply->body);
  std::string next = reply->Header("X-Dosti-Next");
  if (!frames || next.empty() || next.size() > 19 ||
      next.find_first_not_of("0123456789") != std::string::npos)
    return NetError("the relay at " + url_ + " sent a malformed list of control messages");
  ControlPage page;
  page.messages = std::move(*frames);
  page.next = std::stoull(next);
  page.more = reply->Header("X-Dosti-More") == "1";
  return page;
}

Result<void> RelayClient::SignIn(const Bytes& device, Signer sign) {
  if (workspace_.empty()) return NetError("no workspace: open the client with its id");
  if (device.size() != sync::kIdBytes || !sign)
    return NetError("sign-in needs the 16-byte device id and its signer");
  const std::string base = "/v1/" + sync::ToHex(workspace_);
  Error last = NetError("sign-in failed");
  // Twice at most: a session request retried after a broken link finds its nonce used.
  for (int round = 0; round < 2; ++round) {
    auto c = impl_->Send(url_, true, base + "/challenge",
                         Json{{"device", sync::ToHex(device)}}.dump(), "application/json", false);
    if (!c) return c.error();
    if (c->status != 200) return Refused(url_, "issue a sign-in challenge", c->status, c->body);
    auto cj = ParseObject(c->body);
    auto relay = cj ? HexString(*cj, "relay") : std::nullopt;
    auto nonce = cj ? HexString(*cj, "nonce") : std::nullopt;
    auto relay_b = relay ? sync::FromHex(*relay) : std::nullopt;
    auto nonce_b = nonce ? sync::FromHex(*nonce) : std::nullopt;
    if (!relay_b || relay_b->size() != 16 || !nonce_b || nonce_b->size() != 32)
      return NetError("the relay at " + url_ + " sent a malformed sign-in challenge");
    int64_t now = impl_->options.clock();
    Bytes sig = sign(*relay_b, *nonce_b, now);
    Json body{{"device", sync::ToHex(device)},
              {"nonce", *nonce},
              {"time_ms", now},
              {"signature", sync::ToHex(sig)}};
    auto s = impl_->Send(url_, true, base + "/session", body.dump(), "application/json", false);
    if (!s) return s.error();
    if (s->status == 401 && round == 0) {
      last = Refused(url_, "sign this device in", s->status, s->body);
      continue;
    }
    if (s->status != 200) return Refused(url_, "sign this device in", s->status, s->body);
    auto sj = ParseObject(s->body);
    auto token = sj ? HexString(*sj, "token") : std::nullopt;
    if (!token) return NetError("the relay at " + url_ + " sent a malformed session");
    impl_->token = *token;
    impl_->device = device;
    impl_->sign = sign;
    return {};
  }
  return last;
}

Result<void> RelayClient::SignIn(const Bytes& device, const Bytes& ed_sk) {
  Bytes ws = workspace_;
  return SignIn(device, Signer([ws, ed_sk](const Bytes& relay_id, const Bytes& nonce, int64_t t) {
    return sync::Sign(ed_sk, sync::RelayAuthMessage(relay_id, ws, nonce, t));
  }));
}

namespace {

// An authenticated request: on 401 with a session, sign in again once and repeat.
template <typename Fn>
auto WithSession(RelayClient* client, const Bytes& device, const RelayClient::Signer& sign,
                 Fn&& fn) -> decltype(fn()) {
  auto reply = fn();
  if (reply && reply->status == 401 && !device.empty()) {
    auto again = client->SignIn(device, sign);
    if (!again) return again.error();
    return fn();
  }
  return reply;
}

}  // namespace

Result<Frontier> RelayClient::GetFrontier() {
  if (impl_->token.empty()) return NetError("sign in to the relay first");
  auto reply = WithSession(this, impl_->device, impl_->sign, [&] {
    return impl_->Send(url_, false, "/v1/" + sync::ToHex(workspace_) + "/frontier", {}, nullptr,
                       true);
  });
  if (!reply) return reply.error();
  if (reply->status != 200) return Refused(url_, "give its frontier", reply->status, reply->body);
  auto j = ParseObject(reply->body);
  if (!j || !j->contains("frontier") || !(*j)["frontier"].is_object())
    return NetError("the relay at " + url_ + " sent a malformed frontier");
  Frontier f;
  for (auto it = (*j)["frontier"].begin(); it != (*j)["frontier"].end(); ++it) {
    auto author = sync::FromHex(it.key());
    if (!author || author->size() != sync::kIdBytes || !it->is_number_unsigned())
      return NetError("the relay at " + url_ + " sent a malformed frontier");
    f[*author] = it->get<uint64_t>();
  }
  return f;
}

Result<PushResult> RelayClient::Push(const std::vector<Bytes>& envelopes) {
  if (impl_->token.empty()) return NetError("sign in to the relay first");
  PushResult out;
  const std::size_t limit = impl_->options.max_request_bytes;
  for (std::size_t from = 0; from < envelopes.size();) {
    // One request: whole envelopes while the frames fit; an oversize one is refused here.
    if (envelopes[from].size() > sync::kMaxEnvelopeBytes) {
      out.rejected.push_back({from, "over the 1 MiB envelope limit; not sent"});
      ++from;
      continue;
    }
    std::size_t to = from, size = 0;
    while (to < envelopes.size() && envelopes[to].size() <= sync::kMaxEnvelopeBytes &&
           (to == from || size + 4 + envelopes[to].size() <= limit))
      size += 4 + envelopes[to++].size();
    std::string body = Frames(envelopes, from, to);
    auto reply = WithSession(this, impl_->device, impl_->sign, [&] {
      return impl_->Send(url_, true, "/v1/" + sync::ToHex(workspace_) + "/push", body,
                         "application/octet-stream", true);
    });
    if (!reply) return reply.error();
    if (reply->status != 200)
      return Refused(url_, "take the pushed envelopes", reply->status, reply->body);
    auto j = ParseObject(reply->body);
    if (!j) return NetError("the relay at " + url_ + " sent a malformed answer to a push");
    out.accepted += Count(*j, "accepted");
    out.known += Count(*j, "known");
    for (auto& r : ReadRejections(*j, from)) out.rejected.push_back(std::move(r));
    progress_.envelopes_up += to - from;
    progress_.bytes_up += body.size();
    if (impl_->options.on_progress) impl_->options.on_progress(progress_);
    from = to;
  }
  return out;
}

Result<PullPage> RelayClient::Pull(const Frontier& frontier, std::size_t max_bytes) {
  if (impl_->token.empty()) return NetError("sign in to the relay first");
  Json f = Json::object();
  for (const auto& [author, seq] : frontier) f[sync::ToHex(author)] = seq;
  std::string body = Json{{"frontier", f}, {"max_bytes", max_bytes}}.dump();
  auto reply = WithSession(this, impl_->device, impl_->sign, [&] {
    return impl_->Send(url_, true, "/v1/" + sync::ToHex(workspace_) + "/pull", body,
                       "application/json", true);
  });
  if (!reply) return reply.error();
  if (reply->status != 200) return Refused(url_, "send envelopes", reply->status, reply->body);
  auto frames = ParseFrames(reply->body);
  if (!frames) return NetError("the relay at " + url_ + " sent a malformed page of envelopes");
  PullPage page;
  page.envelopes = std::move(*frames);
  page.more = reply->Header("X-Dosti-More") == "1";
  progress_.envelopes_down += page.envelopes.size();
  progress_.bytes_down += reply->body.size();
  if (impl_->options.on_progress) impl_->options.on_progress(progress_);
  return page;
}

Result<void> RelayClient::PullAll(Frontier* frontier,
                                  const std::function<Result<void>(std::vector<Bytes>&&)>& sink,
                                  std::size_t page_bytes) {
  for (;;) {
    auto page = Pull(*frontier, page_bytes);
    if (!page) return page.error();
    bool advanced = false;
    for (const Bytes& e : page->envelopes) {
      auto env = sync::ParseEnvelope(e);
      if (!env) return NetError("the relay at " + url_ + " sent a damaged envelope: " +
                                env.error().message);
      uint64_t& have = (*frontier)[env->header.author];
      if (env->header.seq > have) {
        have = env->header.seq;
        advanced = true;
      }
    }
    bool more = page->more;
    if (!page->envelopes.empty()) DOSTI_TRY(sink(std::move(page->envelopes)));
    if (!more) return {};
    if (!advanced)
      return NetError("the relay at " + url_ + " keeps sending envelopes already held; stopped");
  }
}

}  // namespace dosti::net
