#include "server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "dosti/file.h"
#include "dosti/json.h"
#include "dosti/json_parse.h"
#include "dosti/sync/crypto.h"
#include "dosti/sync/envelope.h"
#include "dosti/sync/wire.h"
#include "front.h"
#include "relay.h"

namespace dosti::relay {
namespace {

namespace sync = dosti::sync;

constexpr const char* kWs = "([0-9a-f]{32})";
constexpr std::size_t kMaxFrames = 100000;  // per request
constexpr std::size_t kMaxResponseBytes = 32u << 20;
constexpr std::size_t kDefaultPullBytes = 8u << 20;

// [SECTION] Per-route request limits (README, "Limits"). Each is checked against the announced
// Content-Length before a byte of the body is read, and against the bytes as they arrive (for
// chunked bodies). An over-limit body is read and thrown away (never kept), so the connection
// stays usable and httplib never buffers it.
// {"device"} or {"device","nonce","time_ms","signature"}: under 350 bytes written compactly.
constexpr std::size_t kSignInBodyBytes = 1024;
// A pull frontier of 4,096 authors: {"frontier":{"<32 hex>":<u64>, …},"max_bytes":N} is at most
// 4096 × 56 + 64 bytes ≈ 224 KiB written compactly; twice that leaves room for white space.
constexpr std::size_t kMaxFrontierAuthors = 4096;
constexpr std::size_t kPullBodyBytes = 512u << 10;
// Bodies are drained (read and dropped) up to this much after their limit; a client that
// keeps sending past it has its request read no further.
constexpr std::size_t kMaxDrainBytes = 64u << 20;
// Request bodies held in memory at once, per client (the signed-in device, else the address)
// and in all: a stranger opening many connections cannot make the relay hold more than this.
constexpr std::size_t kBodyBytesPerAddress = 64u << 20;
constexpr std::size_t kBodyBytesInAll = 256u << 20;

json::Limits SignInJson() {
  json::Limits l;
  l.max_bytes = kSignInBodyBytes;
  l.max_depth = 1;  // one flat object
  l.max_string_bytes = 256;
  l.max_elements = 16;
  return l;
}

json::Limits PullJson() {
  json::Limits l;
  l.max_bytes = kPullBodyBytes;
  l.max_depth = 2;  // {"frontier": {...}}
  l.max_string_bytes = 64;
  l.max_elements = kMaxFrontierAuthors + 16;
  return l;
}

// What the log line and the handlers need from the pre-routing handler; httplib runs a request
// on one pool thread from the pre-routing handler to the logger.
struct RequestContext {
  std::chrono::steady_clock::time_point start{};
  std::string device;        // hex, once authenticated
  std::size_t in_bytes = 0;  // request body bytes read
  int limited_retry_s = 0;   // rate-limited (a request with a body: its handler answers 429)
  // The bearer token's verdict, when the request carried one for the workspace in its path
  // (checked once, before the rate limit, so that a junk token cannot dodge it).
  bool token_checked = false;
  std::optional<Bytes> token_device;
  bool token_pending = false;  // the device waits for approval: it may read control messages
  std::optional<Error> token_error;
};
thread_local RequestContext tls_context;

// [SECTION] JSON answers

std::string ErrorBody(std::string_view message, std::string_view key = {}) {
  json::Writer w;
  w.BeginObject().Key("error").String(message);
  if (!key.empty()) w.Key("key").String(key);
  return w.EndObject().Take();
}

void SendJson(httplib::Response& res, int status, std::string body) {
  res.status = status;
  res.set_content(std::move(body), "application/json");
}

void SendError(httplib::Response& res, int status, const std::string& message) {
  SendJson(res, status, ErrorBody(message));
}

int StatusOf(const Error& e) {
  if (e.key.rfind("relay.busy.", 0) == 0) return 429;
  switch (e.code) {
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

std::string ArgOf(const Error& e, std::string_view name) {
  for (const auto& [k, v] : e.args) {
    if (k == name) return v;
  }
  return {};
}

void SendResultError(httplib::Response& res, const Error& e) {
  int status = StatusOf(e);
  if (status == 429) {
    std::string retry = ArgOf(e, "retry_s");
    res.set_header("Retry-After", retry.empty() ? "1" : retry);
  }
  SendJson(res, status, ErrorBody(e.message, e.key));
}

void SendRelayError(httplib::Response& res, ErrorCode code, std::string_view key, Args args) {
  SendResultError(res, MakeError(code, key, std::move(args)));
}

// "rejected": [{"index", "reason"}, ...] as the next member of the object `w` is writing.
void Rejections(json::Writer& w, const std::vector<Rejection>& rejected) {
  w.Key("rejected").BeginArray();
  for (const auto& r : rejected) {
    w.BeginObject().Key("index").Int(static_cast<int64_t>(r.index));
    w.Key("reason").String(r.reason).EndObject();
  }
  w.EndArray();
}

std::string HumanBytes(std::size_t n) {
  if (n >= (std::size_t{1} << 20) && n % (std::size_t{1} << 20) == 0)
    return std::to_string(n >> 20) + " MiB";
  if (n >= 1024 && n % 1024 == 0) return std::to_string(n >> 10) + " KiB";
  return std::to_string(n) + " bytes";
}

// [SECTION] Request bodies

// The body as u32-LE-length frames: views into the body. kDamaged / kTooLarge.
Result<std::vector<std::string_view>> ParseFrames(std::string_view body) {
  std::vector<std::string_view> out;
  sync::Reader r(body);
  while (r.remaining() > 0) {
    uint32_t n = r.U32();
    if (!r.ok())
      return MakeError(ErrorCode::kDamaged, "relay.frames_malformed");
    if (n > sync::kMaxEnvelopeBytes)
      return MakeError(ErrorCode::kTooLarge, "relay.frame_too_large",
                       {{"frame", std::to_string(out.size())}, {"size", std::to_string(n)}});
    std::string_view bytes = r.Raw(n);
    if (!r.ok())
      return MakeError(ErrorCode::kDamaged, "relay.frame_truncated",
                       {{"frame", std::to_string(out.size())}, {"size", std::to_string(n)}});
    if (out.size() >= kMaxFrames)
      return MakeError(ErrorCode::kTooLarge, "relay.too_many_frames",
                       {{"limit", std::to_string(kMaxFrames)}});
    out.push_back(bytes);
  }
  return out;
}

std::string Frames(const std::vector<std::string>& items) {
  sync::Writer w;
  for (const auto& b : items) w.Sized(b);
  return w.Take();
}

// A JSON object body read within `limits`, or nullopt after answering 400.
std::optional<json::Element> JsonBody(std::string_view body, const json::Limits& limits,
                                      httplib::Response& res) {
  auto j = json::Parse(body, limits);
  if (!j) {
    SendRelayError(res, ErrorCode::kDamaged, "relay.body_json", {{"reason", j.error().message}});
    return std::nullopt;
  }
  if (!j->is_object()) {
    SendRelayError(res, ErrorCode::kDamaged, "relay.body_json",
                   {{"reason", "the body is not an object"}});
    return std::nullopt;
  }
  return std::move(*j);
}

// A hex string member of `j` decoding to exactly `size` bytes (any size when 0).
std::optional<Bytes> HexField(const json::Element& j, const char* key, std::size_t size) {
  const json::Element* e = j.Find(key);
  if (!e || !e->is_string()) return std::nullopt;
  auto b = sync::FromHex(e->text());
  if (!b || (size && b->size() != size)) return std::nullopt;
  return b;
}

// The workspace id in a path "/v1/<32 hex>/...", or nullopt.
std::optional<Bytes> WorkspaceInPath(const std::string& path) {
  if (path.size() < 4 + 32 + 1 || path.compare(0, 4, "/v1/") != 0 || path[4 + 32] != '/')
    return std::nullopt;
  std::string hex = path.substr(4, 32);
  if (hex.find_first_not_of("0123456789abcdef") != std::string::npos) return std::nullopt;
  return sync::FromHex(hex);
}

// Bytes of request bodies held at once, per address and in all (kBodyBytesPerAddress, …).
class BodyBudget {
 public:
  bool Reserve(const std::string& client, std::size_t n) {
    std::lock_guard<std::mutex> lock(mu_);
    std::size_t& mine = per_client_[client];
    if (mine + n > kBodyBytesPerAddress || total_ + n > kBodyBytesInAll) {
      if (mine == 0) per_client_.erase(client);
      return false;
    }
    mine += n;
    total_ += n;
    return true;
  }
  void Release(const std::string& client, std::size_t n) {
    if (n == 0) return;
    std::lock_guard<std::mutex> lock(mu_);
    auto it = per_client_.find(client);
    if (it == per_client_.end()) return;
    it->second -= std::min(it->second, n);
    total_ -= std::min(total_, n);
    if (it->second == 0) per_client_.erase(it);
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::size_t> per_client_;
  std::size_t total_ = 0;
};

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

// A token bucket per key (device or client address): `rate` per second, `burst` at most.
class RateLimiter {
 public:
  RateLimiter(double rate, double burst) : rate_(rate), burst_(burst) {}
  // True when the request may proceed; otherwise *retry_s says when to try again.
  bool Allow(const std::string& key, int* retry_s) {
    if (rate_ <= 0) return true;
    auto now = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> lock(mu_);
    if (buckets_.size() > kMaxBuckets) Sweep(now);
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
  static constexpr std::size_t kMaxBuckets = 100000;
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point at;
  };
  // Bounded memory: buckets that have refilled carry no state worth keeping; when too many
  // are still draining (many addresses at once), all go (a reset only gives each a burst).
  void Sweep(std::chrono::steady_clock::time_point now) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      double dt = std::chrono::duration<double>(now - it->second.at).count();
      it = it->second.tokens + dt * rate_ >= burst_ ? buckets_.erase(it) : std::next(it);
    }
    if (buckets_.size() > kMaxBuckets / 2) buckets_.clear();
  }
  double rate_, burst_;
  std::mutex mu_;
  std::map<std::string, Bucket> buckets_;
};

// Control characters (NUL to 0x1f, DEL) and backslashes as \xNN, for the log: a request path
// (httplib decodes %0a into a newline) can then neither forge a log line nor drive a terminal.
std::string LogSafe(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f || c == '\\') {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// May the static file (or directory index) at `path` under `dir` be served? Not when the
// decoded path holds a control character (a NUL would cut the file name short: "/a.html%00.png"
// would serve a.html as an image), nor when any component under `dir` is a symbolic link
// (a link in the web directory must not lend out a file from elsewhere). Missing components
// are left to httplib's 404.
bool StaticPathOk(const std::string& dir, const std::string& path) {
  for (unsigned char c : path) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  std::string at = dir;
  std::size_t from = 0;
  while (from <= path.size()) {
    std::size_t to = path.find('/', from);
    if (to == std::string::npos) to = path.size();
    std::string part = path.substr(from, to - from);
    from = to + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") return false;
    at += "/" + part;
    struct stat st {};
    if (lstat(at.c_str(), &st) != 0) return true;
    if (S_ISLNK(st.st_mode)) return false;
  }
  struct stat st {};
  std::string index = at + "/index.html";  // what httplib serves for a directory
  return !(lstat(index.c_str(), &st) == 0 && S_ISLNK(st.st_mode));
}

bool IsDirectory(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// An IP address in one spelling (IPv4 also when mapped into IPv6), or "" when it is none.
std::string CanonicalAddress(std::string a) {
  if (a.size() > 2 && a.front() == '[' && a.back() == ']') a = a.substr(1, a.size() - 2);
  in_addr a4{};
  char out[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET, a.c_str(), &a4) == 1)
    return inet_ntop(AF_INET, &a4, out, sizeof out) ? out : "";
  in6_addr a6{};
  if (inet_pton(AF_INET6, a.c_str(), &a6) != 1) return "";
  if (IN6_IS_ADDR_V4MAPPED(&a6)) return inet_ntop(AF_INET, &a6.s6_addr[12], out, sizeof out) ? out : "";
  return inet_ntop(AF_INET6, &a6, out, sizeof out) ? out : "";
}

}  // namespace

std::string CallerAddress(const std::string& remote_addr, const std::string& trusted_proxy,
                          const std::vector<std::string>& forwarded_for) {
  if (trusted_proxy.empty() || CanonicalAddress(remote_addr) != CanonicalAddress(trusted_proxy))
    return remote_addr;
  // The proxy appends the address it saw to whatever the client sent (nginx's
  // $proxy_add_x_forwarded_for): only the last entry is the proxy's word.
  if (forwarded_for.empty()) return "unknown";
  const std::string& h = forwarded_for.back();
  std::string last = h.substr(h.rfind(',') == std::string::npos ? 0 : h.rfind(',') + 1);
  auto first = last.find_first_not_of(" \t");
  auto end = last.find_last_not_of(" \t");
  if (first == std::string::npos) return "unknown";
  std::string a = CanonicalAddress(last.substr(first, end - first + 1));
  return a.empty() ? "unknown" : a;
}

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

std::string AddressKey(const std::string& remote_addr) {
  in6_addr a6{};
  if (inet_pton(AF_INET6, remote_addr.c_str(), &a6) != 1) return remote_addr;
  if (IN6_IS_ADDR_V4MAPPED(&a6)) {
    char v4[INET_ADDRSTRLEN];
    if (inet_ntop(AF_INET, &a6.s6_addr[12], v4, sizeof v4)) return v4;
    return remote_addr;
  }
  std::memset(&a6.s6_addr[8], 0, 8);  // one /64: what one site or one host usually gets
  char v6[INET6_ADDRSTRLEN];
  if (!inet_ntop(AF_INET6, &a6, v6, sizeof v6)) return remote_addr;
  return std::string(v6) + "/64";
}

struct Server::Impl {
  Relay* relay = nullptr;
  ServerOptions options;
  std::unique_ptr<httplib::Server> http;
  RateLimiter limiter{100, 400};
  BodyBudget budget;
  std::mutex log_mu;

  Impl(Relay* r, ServerOptions o)
      : relay(r), options(std::move(o)), limiter(options.rate_per_s, options.rate_burst) {}

  void Routes();
  // The caller's address (CallerAddress: through the trusted proxy, the address it names).
  std::string Caller(const httplib::Request& req) const {
    std::vector<std::string> forwarded;
    if (!options.trusted_proxy.empty()) {
      std::size_t n = req.get_header_value_count("X-Forwarded-For");
      for (std::size_t i = 0; i < n; ++i)
        forwarded.push_back(req.get_header_value("X-Forwarded-For", i));
    }
    return CallerAddress(req.remote_addr, options.trusted_proxy, forwarded);
  }
  // The device of the bearer token (checked in the pre-routing handler), or nullopt after
  // answering 401/403.
  // allow_pending: a device waiting for approval may make this request (reading control
  // messages); otherwise it gets 403.
  std::optional<Bytes> Auth(httplib::Response& res, bool allow_pending = false);
  void SendLimited(httplib::Response& res, int retry) {
    res.set_header("Retry-After", std::to_string(retry));
    SendJson(res, 429,
             ErrorBody(MakeError(ErrorCode::kTooLarge, "relay.rate_limited",
                                 {{"retry_s", std::to_string(retry)}})
                           .message,
                       "relay.rate_limited"));
  }
  // Reads the body of a POST within `limit` bytes into *body. False after answering: 413
  // (over the limit; the body is drained, never kept), 429 (too many bodies in memory at once
  // for this client or in all), 400 (a malformed Content-Length, or the body broke off).
  // *reserved: the bytes of BodyBudget it holds for `client`, released by the caller once the
  // body is gone (also after a refusal).
  bool ReadBody(const httplib::Request& req, httplib::Response& res,
                const httplib::ContentReader& reader, std::size_t limit, const std::string& client,
                std::string* body, std::size_t* reserved);
  // Reads and drops a body (after an answer that does not need it).
  void Drain(const httplib::Request& req, const httplib::ContentReader& reader);
  using BodyHandler =
      std::function<void(const httplib::Request&, httplib::Response&, std::string&& body)>;
  // A POST route whose body is read only after `authenticated` (when set) succeeded, within
  // `limit` bytes.
  void Post(const std::string& pattern, std::size_t limit, bool authenticated, BodyHandler h);
  void Log(const httplib::Request& req, const httplib::Response& res);
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() { Stop(); }

Result<std::unique_ptr<Server>> Server::Create(Relay* relay, ServerOptions options) {
  auto impl = std::make_unique<Impl>(relay, std::move(options));
  const ServerOptions& o = impl->options;
  // Plain HTTP and HTTPS alike: the front waits for request heads (and TLS handshakes)
  // without holding a worker (front.h).
  FrontOptions f;
  f.workers = o.threads;
  f.max_connections_per_address = o.max_connections_per_address;
  f.exempt_address = o.trusted_proxy;
  f.address_key = AddressKey;
  auto front = std::make_unique<FrontServer>(std::move(f));
  if (!o.tls_cert.empty() || !o.tls_key.empty()) {
    if (o.tls_cert.empty() || o.tls_key.empty())
      return MakeError(ErrorCode::kInvalid, "relay.tls_needs_both");
    if (!front->LoadTls(o.tls_cert, o.tls_key))
      return MakeError(ErrorCode::kInvalid, "relay.tls_load",
                       {{"cert", o.tls_cert}, {"key", o.tls_key}});
  }
  impl->http = std::move(front);
  if (!o.web_dir.empty()) {
    if (!IsDirectory(o.web_dir))
      return MakeError(ErrorCode::kInvalid, "relay.web_not_dir", {{"dir", o.web_dir}});
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
    // Every file goes out with the booth app's policy (README.md, "Static files"): scripts,
    // workers, fetches and everything else from this origin only, no inline script, wasm
    // allowed to compile ('wasm-unsafe-eval'); cross-origin isolation (COOP + COEP), which
    // gives the engine's worker shared memory to hear a cancel during a long step; and no
    // caching without asking (the service worker keeps the offline copy).
    // httplib gzips text types itself for a browser that accepts gzip, but not wasm: the
    // engine (1.1 MB) goes out as the FILE.gz that web/build.mjs wrote beside it (0.5 MB),
    // when it is there and not older than the file.
    const std::string web_dir = o.web_dir;
    impl->http->set_file_request_handler([web_dir](const httplib::Request& req,
                                                   httplib::Response& res) {
      if (req.path.size() > 5 && req.path.compare(req.path.size() - 5, 5, ".wasm") == 0 &&
          req.get_header_value("Accept-Encoding").find("gzip") != std::string::npos &&
          !req.has_header("Range")) {
        const std::string file = web_dir + req.path;
        struct stat plain {}, packed {};
        // lstat: a link named FILE.gz is not followed (static files refuse links).
        if (::stat(file.c_str(), &plain) == 0 && ::lstat((file + ".gz").c_str(), &packed) == 0 &&
            S_ISREG(packed.st_mode) && packed.st_mtime >= plain.st_mtime) {
          if (auto gz = ReadFile(file + ".gz")) {
            res.body = std::move(*gz);
            res.set_header("Content-Encoding", "gzip");
          }
        }
        res.set_header("Vary", "Accept-Encoding");
      }
      res.set_header("Content-Security-Policy", kWebContentPolicy);
      res.set_header("Cross-Origin-Opener-Policy", "same-origin");
      res.set_header("Cross-Origin-Embedder-Policy", "require-corp");
      res.set_header("X-Content-Type-Options", "nosniff");
      res.set_header("Referrer-Policy", "no-referrer");
      res.set_header("Cache-Control", "no-cache");
    });
  }
  // httplib's own ceiling: an announced body over it is skipped by httplib itself (413). Each
  // route's own, lower limit is checked by ReadBody.
  impl->http->set_payload_max_length(o.max_body_bytes);
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
    return MakeError(ErrorCode::kNetwork, "relay.cannot_listen",
                     {{"host", o.host}, {"port", std::to_string(o.port)}});
  static_cast<FrontServer*>(impl_->http.get())->WidenBacklog(1024);
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
  std::size_t in = std::max(tls_context.in_bytes, req.body.size());
  std::string line = UtcNow() + " " + LogSafe(Caller(req)) + " " + LogSafe(req.method) + " " +
                     LogSafe(req.path) + " " +
                     std::to_string(res.status) + " in=" + std::to_string(in) +
                     " out=" + std::to_string(res.body.size()) + " " + std::to_string(ms) + "ms";
  if (!tls_context.device.empty()) line += " device=" + tls_context.device;
  line += "\n";
  {
    std::lock_guard<std::mutex> lock(log_mu);
    *options.log << line << std::flush;
  }
  tls_context = {};
}

std::optional<Bytes> Server::Impl::Auth(httplib::Response& res, bool allow_pending) {
  if (!tls_context.token_checked) {
    SendError(res, 401, "sign in first: POST /v1/{workspace}/challenge, then /session, and send "
                        "Authorization: Bearer TOKEN");
    return std::nullopt;
  }
  if (tls_context.token_error) {
    SendResultError(res, *tls_context.token_error);
    return std::nullopt;
  }
  if (tls_context.token_pending && !allow_pending) {
    SendResultError(res, MakeError(ErrorCode::kNotPermitted, "sync.device_pending",
                                   {{"device", tls_context.device}}));
    return std::nullopt;
  }
  return tls_context.token_device;
}

void Server::Impl::Drain(const httplib::Request& req, const httplib::ContentReader& reader) {
  if (!req.has_header("Content-Length") && !req.has_header("Transfer-Encoding")) return;
  std::size_t seen = 0;
  (void)reader([&](const char*, std::size_t n) {
    seen += n;
    tls_context.in_bytes = seen;
    return seen <= kMaxDrainBytes;
  });
}

bool Server::Impl::ReadBody(const httplib::Request& req, httplib::Response& res,
                            const httplib::ContentReader& reader, std::size_t limit,
                            const std::string& client, std::string* body, std::size_t* reserved) {
  auto too_large = [&] {
    SendRelayError(res, ErrorCode::kTooLarge, "relay.body_too_large",
                   {{"route", req.path}, {"limit", HumanBytes(limit)}});
    return false;
  };
  auto busy = [&] {
    SendRelayError(res, ErrorCode::kTooLarge, "relay.busy.bodies", {{"retry_s", "1"}});
    return false;
  };
  std::size_t announced = 0;
  bool has_length = req.has_header("Content-Length");
  if (has_length) {
    std::string v = req.get_header_value("Content-Length");
    if (v.empty() || v.size() > 19 || v.find_first_not_of("0123456789") != std::string::npos) {
      SendError(res, 400, "a malformed Content-Length header");
      return false;
    }
    announced = static_cast<std::size_t>(std::stoull(v));
    if (announced > limit) {  // refused before a byte of it is read
      Drain(req, reader);
      return too_large();
    }
    // Its memory, against the per-address and overall budgets, before it is read.
    if (!budget.Reserve(client, announced)) {
      Drain(req, reader);
      return busy();
    }
    *reserved = announced;
    body->reserve(announced);
  }
  bool over = false, no_room = false;
  std::size_t seen = 0;
  bool ok = reader([&](const char* data, std::size_t n) {
    seen += n;
    tls_context.in_bytes = seen;
    if (!over && !no_room && body->size() + n > limit) {
      over = true;  // a chunked body past the limit: drained from here on, and dropped
      body->clear();
      body->shrink_to_fit();
    }
    if (!over && !no_room) {
      if (body->size() + n > *reserved) {  // chunked: reserved as it arrives
        std::size_t more = body->size() + n - *reserved;
        if (!budget.Reserve(client, more)) {
          no_room = true;
          body->clear();
          body->shrink_to_fit();
        } else {
          *reserved += more;
        }
      }
      if (!no_room) body->append(data, n);
    }
    return seen <= kMaxDrainBytes;
  });
  if (over || (!ok && res.status == 413)) return too_large();
  if (no_room) return busy();
  if (!ok || (has_length && body->size() != announced)) {
    SendError(res, 400, "the request body broke off before its end");
    return false;
  }
  return true;
}

void Server::Impl::Post(const std::string& pattern, std::size_t limit, bool authenticated,
                        BodyHandler h) {
  http->Post(pattern,
             [this, limit, authenticated, h](const httplib::Request& req, httplib::Response& res,
                                             const httplib::ContentReader& reader) {
               if (req.is_multipart_form_data()) {  // httplib would parse it: not read at all
                 return SendError(res, 415, "the relay takes no multipart bodies");
               }
               if (tls_context.limited_retry_s) {
                 Drain(req, reader);
                 return SendLimited(res, tls_context.limited_retry_s);
               }
               if (authenticated && !Auth(res)) return Drain(req, reader);
               // Bodies are charged like requests: to the signed-in device, else the address.
               const std::string client = tls_context.token_device
                                              ? "device:" + *tls_context.token_device
                                              : "addr:" + AddressKey(Caller(req));
               std::size_t reserved = 0;
               {
                 std::string body;
                 if (ReadBody(req, res, reader, limit, client, &body, &reserved))
                   h(req, res, std::move(body));
               }
               budget.Release(client, reserved);  // the body is gone
             });
}

void Server::Impl::Routes() {
  httplib::Server& s = *http;
  s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    tls_context = {};
    tls_context.start = std::chrono::steady_clock::now();
    // Methods without a route here; httplib would read a body for some of them ("PRI") whole.
    static const char* const kMethods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE",
                                           "OPTIONS"};
    if (std::none_of(std::begin(kMethods), std::end(kMethods),
                     [&](const char* m) { return req.method == m; })) {
      SendError(res, 405, "the relay does not take " + req.method + " requests");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.path.rfind("/v1/", 0) != 0) {
      if (!options.web_dir.empty() && (req.method == "GET" || req.method == "HEAD") &&
          !StaticPathOk(options.web_dir, req.path)) {
        SendError(res, 404, "no such file");
        return httplib::Server::HandlerResponse::Handled;
      }
      return httplib::Server::HandlerResponse::Unhandled;
    }
    // A request is charged to its device when it carries a valid session token for the
    // workspace in its path, and to its address otherwise, whatever headers it sends.
    std::string h = req.get_header_value("Authorization");
    const std::string prefix = "Bearer ";
    auto ws = WorkspaceInPath(req.path);
    if (ws && h.rfind(prefix, 0) == 0) {
      tls_context.token_checked = true;
      auto token = sync::FromHex(std::string_view(h).substr(prefix.size()));
      if (!token || token->size() != 32) {
        tls_context.token_error =
            MakeError(ErrorCode::kUnauthentic, "relay.token_malformed");
      } else if (auto device = relay->Authenticate(*ws, *token, &tls_context.token_pending)) {
        tls_context.token_device = *device;
        tls_context.device = sync::ToHex(*device);
      } else {
        tls_context.token_error = device.error();
      }
    }
    int retry = 1;
    if (limiter.Allow(tls_context.token_device ? "device:" + *tls_context.token_device
                                               : "addr:" + AddressKey(Caller(req)),
                      &retry))
      return httplib::Server::HandlerResponse::Unhandled;
    // Refused. A request with a body is answered by its route's handler, which reads and drops
    // the body first: left unread on the connection, httplib would take it for the next
    // request line and buffer it.
    bool with_body = req.method == "POST" || req.method == "PUT" || req.method == "PATCH" ||
                     req.method == "DELETE";  // every handler of these reads with a ContentReader
    if (with_body && (req.has_header("Content-Length") || req.has_header("Transfer-Encoding"))) {
      tls_context.limited_retry_s = retry;
      return httplib::Server::HandlerResponse::Unhandled;
    }
    SendLimited(res, retry);
    return httplib::Server::HandlerResponse::Handled;
  });
  s.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 413)
      SendError(res, 413,
                "the request body is over the relay's limit (" +
                    HumanBytes(options.max_body_bytes) + "): send smaller batches");
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
    json::Writer w;
    w.BeginObject().Key("relay").String(sync::ToHex(relay->relay_id())).Key("api").Int(1);
    SendJson(res, 200, w.EndObject().Take());
  });

  Post("/v1/workspaces", sync::kMaxEnvelopeBytes, false,
       [this](const httplib::Request& req, httplib::Response& res, std::string&& body) {
         // Open to loopback callers: behind a named proxy the caller is the address it
         // forwards for (the relay itself then listens on loopback), else the listen address.
         bool open = options.trusted_proxy.empty() ? IsLoopback(options.host)
                                                   : IsLoopback(Caller(req));
         if (!open) {
           if (options.registration_token.empty()) {
             SendError(res, 403,
                       "registration is closed at this relay (the operator can open it "
                       "with --registration-token)");
             return;
           }
           std::string given = req.get_header_value("X-Dosti-Registration");
           if (!sync::SameBytes(given, options.registration_token)) {
             SendError(res, 403,
                       "registration needs the header X-Dosti-Registration with the "
                       "relay's registration token");
             return;
           }
         }
         auto reg = relay->Register(body);
         if (!reg) return SendResultError(res, reg.error());
         json::Writer w;
         w.BeginObject().Key("workspace").String(sync::ToHex(reg->first));
         w.Key("created").Bool(reg->second).EndObject();
         SendJson(res, reg->second ? 201 : 200, w.Take());
       });

  Post(std::string("/v1/") + kWs + "/control", options.max_body_bytes, false,
       [this](const httplib::Request& req, httplib::Response& res, std::string&& body) {
         Bytes ws = *sync::FromHex(req.matches[1].str());
         auto frames = ParseFrames(body);
         if (!frames) return SendResultError(res, frames.error());
         auto out = relay->PostControl(ws, *frames);
         if (!out) return SendResultError(res, out.error());
         json::Writer w;
         w.BeginObject().Key("added").Int(static_cast<int64_t>(out->added));
         w.Key("known").Int(static_cast<int64_t>(out->known));
         w.Key("waiting").Int(static_cast<int64_t>(out->waiting));
         Rejections(w, out->rejected);
         SendJson(res, 200, w.EndObject().Take());
       });

  s.Get(std::string("/v1/") + kWs + "/control",
        [this](const httplib::Request& req, httplib::Response& res) {
          Bytes ws = *sync::FromHex(req.matches[1].str());
          // The roster (devices, their keys, roles and expiry) is for the workspace's devices:
          // members, and a pending device learning of its approval.
          if (!Auth(res, true)) return;
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

  Post(std::string("/v1/") + kWs + "/challenge", kSignInBodyBytes, false,
       [this](const httplib::Request& req, httplib::Response& res, std::string&& body) {
         Bytes ws = *sync::FromHex(req.matches[1].str());
         auto j = JsonBody(body, SignInJson(), res);
         if (!j) return;
         auto device = HexField(*j, "device", sync::kIdBytes);
         if (!device) return SendError(res, 400, "\"device\": the device id, 32 hex digits");
         auto c = relay->MakeChallenge(ws, *device, AddressKey(Caller(req)));
         if (!c) return SendResultError(res, c.error());
         json::Writer w;
         w.BeginObject().Key("relay").String(sync::ToHex(c->relay_id));
         w.Key("nonce").String(sync::ToHex(c->nonce)).Key("expires_ms").Int(c->expires_ms);
         SendJson(res, 200, w.EndObject().Take());
       });

  Post(std::string("/v1/") + kWs + "/session", kSignInBodyBytes, false,
       [this](const httplib::Request& req, httplib::Response& res, std::string&& body) {
         Bytes ws = *sync::FromHex(req.matches[1].str());
         auto j = JsonBody(body, SignInJson(), res);
         if (!j) return;
         auto device = HexField(*j, "device", sync::kIdBytes);
         auto nonce = HexField(*j, "nonce", 32);
         auto signature = HexField(*j, "signature", 64);
         const json::Element* time = j->Find("time_ms");
         std::optional<int64_t> time_ms = time ? time->Int64() : std::nullopt;
         if (!device || !nonce || !signature || !time_ms)
           return SendError(res, 400,
                            "expected {\"device\": hex 16 bytes, \"nonce\": hex 32 bytes, "
                            "\"time_ms\": integer, \"signature\": hex 64 bytes}");
         auto session = relay->SignIn(ws, *device, *nonce, *time_ms, *signature);
         if (!session) return SendResultError(res, session.error());
         tls_context.device = sync::ToHex(*device);
         json::Writer w;
         w.BeginObject().Key("token").String(sync::ToHex(session->token));
         w.Key("expires_ms").Int(session->expires_ms);
         SendJson(res, 200, w.EndObject().Take());
       });

  s.Get(std::string("/v1/") + kWs + "/frontier",
        [this](const httplib::Request& req, httplib::Response& res) {
          Bytes ws = *sync::FromHex(req.matches[1].str());
          if (!Auth(res)) return;
          auto f = relay->GetFrontier(ws);
          if (!f) return SendResultError(res, f.error());
          json::Writer w;
          w.BeginObject().Key("frontier").BeginObject();
          for (const auto& [author, seq] : *f)
            w.Key(sync::ToHex(author)).Int(static_cast<int64_t>(seq));
          SendJson(res, 200, w.EndObject().EndObject().Take());
        });

  Post(std::string("/v1/") + kWs + "/push", options.max_body_bytes, true,
       [this](const httplib::Request& req, httplib::Response& res, std::string&& body) {
         Bytes ws = *sync::FromHex(req.matches[1].str());
         const Bytes& device = *tls_context.token_device;
         auto frames = ParseFrames(body);
         if (!frames) return SendResultError(res, frames.error());
         auto out = relay->Push(ws, device, *frames);
         if (!out) return SendResultError(res, out.error());
         json::Writer w;
         w.BeginObject().Key("accepted").Int(static_cast<int64_t>(out->accepted));
         w.Key("known").Int(static_cast<int64_t>(out->known));
         Rejections(w, out->rejected);
         SendJson(res, 200, w.EndObject().Take());
       });

  Post(std::string("/v1/") + kWs + "/pull", kPullBodyBytes, true,
       [this](const httplib::Request& req, httplib::Response& res, std::string&& body) {
         Bytes ws = *sync::FromHex(req.matches[1].str());
         auto j = JsonBody(body, PullJson(), res);
         if (!j) return;
         sync::EnvelopeFrontier frontier;
         if (const json::Element* f = j->Find("frontier")) {
           if (!f->is_object())
             return SendError(res, 400, "\"frontier\" must be an object {author_hex: seq}");
           for (std::size_t i = 0; i < f->size(); ++i) {
             auto author = sync::FromHex(f->keys()[i]);
             auto seq = f->items()[i].Uint64();
             if (!author || author->size() != sync::kIdBytes || !seq)
               return SendError(res, 400,
                                "\"frontier\": keys are device ids (32 hex digits), "
                                "values non-negative integers");
             frontier[*author] = *seq;
           }
         }
         std::size_t max_bytes = kDefaultPullBytes;
         if (const json::Element* m = j->Find("max_bytes")) {
           auto n = m->Uint64();
           if (!n) return SendError(res, 400, "\"max_bytes\" must be a non-negative integer");
           max_bytes = static_cast<std::size_t>(std::min<uint64_t>(*n, kMaxResponseBytes));
         }
         bool more = false;
         auto envs = relay->Pull(ws, frontier, max_bytes, &more);
         if (!envs) return SendResultError(res, envs.error());
         res.set_header("X-Dosti-More", more ? "1" : "0");
         res.set_content(Frames(*envs), "application/octet-stream");
       });

  // Any other request with a body: drained, never buffered, then 404. (Without these httplib
  // would read a body for an unknown path whole into memory before answering.)
  auto unknown = [this](const httplib::Request& req, httplib::Response& res,
                        const httplib::ContentReader& reader) {
    if (req.is_multipart_form_data()) return SendError(res, 404, "no such resource: " + req.path);
    Drain(req, reader);
    if (tls_context.limited_retry_s) return SendLimited(res, tls_context.limited_retry_s);
    SendError(res, 404, "no such resource: " + req.path);
  };
  s.Post(".*", unknown);
  s.Put(".*", unknown);
  s.Patch(".*", unknown);
  s.Delete(".*", unknown);
}

}  // namespace dosti::relay
