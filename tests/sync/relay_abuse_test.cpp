// dosti-relay against strangers (issue 8, §2 items 3 and 4): the real executable on 127.0.0.1,
// spoken to over raw sockets from several loopback source addresses (127.0.0.0/8 is all
// loopback on Linux), so per-address limits are exercised as a remote client meets them.
// Each case is an attack that worked on the relay before these checks; the file uses nothing
// but HTTP and the sync layer's public headers, so the same tests can be built against an
// older relay to show it (sync/relay/README.md, "Testing").
#if !defined(__EMSCRIPTEN__)

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "dosti/sync/crypto.h"
#include "dosti/sync/envelope.h"
#include "dosti/sync/trust.h"
#include "dosti/sync/wire.h"
#include "relay.h"
#include "server.h"
#include "sync/relay_process.h"
#include "sync/sync_fixture.h"

namespace {

using dosti::sync::Bytes;
namespace sync = dosti::sync;
namespace relay = dosti::relay;
namespace testing = dosti::sync::testing;

constexpr int64_t kT0 = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

bool Contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

// [SECTION] A dosti-relay process

std::string TempDir() {
  char tmpl[] = "/tmp/dosti-relay-abuse-XXXXXX";
  char* d = mkdtemp(tmpl);
  REQUIRE(d != nullptr);
  return d;
}

// The executable, started on an ephemeral port of 127.0.0.1; stopped (SIGTERM) and its data
// directory removed at the end.
struct RelayProcess {
  std::string dir = TempDir();
  pid_t pid = -1;
  int port = 0;

  explicit RelayProcess(std::vector<std::string> extra = {}) {
    // DOSTI_TEST_RELAY_BIN runs these attacks on another build (an older relay, to show that
    // they worked there).
    const char* other = std::getenv("DOSTI_TEST_RELAY_BIN");
    testing::SpawnedRelay spawned =
        testing::SpawnRelay(other && *other ? other : DOSTI_RELAY_BIN, dir, extra);
    INFO(spawned.first_line);
    pid = spawned.pid;
    REQUIRE(spawned.port != 0);
    port = spawned.port;
  }
  ~RelayProcess() {
    testing::StopRelay(pid);
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  long StatusKiB(const std::string& field) const { return testing::ProcStatusKiB(pid, field); }
};

// [SECTION] Raw HTTP/1.1 from a chosen loopback source address

struct Reply {
  int status = 0;
  std::string headers;
  std::string body;
  std::string Header(const std::string& name) const {
    std::istringstream in(headers);
    std::string line;
    while (std::getline(in, line)) {
      if (line.size() > name.size() && strncasecmp(line.c_str(), name.c_str(), name.size()) == 0 &&
          line[name.size()] == ':') {
        std::string v = line.substr(name.size() + 1);
        while (!v.empty() && (v.front() == ' ')) v.erase(0, 1);
        while (!v.empty() && (v.back() == '\r' || v.back() == ' ')) v.pop_back();
        return v;
      }
    }
    return {};
  }
};

// A TCP connection from `source` (127.x.y.z) to 127.0.0.1:port, or -1.
int Connect(const std::string& source, int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  timeval tv{120, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  inet_pton(AF_INET, source.c_str(), &from.sin_addr);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
      connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

void SendAll(int fd, std::string_view data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
}

// Reads the answer until the relay closes the connection (Connection: close), then closes it.
std::optional<Reply> ReadReply(int fd) {
  std::string in;
  char buf[65536];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    in.append(buf, static_cast<std::size_t>(n));
  }
  shutdown(fd, SHUT_RDWR);
  close(fd);
  auto end = in.find("\r\n\r\n");
  if (in.rfind("HTTP/1.1 ", 0) != 0 || end == std::string::npos) return std::nullopt;
  Reply r;
  r.status = std::stoi(in.substr(9, 3));
  r.headers = in.substr(0, end);
  r.body = in.substr(end + 4);
  return r;
}

std::string RequestHead(const std::string& method, const std::string& path,
                        const std::vector<std::string>& headers) {
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& h : headers) req += h + "\r\n";
  return req;
}

// One request on its own connection (Connection: close) from `source` (127.x.y.z), with the
// body's length announced unless `chunked`. nullopt when the connection failed.
std::optional<Reply> Http(const std::string& source, int port, const std::string& method,
                          const std::string& path, const std::string& body = {},
                          std::vector<std::string> headers = {}, bool chunked = false) {
  int fd = Connect(source, port);
  if (fd < 0) return std::nullopt;
  std::string req = RequestHead(method, path, headers);
  if (chunked) {
    req += "Transfer-Encoding: chunked\r\n\r\n";
    for (std::size_t at = 0; at < body.size(); at += 65536) {
      std::string part = body.substr(at, 65536);
      char len[32];
      std::snprintf(len, sizeof len, "%zx\r\n", part.size());
      req += len + part + "\r\n";
    }
    req += "0\r\n\r\n";
  } else if (method != "GET" || !body.empty()) {
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  } else {
    req += "\r\n";
  }
  // Write and read at once: a relay may answer (and stop reading) before the body is sent.
  std::thread writer([fd, &req] { SendAll(fd, req); });
  auto reply = ReadReply(fd);
  writer.join();
  return reply;
}

// A POST whose headers and the first `sent` bytes of its body are sent now, the rest later:
// a client holding the relay's memory for a while.
struct HeldPost {
  int fd = -1;
  std::string body;
  std::size_t sent = 0;
  HeldPost(const std::string& source, int port, const std::string& path, std::string b,
           std::size_t first)
      : fd(Connect(source, port)), body(std::move(b)), sent(first) {
    REQUIRE(fd >= 0);
    SendAll(fd, RequestHead("POST", path, {}) + "Content-Length: " + std::to_string(body.size()) +
                    "\r\n\r\n" + body.substr(0, first));
  }
  std::optional<Reply> Finish() {
    std::thread writer([this] { SendAll(fd, std::string_view(body).substr(sent)); });
    auto reply = ReadReply(fd);
    writer.join();
    return reply;
  }
};

// [SECTION] A workspace and its messages

using Dev = testing::Device;
using testing::Framed;

struct Workspace {
  Dev admin, office;
  std::vector<Dev> more;  // further office devices, when a test needs many members
  Bytes genesis, ws;
  std::string base;  // "/v1/<ws hex>"

  explicit Workspace(std::size_t extra_members = 0) {
    REQUIRE(sync::InitCrypto());
    more.resize(extra_members);
    std::vector<sync::Member> members = {admin.AsMember(sync::Role::kAdmin), office.AsMember(sync::Role::kOffice)};
    for (const Dev& d : more) members.push_back(d.AsMember(sync::Role::kOffice));
    genesis = testing::MakeGenesis(admin, members, kT0);
    ws = testing::WorkspaceOf(genesis);
    base = "/v1/" + sync::ToHex(ws);
  }

  Bytes StrangerRoster(const Dev& author, uint32_t version, uint32_t salt) const {
    return testing::StrangerRoster(ws, author, version, salt, kT0 + salt);
  }

  // An invite signed by the admin; its key (the secret an invite file carries) in *key.
  Bytes Invite(sync::SigningKeys* key, uint8_t n) const {
    *key = sync::SigningKeys::Generate();
    sync::InviteBody v;
    v.id = Bytes(sync::kIdBytes, static_cast<char>(n));
    v.key_pk = key->pk;
    v.role = sync::Role::kBooth;
    v.office = sync::Office::kBeijing;
    // The relay judges a join's invite by its own clock, the real one.
    v.expires_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count() + 86'400'000;
    return sync::SignControl(sync::Kind::kInvite, ws, admin.id, admin.ed.sk, sync::EncodeInvite(v));
  }

  Bytes Join(const Dev& d, const Bytes& invite_id, const sync::SigningKeys& invite_key) const {
    sync::JoinBody j;
    j.invite = invite_id;
    j.ed_pk = d.ed.pk;
    j.x_pk = d.x.pk;
    j.joined_ms = kT0;
    j.invite_sig = sync::Sign(invite_key.sk, sync::JoinProof(j.invite, j.ed_pk, j.x_pk));
    return sync::SignControl(sync::Kind::kJoin, ws, d.id, d.ed.sk, sync::EncodeJoin(j));
  }
};

const std::string kLocal = "127.0.0.1";

void Register(const RelayProcess& r, const Workspace& w) {
  auto reg = Http(kLocal, r.port, "POST", "/v1/workspaces", w.genesis);
  REQUIRE(reg);
  REQUIRE(reg->status == 201);
}

std::string ChallengeBody(const Bytes& device) {
  return "{\"device\":\"" + sync::ToHex(device) + "\"}";
}

// The nonce (hex) of a /challenge answer, or "" when there was none.
std::string NonceOf(const Reply& r) {
  auto at = r.body.find("\"nonce\":\"");
  return at == std::string::npos ? std::string() : r.body.substr(at + 9, 64);
}
std::string RelayIdOf(const Reply& r) {
  auto at = r.body.find("\"relay\":\"");
  return at == std::string::npos ? std::string() : r.body.substr(at + 9, 32);
}

// POST /session for `d` with a challenge answer; returns the reply.
std::optional<Reply> Session(const RelayProcess& r, const Workspace& w, const Dev& d,
                             const Reply& challenge, const std::string& source = kLocal) {
  Bytes nonce = *sync::FromHex(NonceOf(challenge));
  Bytes relay_id = *sync::FromHex(RelayIdOf(challenge));
  Bytes sig = sync::Sign(d.ed.sk, relay::AuthMessage(relay_id, w.ws, nonce, kT0));
  std::string body = "{\"device\":\"" + sync::ToHex(d.id) + "\",\"nonce\":\"" + NonceOf(challenge) +
                     "\",\"time_ms\":" + std::to_string(kT0) + ",\"signature\":\"" +
                     sync::ToHex(sig) + "\"}";
  return Http(source, r.port, "POST", w.base + "/session", body);
}

// A bearer token for `d`, through /challenge and /session.
std::string SignIn(const RelayProcess& r, const Workspace& w, const Dev& d) {
  auto c = Http(kLocal, r.port, "POST", w.base + "/challenge", ChallengeBody(d.id));
  REQUIRE(c);
  REQUIRE(c->status == 200);
  auto s = Session(r, w, d, *c);
  REQUIRE(s);
  REQUIRE(s->status == 200);
  auto at = s->body.find("\"token\":\"");
  REQUIRE(at != std::string::npos);
  return s->body.substr(at + 9, 64);
}

// How many times `needle` occurs in `hay` (e.g. the rejections of an answer: "\"index\":").
int Occurrences(const std::string& hay, const std::string& needle) {
  int n = 0;
  for (auto at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

long Count(const std::string& json, const std::string& key) {
  auto at = json.find("\"" + key + "\":");
  if (at == std::string::npos) return -1;
  return std::stol(json.substr(at + key.size() + 3));
}

}  // namespace

TEST_CASE(
    "Abuse: unsigned and non-admin rosters are refused unread, never stored or parked, "
    "and hold nobody up",
    "[sync][relay][native][abuse]") {
  Workspace w;
  RelayProcess r({"--rate", "0"});
  Register(r, w);
  Dev stranger;

  // One stranger's roster: refused with what to do, not kept waiting.
  auto one =
      Http(kLocal, r.port, "POST", w.base + "/control", Framed({w.StrangerRoster(stranger, 2, 0)}));
  REQUIRE(one);
  INFO(one->body);
  CHECK(one->status == 200);
  CHECK(Count(one->body, "waiting") == 0);
  CHECK(Count(one->body, "added") == 0);
  CHECK(Contains(one->body, "send the roster history first"));
  // A member that is not an admin: refused too.
  auto by_office =
      Http(kLocal, r.port, "POST", w.base + "/control", Framed({w.StrangerRoster(w.office, 2, 1)}));
  REQUIRE(by_office);
  CHECK(Count(by_office->body, "added") == 0);
  CHECK(Count(by_office->body, "waiting") == 0);
  CHECK(Contains(by_office->body, "not an active admin"));

  // A flood: 256 distinct rosters of 471 KB (120 MB), 16 per request, from two connections at
  // once, while a member keeps reading the control list (which takes the relay's lock).
  const std::vector<std::string> session = {"Authorization: Bearer " + SignIn(r, w, w.office)};
  long rss_before = r.StatusKiB("VmRSS");
  std::vector<std::string> batches;
  for (uint32_t b = 0; b < 16; ++b) {
    std::vector<Bytes> rosters;
    for (uint32_t i = 0; i < 16; ++i)
      rosters.push_back(w.StrangerRoster(stranger, 2 + i % 3, 100 + b * 16 + i));
    batches.push_back(Framed(rosters));
  }
  std::atomic<int> next{0}, refused{0}, waiting{0};
  std::atomic<bool> done{false};
  auto attacker = [&] {
    for (int b; (b = next++) < static_cast<int>(batches.size());) {
      auto res =
          Http(kLocal, r.port, "POST", w.base + "/control", batches[static_cast<std::size_t>(b)]);
      if (!res) continue;
      refused += Occurrences(res->body, "\"index\":");
      waiting += static_cast<int>(std::max(0L, Count(res->body, "waiting")));
    }
  };
  double worst_ms = 0;
  int reads = 0;
  std::thread member([&] {
    while (!done) {
      auto start = std::chrono::steady_clock::now();
      auto res = Http(kLocal, r.port, "GET", w.base + "/control?after=0", {}, session);
      double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      if (res && res->status == 200) {
        worst_ms = std::max(worst_ms, ms);
        ++reads;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  std::thread a1(attacker), a2(attacker);
  a1.join();
  a2.join();
  done = true;
  member.join();
  long rss_after = r.StatusKiB("VmRSS");
  INFO("worst control read " << worst_ms << " ms over " << reads << " reads; RSS " << rss_before
                             << " -> " << rss_after << " KiB");
  CHECK(waiting == 0);
  CHECK(refused == 256);
  CHECK(reads > 0);
  CHECK(worst_ms < 2000);  // the old relay decoded each under its lock: seconds per request
  if (kRssBoundsApply) CHECK(rss_after - rss_before < 64 * 1024);  // nothing of the 120 MB is kept

  // Nothing was stored: the log still holds the genesis alone.
  auto list = Http(kLocal, r.port, "GET", w.base + "/control?after=0", {}, session);
  REQUIRE(list);
  CHECK(list->Header("X-Dosti-Next") == "1");
}

TEST_CASE("Abuse: a join for an unknown invite is refused, not parked, in order it folds",
          "[sync][relay][native][abuse]") {
  Workspace w;
  RelayProcess r;
  Register(r, w);
  const std::vector<std::string> member = {"Authorization: Bearer " + SignIn(r, w, w.office)};
  Dev joiner;
  sync::SigningKeys key;
  Bytes invite = w.Invite(&key, 0x61);
  Bytes join = w.Join(joiner, Bytes(sync::kIdBytes, '\x61'), key);

  auto early = Http(kLocal, r.port, "POST", w.base + "/control", Framed({join}));
  REQUIRE(early);
  INFO(early->body);
  CHECK(Count(early->body, "waiting") == 0);
  CHECK(Count(early->body, "added") == 0);
  CHECK(Contains(early->body, "send the roster history first"));
  // A join for an invite nobody made, from a stranger with a key of its own.
  sync::SigningKeys own = sync::SigningKeys::Generate();
  auto forged = Http(kLocal, r.port, "POST", w.base + "/control",
                     Framed({w.Join(Dev(), Bytes(sync::kIdBytes, '\x62'), own)}));
  REQUIRE(forged);
  CHECK(Count(forged->body, "waiting") == 0);
  CHECK(Contains(forged->body, "\"index\":0"));
  // Nothing stored so far; then the honest order (genesis, invite, join) in one post.
  auto none = Http(kLocal, r.port, "GET", w.base + "/control?after=0", {}, member);
  REQUIRE(none);
  CHECK(none->Header("X-Dosti-Next") == "1");
  auto ok = Http(kLocal, r.port, "POST", w.base + "/control", Framed({w.genesis, invite, join}));
  REQUIRE(ok);
  INFO(ok->body);
  CHECK(Count(ok->body, "added") == 2);
  CHECK(Count(ok->body, "known") == 1);
  CHECK(Count(ok->body, "waiting") == 0);
  // A second device with the same invite but without its key: refused.
  auto thief = Http(kLocal, r.port, "POST", w.base + "/control",
                    Framed({w.Join(Dev(), Bytes(sync::kIdBytes, '\x61'), own)}));
  REQUIRE(thief);
  CHECK(Count(thief->body, "added") == 0);
  CHECK(Contains(thief->body, "without holding"));
}

TEST_CASE("Abuse: an oversize body gets 413 on every route before it is parsed",
          "[sync][relay][native][abuse]") {
  Workspace w;
  RelayProcess r({"--rate", "0"});
  Register(r, w);
  std::string token = SignIn(r, w, w.office);
  std::string auth = "Authorization: Bearer " + token;
  // Bodies that would parse and succeed if they were read: valid JSON padded with white
  // space, or valid frames, just over each route's limit.
  auto padded = [](std::string json, std::size_t size) {
    json.insert(json.size() - 1, std::string(size - json.size(), ' '));
    return json;
  };
  std::string challenge = padded(ChallengeBody(w.office.id), 1025);
  std::string pull = padded("{\"frontier\":{}}", (512u << 10) + 1);
  std::string genesis = w.genesis + std::string((1u << 20) + 1 - w.genesis.size(), '\0');
  struct Case {
    const char* what;
    std::string path;
    std::string body;
    bool authenticated;
  };
  std::vector<Case> cases = {
      {"challenge: 1 KiB + 1", w.base + "/challenge", challenge, false},
      {"session: 1 KiB + 1", w.base + "/session", challenge, false},
      {"pull: 512 KiB + 1", w.base + "/pull", pull, true},
      {"registration: 1 MiB + 1", "/v1/workspaces", genesis, false},
      {"control: 32 MiB + 1", w.base + "/control", std::string((32u << 20) + 1, '\0'), false},
      {"push: 32 MiB + 1", w.base + "/push", std::string((32u << 20) + 1, '\0'), true},
  };
  for (const Case& c : cases) {
    for (bool chunked : {false, true}) {
      INFO(c.what << (chunked ? ", chunked" : ""));
      auto res = Http(kLocal, r.port, "POST", c.path, c.body,
                      c.authenticated ? std::vector<std::string>{auth} : std::vector<std::string>{},
                      chunked);
      REQUIRE(res);
      INFO(res->body);
      CHECK(res->status == 413);
      CHECK(Contains(res->body, "\"error\""));
    }
  }
  // Exactly at the limit the challenge body is read and answered.
  auto at_limit =
      Http(kLocal, r.port, "POST", w.base + "/challenge", padded(ChallengeBody(w.office.id), 1024));
  REQUIRE(at_limit);
  CHECK(at_limit->status == 200);

  // 32 MB of "[" to the JSON routes (the attack that cost 1.2 GB per request): 413, and the
  // relay's peak memory does not grow by anything like the body's size.
  long peak_before = r.StatusKiB("VmHWM");
  std::string bomb(32'000'000, '[');
  for (const char* route : {"/challenge", "/session"}) {
    auto start = std::chrono::steady_clock::now();
    auto res = Http(kLocal, r.port, "POST", w.base + route, bomb);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    REQUIRE(res);
    INFO(route << ": " << s << " s");
    CHECK(res->status == 413);
    CHECK(s < 10);
  }
  auto res = Http(kLocal, r.port, "POST", w.base + "/pull", bomb, {auth});
  REQUIRE(res);
  CHECK(res->status == 413);
  INFO("peak " << peak_before << " -> " << r.StatusKiB("VmHWM") << " KiB");
  CHECK(r.StatusKiB("VmHWM") - peak_before < 8 * 1024);
  // A method with no route is refused before any body is read.
  auto pri = Http(kLocal, r.port, "PRI", "/v1/status", std::string(1000, 'x'));
  REQUIRE(pri);
  CHECK(pri->status == 405);
  // The relay still answers.
  auto status = Http(kLocal, r.port, "GET", "/v1/status");
  REQUIRE(status);
  CHECK(status->status == 200);
}

TEST_CASE("Abuse: deeply nested JSON gets 400 on every JSON route",
          "[sync][relay][native][abuse]") {
  Workspace w;
  RelayProcess r({"--rate", "0"});
  Register(r, w);
  std::string token = SignIn(r, w, w.office);
  // Valid JSON that holds what the route wants, plus a deep array beside it.
  auto nested = [](std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  std::string challenge =
      "{\"device\":\"" + sync::ToHex(w.office.id) + "\",\"x\":" + nested(400) + "}";
  std::string session = "{\"device\":\"" + sync::ToHex(w.office.id) + "\",\"nonce\":\"" +
                        std::string(64, '0') + "\",\"time_ms\":1,\"signature\":\"" +
                        std::string(128, '0') + "\",\"x\":" + nested(300) + "}";
  std::string pull = "{\"frontier\":{},\"x\":" + nested(100000) + "}";
  struct Case {
    const char* route;
    std::string body;
  };
  for (const Case& c :
       {Case{"/challenge", challenge}, Case{"/session", session}, Case{"/pull", pull}}) {
    INFO(c.route);
    auto res =
        Http(kLocal, r.port, "POST", w.base + c.route, c.body, {"Authorization: Bearer " + token});
    REQUIRE(res);
    INFO(res->body);
    CHECK(res->status == 400);
    CHECK(Contains(res->body, "nested more than"));
  }
}

TEST_CASE("Abuse: a junk Authorization header does not lift the rate limit before sign-in",
          "[sync][relay][native][abuse]") {
  Workspace w;
  RelayProcess r({"--rate", "1"});  // burst 4 per address
  Register(r, w);                   // 1 request of the address's burst
  const std::string source = "127.0.0.3";
  struct Case {
    const char* what;
    std::string method, path, body;
    std::vector<std::string> headers;
  };
  std::vector<Case> cases = {
      {"control list", "GET", w.base + "/control?after=0", "", {"Authorization: Bearer junk"}},
      {"challenge",
       "POST",
       w.base + "/challenge",
       ChallengeBody(w.office.id),
       {"Authorization: Bearer " + std::string(64, 'a')}},
      {"frontier",
       "GET",
       w.base + "/frontier",
       "",
       {"Authorization: Bearer " + std::string(64, 'b')}},
      {"status", "GET", "/v1/status", "", {"Authorization: x"}},
      {"a GET announcing a body", "GET", w.base + "/control?after=0", "",
       {"Authorization: Bearer junk", "Content-Length: 0"}},
      {"a push with a body", "POST", w.base + "/push", std::string(5000, 'x'),
       {"Authorization: Bearer " + std::string(64, 'c')}},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    int limited = 0;
    for (int i = 0; i < 12; ++i) {
      auto res = Http(source, r.port, c.method, c.path, c.body, c.headers);
      REQUIRE(res);
      if (res->status == 429) {
        ++limited;
        CHECK_FALSE(res->Header("Retry-After").empty());
      }
    }
    CHECK(limited >= 6);
  }
  // Another address is not held up by this one's limit.
  auto other = Http("127.0.0.4", r.port, "GET", "/v1/status");
  REQUIRE(other);
  CHECK(other->status == 200);
}

TEST_CASE(
    "Abuse: challenges go to roster members only, are bounded per address and per "
    "device, and a flood never locks a member out",
    "[sync][relay][native][abuse]") {
  Workspace w(300);  // 302 members: more than one address may hold challenges for
  RelayProcess r({"--rate", "0"});
  Register(r, w);

  // A stranger's device id: no challenge (nothing is kept for it).
  auto stranger = Http(kLocal, r.port, "POST", w.base + "/challenge", ChallengeBody(Dev().id));
  REQUIRE(stranger);
  CHECK(stranger->status == 403);
  CHECK(Contains(stranger->body, "not in the roster"));

  // The office device asks for a challenge from its own address, then an attacker at another
  // address asks 500 times in its name.
  auto pending =
      Http("127.0.0.10", r.port, "POST", w.base + "/challenge", ChallengeBody(w.office.id));
  REQUIRE(pending);
  REQUIRE(pending->status == 200);
  int granted = 0;
  for (int i = 0; i < 500; ++i) {
    auto res =
        Http("127.0.0.66", r.port, "POST", w.base + "/challenge", ChallengeBody(w.office.id));
    REQUIRE(res);
    granted += res->status == 200;
  }
  CHECK(granted == 500);  // each replaces the attacker's own oldest: it never runs out, nor do we
  // The member's challenge from before the flood still signs it in.
  auto in = Session(r, w, w.office, *pending, "127.0.0.10");
  REQUIRE(in);
  INFO(in->body);
  CHECK(in->status == 200);

  // One address asking for every member: bounded (256 pending per address), with 429.
  int ok = 0, busy = 0;
  for (const Dev& d : w.more) {
    auto res = Http("127.0.0.77", r.port, "POST", w.base + "/challenge", ChallengeBody(d.id));
    REQUIRE(res);
    if (res->status == 200) ++ok;
    if (res->status == 429) {
      ++busy;
      CHECK_FALSE(res->Header("Retry-After").empty());
    }
  }
  CHECK(ok == 256);
  CHECK(busy == 300 - 256);
  // Many addresses asking for one device: bounded (32 pending per device).
  const Dev& target = w.more[0];
  ok = busy = 0;
  for (int a = 0; a < 40; ++a) {
    std::string source = "127.0.1." + std::to_string(a + 1);
    for (int i = 0; i < 2; ++i) {
      auto res = Http(source, r.port, "POST", w.base + "/challenge", ChallengeBody(target.id));
      REQUIRE(res);
      ok += res->status == 200;
      busy += res->status == 429;
    }
  }
  CHECK(busy > 0);
  CHECK(ok <= 32);
  // Meanwhile every other member still signs in.
  auto admin = Http(kLocal, r.port, "POST", w.base + "/challenge", ChallengeBody(w.admin.id));
  REQUIRE(admin);
  REQUIRE(admin->status == 200);
  auto admin_in = Session(r, w, w.admin, *admin);
  REQUIRE(admin_in);
  CHECK(admin_in->status == 200);
}

TEST_CASE("Abuse: one address cannot make the relay hold more than 64 MiB of bodies at once",
          "[sync][relay][native][abuse]") {
  Workspace w;
  RelayProcess r({"--rate", "0"});
  Register(r, w);
  // 30 frames of 1 MB that are not envelopes: a control post the relay reads, and rejects
  // frame by frame (200).
  std::vector<Bytes> junk(30, Bytes(1'000'000, '\x5a'));
  std::string body = Framed(junk);
  const std::string source = "127.0.0.8";
  // Two posts of 30 MB from one address, held half sent: 60 MB the relay has room for.
  HeldPost a(source, r.port, w.base + "/control", body, 1000);
  HeldPost b(source, r.port, w.base + "/control", body, 1000);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // both reach their handlers
  // A third from the same address does not fit (64 MiB per address): 429, read and dropped.
  auto c = Http(source, r.port, "POST", w.base + "/control", body);
  REQUIRE(c);
  INFO(c->body);
  CHECK(c->status == 429);
  CHECK_FALSE(c->Header("Retry-After").empty());
  // Another address is not affected.
  auto other = Http("127.0.0.9", r.port, "POST", w.base + "/control", body);
  REQUIRE(other);
  CHECK(other->status == 200);
  // The held ones complete, and then the address has room again.
  auto ra = a.Finish();
  auto rb = b.Finish();
  REQUIRE(ra);
  REQUIRE(rb);
  CHECK(ra->status == 200);
  CHECK(rb->status == 200);
  auto d = Http(source, r.port, "POST", w.base + "/control", body);
  REQUIRE(d);
  CHECK(d->status == 200);
  CHECK(Occurrences(d->body, "\"index\":") == 30);
}

// [SECTION] Slow clients (issue 12 §1)

// Milliseconds since `t0`.
long MsSince(std::chrono::steady_clock::time_point t0) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - t0)
                               .count());
}

// True when the relay has closed `fd` (EOF or reset), whatever it sent before; false while the
// connection is still open. Does not wait.
bool ClosedByRelay(int fd, std::string* said = nullptr) {
  char buf[4096];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0) return true;
    if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
    if (said) said->append(buf, static_cast<std::size_t>(n));
  }
}

TEST_CASE(
    "Abuse: 200 connections sending a header byte every 2 s hold nobody up, and are closed at "
    "the header deadline",
    "[sync][relay][native][abuse][slow]") {
  RelayProcess r({"--rate", "0"});
  // 200 slow-loris connections from four addresses (50 each: under the per-address cap, so
  // what is tested is that waiting for a request head costs no worker).
  constexpr int kSlow = 200;
  std::vector<int> slow;
  for (int i = 0; i < kSlow; ++i) {
    int fd = Connect("127.0.1." + std::to_string(10 + i / 50), r.port);
    REQUIRE(fd >= 0);
    slow.push_back(fd);
  }
  const std::string head = "GET /v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  std::atomic<bool> done{false};
  std::atomic<int> trickled{0};
  std::thread trickler([&] {
    // One byte of the head on every connection every 2 s: never a whole head in 14 s.
    for (std::size_t at = 0; at < 7 && !done; ++at) {
      for (int fd : slow) (void)send(fd, head.data() + at, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      ++trickled;
      for (int t = 0; t < 20 && !done; ++t) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  // Meanwhile another client asks every 200 ms: each answer within a second.
  auto start = std::chrono::steady_clock::now();
  std::vector<long> took;
  int answered = 0, asked = 0;
  while (MsSince(start) < 13000) {
    auto t0 = std::chrono::steady_clock::now();
    int fd = Connect(kLocal, r.port);
    REQUIRE(fd >= 0);
    timeval tv{3, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    SendAll(fd, RequestHead("GET", "/v1/status", {}) + "\r\n");
    auto reply = ReadReply(fd);
    ++asked;
    if (reply && reply->status == 200) ++answered;
    took.push_back(MsSince(t0));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::sort(took.begin(), took.end());
  long p90 = took[took.size() * 9 / 10], worst = took.back();
  INFO("asked " << asked << ", answered " << answered << ", p90 " << p90 << " ms, slowest "
                << worst << " ms");
  CHECK(answered == asked);
  // Within a second; the shared machine's hiccups (a debug build, other builds running) are
  // allowed a tenth of the requests, up to the client's 3 s.
  CHECK(p90 < 1000);
  CHECK(worst < 3000);
  // The header deadline (10 s) has passed for all of them: the relay closed every one.
  int closed = 0;
  for (int fd : slow) closed += ClosedByRelay(fd) ? 1 : 0;
  done = true;
  trickler.join();
  for (int fd : slow) close(fd);
  CHECK(closed == kSlow);
}

TEST_CASE("Abuse: one address cannot hold more than 64 connections open",
          "[sync][relay][native][abuse][slow]") {
  RelayProcess r({"--rate", "0"});
  std::vector<int> idle;
  for (int i = 0; i < 100; ++i) {
    int fd = Connect("127.0.2.1", r.port);
    REQUIRE(fd >= 0);
    idle.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  // Those over the cap were answered 429 and closed at once (others the relay may close when
  // they stay idle for 5 s, without a word).
  int refused = 0;
  for (int fd : idle) {
    std::string said;
    if (ClosedByRelay(fd, &said) && said.rfind("HTTP/1.1 429", 0) == 0) ++refused;
  }
  CHECK(refused == 100 - 64);
  // Other addresses are served meanwhile.
  auto other = Http("127.0.2.2", r.port, "GET", "/v1/status");
  REQUIRE(other);
  CHECK(other->status == 200);
  for (int fd : idle) close(fd);
  // Closed connections no longer count.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto again = Http("127.0.2.1", r.port, "GET", "/v1/status");
  REQUIRE(again);
  CHECK(again->status == 200);
}

TEST_CASE("Abuse: a request head that never ends is refused at 64 KiB and costs no memory",
          "[sync][relay][native][abuse][slow]") {
  RelayProcess r({"--rate", "0"});
  long before = r.StatusKiB("VmHWM");
  int fd = Connect(kLocal, r.port);
  REQUIRE(fd >= 0);
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  auto t0 = std::chrono::steady_clock::now();
  // 8 MiB of request line, no newline: the relay answers 431 and closes long before the end.
  std::thread writer([fd] { SendAll(fd, "GET /" + std::string(8u << 20, 'a')); });
  auto reply = ReadReply(fd);
  writer.join();
  REQUIRE(reply);
  CHECK(reply->status == 431);
  CHECK(MsSince(t0) < 5000);
  long after = r.StatusKiB("VmHWM");
  INFO("VmHWM " << before << " KiB -> " << after << " KiB");
  if (kRssBoundsApply) CHECK(after - before < 2048);
}

TEST_CASE("Behind a named proxy, registration and rate limits go by the forwarded address",
          "[sync][relay][native][abuse]") {
  Workspace w;
  // The relay listens on loopback behind a proxy at 127.0.0.1: without --trust-proxy anyone
  // the proxy forwards would be a loopback caller, free to register.
  RelayProcess r({"--rate", "1", "--trust-proxy", "127.0.0.1"});
  auto from = [](const std::string& client) { return std::vector<std::string>{"X-Forwarded-For: " + client}; };
  auto reg = Http(kLocal, r.port, "POST", "/v1/workspaces", w.genesis, from("203.0.113.5"));
  REQUIRE(reg);
  CHECK(reg->status == 403);
  // What a client wrote before the proxy's own entry is not believed.
  reg = Http(kLocal, r.port, "POST", "/v1/workspaces", w.genesis, from("127.0.0.1, 203.0.113.5"));
  REQUIRE(reg);
  CHECK(reg->status == 403);
  // Forwarded without a header: not a loopback caller either.
  reg = Http(kLocal, r.port, "POST", "/v1/workspaces", w.genesis);
  REQUIRE(reg);
  CHECK(reg->status == 403);
  // A caller on the relay's own host (forwarded as loopback) may register.
  reg = Http(kLocal, r.port, "POST", "/v1/workspaces", w.genesis, from("127.0.0.1"));
  REQUIRE(reg);
  CHECK(reg->status == 201);

  // Rate limits (1 per second, a burst of 4) per forwarded address, not per proxy.
  int limited_a = 0;
  for (int i = 0; i < 6; ++i) {
    auto a = Http(kLocal, r.port, "GET", "/v1/status", {}, from("198.51.100.7"));
    REQUIRE(a);
    limited_a += a->status == 429 ? 1 : 0;
  }
  CHECK(limited_a >= 1);
  auto b = Http(kLocal, r.port, "GET", "/v1/status", {}, from("198.51.100.8"));
  REQUIRE(b);
  CHECK(b->status == 200);
  // A client that is not the proxy is its own address, whatever header it sends.
  int limited_direct = 0;
  for (int i = 0; i < 6; ++i) {
    auto d = Http("127.0.3.1", r.port, "GET", "/v1/status", {},
                  from("198.51.100." + std::to_string(20 + i)));
    REQUIRE(d);
    limited_direct += d->status == 429 ? 1 : 0;
  }
  CHECK(limited_direct >= 1);
}

TEST_CASE("The caller's address comes from the trusted proxy's last X-Forwarded-For entry",
          "[sync][relay][native]") {
  using relay::CallerAddress;
  CHECK(CallerAddress("10.0.0.9", "", {"1.2.3.4"}) == "10.0.0.9");
  CHECK(CallerAddress("10.0.0.9", "10.0.0.1", {"1.2.3.4"}) == "10.0.0.9");
  CHECK(CallerAddress("10.0.0.1", "10.0.0.1", {"1.2.3.4"}) == "1.2.3.4");
  CHECK(CallerAddress("::ffff:10.0.0.1", "10.0.0.1", {"5.6.7.8, 1.2.3.4"}) == "1.2.3.4");
  CHECK(CallerAddress("10.0.0.1", "10.0.0.1", {"9.9.9.9", " 2001:db8::1 "}) == "2001:db8::1");
  CHECK(CallerAddress("10.0.0.1", "10.0.0.1", {}) == "unknown");
  CHECK(CallerAddress("10.0.0.1", "10.0.0.1", {"localhost"}) == "unknown");
  CHECK(CallerAddress("10.0.0.1", "10.0.0.1", {"1.2.3.4,"}) == "unknown");
}

#endif  // !defined(__EMSCRIPTEN__)
