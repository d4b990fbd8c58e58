#include "server.h"

#include <httplib.h>
#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <utility>
#include <vector>

#include "dosti/sync/crypto.h"
#include "dosti/sync/envelope.h"
#include "dosti/sync/wire.h"
#include "relay.h"

namespace dosti::relay {
namespace {

using Json = nlohmann::json;
namespace sync = dosti::sync;

constexpr const char* kWs = "([0-9a-f]{32})";
constexpr std::size_t kMaxFrames = 100000;        // per request
constexpr std::size_t kMaxResponseBytes = 32u << 20;
constexpr std::size_t kDefaultPullBytes = 8u << 20;

// What the log line needs from the handler; httplib runs a request on one pool thread from
// the pre-routing handler to the logger.
struct RequestContext {
  std::chrono::steady_clock::time_point start{};
  std::string device;  // hex, once authenticated
};
thread_local RequestContext tls_context;

std::string Dump(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

void SendJson(httplib::Response& res, int status, const Json& j) {
  res.status = status;
  res.set_content(Dump(j), "application/json");
}

void SendError(httplib::Response& res, int status, const std::string& message) {
  SendJson(res, status, Json{{"error", message}});
}

int StatusOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kUnauthentic:
    case ErrorCode::kExpired: return 401;
    case ErrorCode::kUnknownDevice:
    case ErrorCode::kRevoked:
    case ErrorCode::kNotPermitted: return 403;
    case ErrorCode::kTooLarge: return 413;
    case ErrorCode::kStorage:
    case ErrorCode::kIo:
    case ErrorCode::kInternal: return 500;
    default: return 400;
  }
}

void SendResultError(httplib::Response& res, const Error& e) {
  SendError(res, StatusOf(e.code), e.message);
}

// The body as u32-LE-length frames: views into the body. kDamaged / kTooLarge.
Result<std::vector<std::string_view>> ParseFrames(std::string_view body) {
  std::vector<std::string_view> out;
  sync::Reader r(body);
  while (r.remaining() > 0) {
    uint32_t n = r.U32();
    if (!r.ok())
      return MakeErrorText(ErrorCode::kDamaged,
                       "the body is not a sequence of frames (u32 little-endian length, bytes)");
    if (n > sync::kMaxEnvelopeBytes)
      return MakeErrorText(ErrorCode::kTooLarge, "frame " + std::to_string(out.size()) + " is " +
                                                 std::to_string(n) +
                                                 " bytes, over the 1 MiB envelope limit");
    std::string_view bytes = r.Raw(n);
    if (!r.ok())
      return MakeErrorText(ErrorCode::kDamaged,
                       "frame " + std::to_string(out.size()) + " is truncated: it announces " +
                           std::to_string(n) + " bytes");
    if (out.size() >= kMaxFrames)
      return MakeErrorText(ErrorCode::kTooLarge,
                       "over " + std::to_string(kMaxFrames) + " frames in one request");
    out.push_back(bytes);
  }
  return out;
}

std::string Frames(const std::vector<std::string>& items) {
  sync::Writer w;
  for (const auto& b : items) w.Sized(b);
  return w.Take();
}

Json Rejections(const std::vector<Rejection>& rejected) {
  Json a = Json::array();
  for (const auto& r : rejected) a.push_back(Json{{"index", r.index}, {"reason", r.reason}});
  return a;
}

// A JSON object body, or nullopt after answering 400.
std::optional<Json> JsonBody(const httplib::Request& req, httplib::Response& res) {
  Json j = Json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    SendError(res, 400, "the body must be a JSON object");
    return std::nullopt;
  }
  return j;
}

// A hex string member of `j` decoding to exactly `size` bytes (any size when 0).
std::optional<Bytes> HexField(const Json& j, const char* key, std::size_t size) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  auto b = sync::FromHex(it->get<std::string>());
  if (!b || (size && b->size() != size)) return std::nullopt;
  return b;
}

std::string UtcNow() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  int ms = static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return buf;
}

// A token bucket per key (device or remote address): `rate` per second, `burst` at most.
class RateLimiter {
 public:
  RateLimiter(double rate, double burst) : rate_(rate), burst_(burst) {}
  // True when the request may proceed; otherwise *retry_s says when to try again.
  bool Allow(const std::string& key, int* retry_s) {
    if (rate_ <= 0) return true;
    auto now = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> lock(mu_);
    if (buckets_.size() > 100000) buckets_.clear();  // bounded memory; a reset is harmless
    auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst_, now});
    Bucket& b = it->second;
    if (!fresh) {
      double dt = std::chrono::duration<double>(now - b.at).count();
      b.tokens = std::min(burst_, b.tokens + dt * rate_);
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return true;
    }
    *retry_s = std::max(1, static_cast<int>(std::ceil((1 - b.tokens) / rate_)));
    return false;
  }

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point at;
  };
  double rate_, burst_;
  std::mutex mu_;
  std::map<std::string, Bucket> buckets_;
};

bool IsDirectory(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

struct Server::Impl {
  Relay* relay = nullptr;
  ServerOptions options;
  std::unique_ptr<httplib::Server> http;
  RateLimiter limiter{100, 400};
  std::mutex log_mu;

  Impl(Relay* r, ServerOptions o)
      : relay(r), options(std::move(o)), limiter(options.rate_per_s, options.rate_burst) {}

  void Routes();
  // The device of the bearer token, or nullopt after answering 401/403/429.
  std::optional<Bytes> Auth(const httplib::Request& req, httplib::Response& res, const Bytes& ws);
  bool Limit(const std::string& key, httplib::Response& res) {
    int retry = 1;
    if (limiter.Allow(key, &retry)) return true;
    res.set_header("Retry-After", std::to_string(retry));
    SendError(res, 429, "too many requests: slow down and retry after " + std::to_string(retry) +
                            " s");
    return false;
  }
  void Log(const httplib::Request& req, const httplib::Response& res);
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() { Stop(); }

Result<std::unique_ptr<Server>> Server::Create(Relay* relay, ServerOptions options) {
  auto impl = std::make_unique<Impl>(relay, std::move(options));
  const ServerOptions& o = impl->options;
  if (!o.tls_cert.empty() || !o.tls_key.empty()) {
    if (o.tls_cert.empty() || o.tls_key.empty())
      return MakeErrorText(ErrorCode::kInvalid, "TLS needs both --tls-cert and --tls-key");
    auto tls = std::make_unique<httplib::SSLServer>(o.tls_cert.c_str(), o.tls_key.c_str());
    if (!tls->is_valid())
      return MakeErrorText(ErrorCode::kInvalid, "cannot load the TLS certificate " + o.tls_cert +
                                                " and key " + o.tls_key +
                                                " (PEM files, the key unencrypted)");
    impl->http = std::move(tls);
  } else {
    impl->http = std::make_unique<httplib::Server>();
  }
  if (!o.web_dir.empty()) {
    if (!IsDirectory(o.web_dir))
      return MakeErrorText(ErrorCode::kInvalid, "--web " + o.web_dir + " is not a directory");
    // httplib refuses paths that climb out of the directory ("..") and lists no directory;
    // "/" and "/dir/" serve index.html.
    impl->http->set_mount_point("/", o.web_dir);
    const std::pair<const char*, const char*> types[] = {
        {"html", "text/html; charset=utf-8"},
        {"js", "text/javascript; charset=utf-8"},
        {"mjs", "text/javascript; charset=utf-8"},
        {"css", "text/css; charset=utf-8"},
        {"json", "application/json"},
        {"webmanifest", "application/manifest+json"},
        {"wasm", "application/wasm"},
        {"svg", "image/svg+xml"},
        {"png", "image/png"},
        {"ico", "image/x-icon"},
        {"txt", "text/plain; charset=utf-8"},
        {"woff2", "font/woff2"},
    };
    for (const auto& [ext, mime] : types) impl->http->set_file_extension_and_mimetype_mapping(ext, mime);
  }
  impl->http->set_payload_max_length(o.max_body_bytes);
  // httplib's default pool has 8 threads: a few slow clients would hold them all. Idle
  // connections are closed after the keep-alive timeout (5 s) and slow reads after 5 s more.
  std::size_t threads = o.threads;
  impl->http->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  impl->Routes();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Result<int> Server::Bind() {
  const ServerOptions& o = impl_->options;
  int port = o.port;
  bool ok;
  if (port == 0) {
    port = impl_->http->bind_to_any_port(o.host);
    ok = port > 0;
  } else {
    ok = impl_->http->bind_to_port(o.host, port);
  }
  if (!ok)
    return MakeErrorText(ErrorCode::kNetwork, "cannot listen on " + o.host + ":" +
                                              std::to_string(o.port) +
                                              ": the address is in use or not this machine's");
  return port;
}

bool Server::Run() { return impl_->http->listen_after_bind(); }

void Server::Stop() {
  if (impl_ && impl_->http) impl_->http->stop();
}

void Server::Impl::Log(const httplib::Request& req, const httplib::Response& res) {
  if (!options.log) {
    tls_context = {};
    return;
  }
  long ms = 0;
  if (tls_context.start.time_since_epoch().count() != 0)
    ms = static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - tls_context.start)
                               .count());
  std::string line = UtcNow() + " " + req.remote_addr + " " + req.method + " " + req.path + " " +
                     std::to_string(res.status) + " in=" + std::to_string(req.body.size()) +
                     " out=" + std::to_string(res.body.size()) + " " + std::to_string(ms) + "ms";
  if (!tls_context.device.empty()) line += " device=" + tls_context.device;
  line += "\n";
  {
    std::lock_guard<std::mutex> lock(log_mu);
    *options.log << line << std::flush;
  }
  tls_context = {};
}

std::optional<Bytes> Server::Impl::Auth(const httplib::Request& req, httplib::Response& res,
                                        const Bytes& ws) {
  std::string h = req.get_header_value("Authorization");
  const std::string prefix = "Bearer ";
  if (h.rfind(prefix, 0) != 0) {
    SendError(res, 401, "sign in first: POST /v1/{workspace}/challenge, then /session, and send "
                        "Authorization: Bearer TOKEN");
    return std::nullopt;
  }
  auto token = sync::FromHex(std::string_view(h).substr(prefix.size()));
  if (!token || token->size() != 32) {
    SendError(res, 401, "a malformed session token: sign in again");
    return std::nullopt;
  }
  auto device = relay->Authenticate(ws, *token);
  if (!device) {
    SendResultError(res, device.error());
    return std::nullopt;
  }
  tls_context.device = sync::ToHex(*device);
  if (!Limit("device:" + *device, res)) return std::nullopt;
  return *device;
}

void Server::Impl::Routes() {
  httplib::Server& s = *http;
  s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    tls_context.start = std::chrono::steady_clock::now();
    tls_context.device.clear();
    // Before sign-in the address is what a rate limit can hold on to.
    if (req.path.rfind("/v1/", 0) == 0 && !req.has_header("Authorization") &&
        !Limit("addr:" + req.remote_addr, res))
      return httplib::Server::HandlerResponse::Handled;
    return httplib::Server::HandlerResponse::Unhandled;
  });
  s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 413)
      SendError(res, 413, "the request body is over the relay's limit (32 MiB): send smaller batches");
    else if (res.status == 404)
      SendError(res, 404, "no such resource: " + req.path);
    else
      SendError(res, res.status, "the request was refused (HTTP " + std::to_string(res.status) + ")");
  });
  s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    SendError(res, 500, "internal error while handling the request");
  });
  s.set_logger([this](const httplib::Request& req, const httplib::Response& res) { Log(req, res); });

  s.Get("/v1/status", [this](const httplib::Request&, httplib::Response& res) {
    SendJson(res, 200, Json{{"relay", sync::ToHex(relay->relay_id())}, {"api", 1}});
  });

  s.Post("/v1/workspaces", [this](const httplib::Request& req, httplib::Response& res) {
    if (!IsLoopback(options.host)) {
      if (options.registration_token.empty()) {
        SendError(res, 403, "registration is closed at this relay (the operator can open it with "
                            "--registration-token)");
        return;
      }
      std::string given = req.get_header_value("X-Dosti-Registration");
      if (!sync::SameBytes(given, options.registration_token)) {
        SendError(res, 403, "registration needs the header X-Dosti-Registration with the "
                            "relay's registration token");
        return;
      }
    }
    auto reg = relay->Register(req.body);
    if (!reg) {
      SendResultError(res, reg.error());
      return;
    }
    SendJson(res, reg->second ? 201 : 200,
             Json{{"workspace", sync::ToHex(reg->first)}, {"created", reg->second}});
  });

  s.Post(std::string("/v1/") + kWs + "/control",
         [this](const httplib::Request& req, httplib::Response& res) {
           Bytes ws = *sync::FromHex(req.matches[1].str());
           auto frames = ParseFrames(req.body);
           if (!frames) return SendResultError(res, frames.error());
           auto out = relay->PostControl(ws, *frames);
           if (!out) return SendResultError(res, out.error());
           SendJson(res, 200,
                    Json{{"added", out->added},
                         {"known", out->known},
                         {"waiting", out->waiting},
                         {"rejected", Rejections(out->rejected)}});
         });

  s.Get(std::string("/v1/") + kWs + "/control",
        [this](const httplib::Request& req, httplib::Response& res) {
          Bytes ws = *sync::FromHex(req.matches[1].str());
          uint64_t after = 0;
          if (req.has_param("after")) {
            std::string a = req.get_param_value("after");
            if (a.empty() || a.size() > 19 || a.find_first_not_of("0123456789") != std::string::npos)
              return SendError(res, 400, "after must be a non-negative integer");
            after = std::stoull(a);
          }
          uint64_t next = 0;
          bool more = false;
          auto msgs = relay->ControlAfter(ws, after, kMaxResponseBytes, &next, &more);
          if (!msgs) return SendResultError(res, msgs.error());
          res.set_header("X-Dosti-Next", std::to_string(next));
          res.set_header("X-Dosti-More", more ? "1" : "0");
          res.set_content(Frames(*msgs), "application/octet-stream");
        });

  s.Post(std::string("/v1/") + kWs + "/challenge",
         [this](const httplib::Request& req, httplib::Response& res) {
           Bytes ws = *sync::FromHex(req.matches[1].str());
           auto j = JsonBody(req, res);
           if (!j) return;
           auto device = HexField(*j, "device", sync::kIdBytes);
           if (!device) return SendError(res, 400, "\"device\": the device id, 32 hex digits");
           auto c = relay->MakeChallenge(ws, *device);
           if (!c) return SendResultError(res, c.error());
           SendJson(res, 200,
                    Json{{"relay", sync::ToHex(c->relay_id)},
                         {"nonce", sync::ToHex(c->nonce)},
                         {"expires_ms", c->expires_ms}});
         });

  s.Post(std::string("/v1/") + kWs + "/session",
         [this](const httplib::Request& req, httplib::Response& res) {
           Bytes ws = *sync::FromHex(req.matches[1].str());
           auto j = JsonBody(req, res);
           if (!j) return;
           auto device = HexField(*j, "device", sync::kIdBytes);
           auto nonce = HexField(*j, "nonce", 32);
           auto signature = HexField(*j, "signature", 64);
           auto time = j->find("time_ms");
           if (!device || !nonce || !signature || time == j->end() || !time->is_number_integer())
             return SendError(res, 400,
                              "expected {\"device\": hex 16 bytes, \"nonce\": hex 32 bytes, "
                              "\"time_ms\": integer, \"signature\": hex 64 bytes}");
           auto session = relay->SignIn(ws, *device, *nonce, time->get<int64_t>(), *signature);
           if (!session) return SendResultError(res, session.error());
           tls_context.device = sync::ToHex(*device);
           SendJson(res, 200,
                    Json{{"token", sync::ToHex(session->token)},
                         {"expires_ms", session->expires_ms}});
         });

  s.Get(std::string("/v1/") + kWs + "/frontier",
        [this](const httplib::Request& req, httplib::Response& res) {
          Bytes ws = *sync::FromHex(req.matches[1].str());
          if (!Auth(req, res, ws)) return;
          auto f = relay->GetFrontier(ws);
          if (!f) return SendResultError(res, f.error());
          Json o = Json::object();
          for (const auto& [author, seq] : *f) o[sync::ToHex(author)] = seq;
          SendJson(res, 200, Json{{"frontier", o}});
        });

  s.Post(std::string("/v1/") + kWs + "/push",
         [this](const httplib::Request& req, httplib::Response& res) {
           Bytes ws = *sync::FromHex(req.matches[1].str());
           auto device = Auth(req, res, ws);
           if (!device) return;
           auto frames = ParseFrames(req.body);
           if (!frames) return SendResultError(res, frames.error());
           auto out = relay->Push(ws, *device, *frames);
           if (!out) return SendResultError(res, out.error());
           SendJson(res, 200,
                    Json{{"accepted", out->accepted},
                         {"known", out->known},
                         {"rejected", Rejections(out->rejected)}});
         });

  s.Post(std::string("/v1/") + kWs + "/pull",
         [this](const httplib::Request& req, httplib::Response& res) {
           Bytes ws = *sync::FromHex(req.matches[1].str());
           if (!Auth(req, res, ws)) return;
           auto j = JsonBody(req, res);
           if (!j) return;
           Frontier frontier;
           auto f = j->find("frontier");
           if (f != j->end()) {
             if (!f->is_object())
               return SendError(res, 400, "\"frontier\" must be an object {author_hex: seq}");
             for (auto it = f->begin(); it != f->end(); ++it) {
               auto author = sync::FromHex(it.key());
               if (!author || author->size() != sync::kIdBytes || !it->is_number_unsigned())
                 return SendError(res, 400, "\"frontier\": keys are device ids (32 hex digits), "
                                            "values non-negative integers");
               frontier[*author] = it->get<uint64_t>();
             }
           }
           std::size_t max_bytes = kDefaultPullBytes;
           auto m = j->find("max_bytes");
           if (m != j->end()) {
             if (!m->is_number_unsigned())
               return SendError(res, 400, "\"max_bytes\" must be a non-negative integer");
             max_bytes = static_cast<std::size_t>(
                 std::min<uint64_t>(m->get<uint64_t>(), kMaxResponseBytes));
           }
           bool more = false;
           auto envs = relay->Pull(ws, frontier, max_bytes, &more);
           if (!envs) return SendResultError(res, envs.error());
           res.set_header("X-Dosti-More", more ? "1" : "0");
           res.set_content(Frames(*envs), "application/octet-stream");
         });
}

}  // namespace dosti::relay
