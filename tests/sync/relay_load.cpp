#include "sync/relay_load.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include "sync/relay_process.h"
#include "sync/relay_test_client.h"
#include "sync/sync_fixture.h"

namespace dosti::sync::testing {
namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Sends `data` on a new connection to 127.0.0.1:port and closes it without reading an answer.
void SendAndDrop(int port, const std::string& data) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return;
  timeval tv{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0) {
    std::size_t sent = 0;
    while (sent < data.size()) {
      ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
  }
  close(fd);
}

// What all devices share: counts, latencies, the first failure.
struct Shared {
  std::mutex mu;
  LoadReport report;
  // Keeps the first failure; false, for `return shared.Fail(...)`.
  bool Fail(const std::string& why) {
    std::lock_guard<std::mutex> lock(mu);
    if (report.failure.empty()) report.failure = why;
    return false;
  }
};

struct DeviceRun {
  const LoadOptions& o;
  Shared& shared;
  const Device& me;
  Bytes ws, secret;
  std::string url;
  int port = 0;
  std::mt19937 rng;

  std::unique_ptr<net::RelayClient> client;
  uint64_t sealed = 0;           // my last seq
  Bytes prev;                    // id of my last envelope
  std::vector<Bytes> unacked;    // mine after the last acknowledged one, in order
  net::Frontier have;            // what I pulled, per author
  std::vector<double> latency;
  uint64_t accepted = 0, known = 0, pulled = 0, disconnects = 0, duplicates = 0, gaps = 0;

  template <typename F>
  auto Timed(F&& f) {
    auto t0 = Clock::now();
    auto r = f();
    latency.push_back(MsSince(t0));
    return r;
  }

  bool Connect() {
    net::ClientOptions co;
    co.attempts = 8;
    co.backoff_ms = 50;
    co.max_backoff_ms = 1000;
    auto c = net::RelayClient::Open(url, ws, co);
    if (!c) return shared.Fail("client: " + c.error().message);
    client = std::move(*c);
    auto in = Timed([&] { return client->SignIn(me.id, me.ed.sk); });
    if (!in) return shared.Fail("sign in: " + in.error().message);
    return true;
  }

  void Seal(int n) {
    for (int i = 0; i < n; ++i) {
      std::string text(o.payload_bytes, 'x');
      std::string tag = ToHex(me.id) + " #" + std::to_string(sealed + 1);
      std::copy(tag.begin(), tag.end(), text.begin());
      Bytes env = SealChanges(ws, 1, secret, me.id, me.ed.sk, ++sealed, prev, text);
      prev = EnvelopeId(env);
      unacked.push_back(std::move(env));
    }
  }

  // Pushes everything not acknowledged yet; all of it must be accepted or known.
  bool Push() {
    auto r = Timed([&] { return client->Push(unacked); });
    if (!r) return shared.Fail("push: " + r.error().message);
    if (!r->rejected.empty())
      return shared.Fail("push refused: " + r->rejected.front().reason);
    if (r->accepted + r->known != unacked.size())
      return shared.Fail("push: an answer that does not add up");
    accepted += r->accepted;
    known += r->known;
    unacked.clear();
    return true;
  }

  // Pulls until the relay has nothing more, checking every envelope against what I have.
  bool Pull() {
    for (int pages = 0; pages < 1000; ++pages) {
      auto page = Timed([&] { return client->Pull(have, 256u << 10); });
      if (!page) return shared.Fail("pull: " + page.error().message);
      for (const Bytes& e : page->envelopes) {
        auto env = ParseEnvelope(e);
        if (!env) return shared.Fail("pull: an envelope that does not parse");
        uint64_t& h = have[env->header.author];
        if (env->header.seq <= h) {
          ++duplicates;
        } else {
          if (env->header.seq != h + 1) ++gaps;
          h = env->header.seq;
        }
        ++pulled;
      }
      if (!page->more) return true;
    }
    return shared.Fail("pull: more than 1,000 pages");
  }

  // A push the device sends itself and abandons: whole (its outcome unknown to the device) or
  // broken off half way (nothing may be kept). The envelopes stay unacknowledged, so the next
  // push carries them again.
  void Abandon() {
    Seal(1);
    std::string body;
    for (const Bytes& e : unacked) {
      uint32_t n = static_cast<uint32_t>(e.size());
      for (int i = 0; i < 4; ++i) body.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
      body += e;
    }
    std::string req = "POST /v1/" + ToHex(ws) + "/push HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                      "Authorization: Bearer " + client->session_token() + "\r\n" +
                      "Content-Type: application/octet-stream\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n";
    bool whole = rng() % 2 == 0;
    SendAndDrop(port, req + (whole ? body : body.substr(0, body.size() / 2)));
  }

  void Run(Clock::time_point until) {
    if (!Connect()) return;
    std::uniform_real_distribution<double> coin(0, 1);
    while (Clock::now() < until) {
      {
        std::lock_guard<std::mutex> lock(shared.mu);
        if (!shared.report.failure.empty()) return;
      }
      if (coin(rng) < o.disconnect_p) {
        ++disconnects;
        if (rng() % 2 == 0) {
          client.reset();  // the connection goes; a new client signs in again
          if (!Connect()) return;
        } else {
          Abandon();
        }
      } else if (rng() % 2 == 0) {
        Seal(1 + static_cast<int>(rng() % 3));
        if (!Push()) return;
      } else {
        if (!Pull()) return;
      }
      if (o.max_pause_ms > 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(rng() % (o.max_pause_ms + 1)));
    }
    // The last round: whatever is unacknowledged goes up.
    if (!unacked.empty() && !Push()) return;
  }
};

}  // namespace

double LoadReport::Percentile(double p) const {
  if (latency_ms.empty()) return 0;
  std::size_t i = static_cast<std::size_t>(p / 100 * static_cast<double>(latency_ms.size() - 1));
  return latency_ms[std::min(i, latency_ms.size() - 1)];
}

LoadReport RunLoad(const LoadOptions& o) {
  RequireCrypto();
  Shared shared;
  char tmpl[] = "/tmp/dosti-relay-load-XXXXXX";
  std::string dir = mkdtemp(tmpl) ? tmpl : "";
  if (dir.empty()) {
    shared.Fail("no temporary directory");
    return shared.report;
  }
  SpawnedRelay relay = SpawnRelay(o.relay_bin, dir + "/data");
  if (relay.port == 0) {
    shared.Fail("dosti-relay did not start: " + relay.first_line);
    std::filesystem::remove_all(dir);
    return shared.report;
  }
  const std::string url = "http://127.0.0.1:" + std::to_string(relay.port);

  Device admin;
  std::vector<Device> devices(static_cast<std::size_t>(o.devices));
  std::vector<Member> members = {admin.AsMember(Role::kAdmin)};
  for (const Device& d : devices) members.push_back(d.AsMember(Role::kOffice));
  Bytes genesis = MakeGenesis(admin, members);
  Bytes ws = WorkspaceOf(genesis);
  Bytes secret = RandomBytes(32);
  {
    auto c = net::RelayClient::Open(url, {});
    auto reg = c ? (*c)->Register(genesis) : Result<net::RegisterResult>(c.error());
    if (!reg) shared.Fail("register: " + reg.error().message);
  }

  std::vector<std::unique_ptr<DeviceRun>> runs;
  for (std::size_t i = 0; i < devices.size(); ++i) {
    runs.push_back(std::unique_ptr<DeviceRun>(
        new DeviceRun{o, shared, devices[i], ws, secret, url, relay.port,
                      std::mt19937(o.seed * 1000003u + static_cast<uint32_t>(i))}));
  }
  // The relay's memory, sampled while the load runs.
  std::atomic<bool> done{false};
  LoadReport& rep = shared.report;
  rep.rss_start_kib = ProcStatusKiB(relay.pid, "VmRSS");
  auto start = Clock::now();
  auto until = start + std::chrono::seconds(o.seconds);
  std::thread sampler([&] {
    bool mid = false;
    while (!done) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      if (!mid && MsSince(start) > o.seconds * 500.0) {
        rep.rss_mid_kib = ProcStatusKiB(relay.pid, "VmRSS");
        mid = true;
      }
    }
  });
  if (shared.report.failure.empty()) {
    std::vector<std::thread> threads;
    for (auto& r : runs) threads.emplace_back([&r, until] { r->Run(until); });
    for (auto& t : threads) t.join();
  }
  rep.seconds = MsSince(start) / 1000;
  done = true;
  sampler.join();
  rep.rss_end_kib = ProcStatusKiB(relay.pid, "VmRSS");
  rep.peak_kib = ProcStatusKiB(relay.pid, "VmHWM");

  // The end: every device pulls what remains; then each must hold exactly what the relay
  // holds, and the relay each device's whole chain.
  if (rep.failure.empty()) {
    Result<net::Frontier> frontier = net::Frontier{};
    auto c = net::RelayClient::Open(url, ws);
    if (!c) {
      frontier = c.error();
    } else if (auto in = (*c)->SignIn(admin.id, admin.ed.sk); !in) {
      frontier = in.error();
    } else {
      frontier = (*c)->GetFrontier();
    }
    if (!frontier) shared.Fail("the relay's frontier: " + frontier.error().message);
    for (auto& r : runs) {
      if (!rep.failure.empty()) break;
      if (!r->client && !r->Connect()) break;
      if (!r->Pull()) break;
      uint64_t at_relay = frontier ? (*frontier)[r->me.id] : 0;
      if (at_relay != r->sealed) rep.lost += r->sealed > at_relay ? r->sealed - at_relay : 0;
      for (const auto& [author, seq] : frontier ? *frontier : net::Frontier{}) {
        uint64_t got = r->have.count(author) ? r->have[author] : 0;
        if (got < seq) rep.lost += seq - got;
      }
    }
  }
  for (auto& r : runs) {
    rep.sealed += r->sealed;
    rep.accepted += r->accepted;
    rep.known += r->known;
    rep.pulled += r->pulled;
    rep.disconnects += r->disconnects;
    rep.duplicates += r->duplicates;
    rep.gaps += r->gaps;
    rep.latency_ms.insert(rep.latency_ms.end(), r->latency.begin(), r->latency.end());
  }
  rep.requests = rep.latency_ms.size();
  std::sort(rep.latency_ms.begin(), rep.latency_ms.end());
  StopRelay(relay.pid);
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return rep;
}

}  // namespace dosti::sync::testing
