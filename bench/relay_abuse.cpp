// What strangers cost the relay (group "relay_abuse"; issue 8, §2 items 3 and 4): the real
// dosti-relay executable (--relay-bin PATH, or the build's own), spoken to over HTTP on
// 127.0.0.1, its wall time, CPU time and peak memory (VmHWM of /proc/PID/status) measured from
// outside. Native only. bench/README.md ("Relay abuse figures") has the results, old and new.
//
//   relay_abuse_junk_json_<route>_ms        one request whose body is 32,000,000 bytes of "["
//   relay_abuse_junk_json_<route>_peak_mib  to a JSON route (challenge, session, pull; pull with
//                                           a valid session token): the request's time as the
//                                           client sees it (sending included), and the relay's
//                                           peak memory afterwards; a fresh relay per request.
//                                           detail: relay CPU ms, peak before, the status.
//   relay_abuse_rosters_s                   1,000 distinct rosters of 4,096 well-formed members
//   relay_abuse_rosters_peak_mib            (471 KB each), authored and signed by a device in no
//   relay_abuse_rosters_member_wait_ms      roster, posted to /control 16 per request from two
//                                           connections at once (the relay runs with --rate 0,
//                                           so the rate limit is not what stops them): the
//                                           time until the last answer, the relay's peak
//                                           memory, and the longest a member's
//                                           GET /control?after=1 (which takes the relay's lock,
//                                           like every workspace operation) waited meanwhile,
//                                           asked every 50 ms (detail: median, reads).
//
// Each figure is the median of 3 runs (--runs N), a fresh relay process and data directory
// per run.
#include <cstdio>
#include <string>
#include <vector>

#include "bench.h"

#ifndef __EMSCRIPTEN__
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "dosti/sync/crypto.h"
#include "dosti/sync/envelope.h"
#include "dosti/sync/trust.h"
#include "dosti/sync/wire.h"
#include "relay.h"
#include "sync/relay_load.h"
#include "sync/relay_process.h"
#include "sync/sync_fixture.h"
#endif

namespace dosti::bench {

#ifndef __EMSCRIPTEN__
namespace {

namespace testing = dosti::sync::testing;

using sync::Bytes;

constexpr int64_t kT0 = 1'767'225'600'000;
constexpr std::size_t kJunkBytes = 32'000'000;
constexpr int kRosters = 1000;
constexpr int kRostersPerRequest = 16;

int Runs() { return Opts().runs > 0 ? Opts().runs : 3; }

std::string RelayBin() {
  if (!Opts().relay_bin.empty()) return Opts().relay_bin;
#ifdef DOSTI_RELAY_BIN
  return DOSTI_RELAY_BIN;
#else
  return {};
#endif
}

// A dosti-relay process on an ephemeral port, with its own data directory.
struct Process {
  TempDir dir;
  pid_t pid = -1;
  int port = 0;

  explicit Process(const std::vector<std::string>& extra) {
    std::string bin = RelayBin();
    testing::SpawnedRelay spawned = testing::SpawnRelay(bin, dir.File("data"), extra);
    pid = spawned.pid;
    if (spawned.port == 0) {
      Note("dosti-relay did not start (" + bin + "): " + spawned.first_line);
      std::exit(1);
    }
    port = spawned.port;
  }
  ~Process() { testing::StopRelay(pid); }
  httplib::Client Client() const {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(300, 0);
    c.set_write_timeout(300, 0);
    return c;
  }
  double PeakMiB() const { return StatusKiB("VmHWM") / 1024.0; }
  long StatusKiB(const std::string& field) const { return testing::ProcStatusKiB(pid, field); }
  // User + system CPU time so far, ms.
  double CpuMs() const { return testing::ProcCpuMs(pid); }
};

using Device = testing::Device;

struct Workspace {
  Device admin, office;
  Bytes genesis, ws;
  std::string base;
  Workspace() {
    genesis = testing::MakeGenesis(
        admin, {admin.AsMember(sync::Role::kAdmin), office.AsMember(sync::Role::kOffice)}, kT0);
    ws = testing::WorkspaceOf(genesis);
    base = "/v1/" + sync::ToHex(ws);
  }
};

void Register(const Process& p, const Workspace& w) {
  auto c = p.Client();
  auto res = c.Post("/v1/workspaces", w.genesis, "application/octet-stream");
  if (!res || (res->status != 201 && res->status != 200)) {
    Note("registration failed");
    std::exit(1);
  }
}

std::string Field(const std::string& json, const std::string& key) {
  auto at = json.find("\"" + key + "\":\"");
  if (at == std::string::npos) return {};
  at += key.size() + 4;
  return json.substr(at, json.find('"', at) - at);
}

// A session token for the office device.
std::string SignIn(const Process& p, const Workspace& w) {
  auto c = p.Client();
  auto ch = c.Post(w.base + "/challenge", "{\"device\":\"" + sync::ToHex(w.office.id) + "\"}",
                   "application/json");
  if (!ch || ch->status != 200) std::exit(1);
  std::string nonce = Field(ch->body, "nonce");
  Bytes relay_id = *sync::FromHex(Field(ch->body, "relay"));
  Bytes sig =
      sync::Sign(w.office.ed.sk, relay::AuthMessage(relay_id, w.ws, *sync::FromHex(nonce), kT0));
  auto s = c.Post(w.base + "/session",
                  "{\"device\":\"" + sync::ToHex(w.office.id) + "\",\"nonce\":\"" + nonce +
                      "\",\"time_ms\":" + std::to_string(kT0) + ",\"signature\":\"" +
                      sync::ToHex(sig) + "\"}",
                  "application/json");
  if (!s || s->status != 200) std::exit(1);
  return Field(s->body, "token");
}

// [SECTION] 32 MB of "[" to each JSON route

void BenchJunkJson() {
  const std::string junk(kJunkBytes, '[');
  for (const char* route : {"challenge", "session", "pull"}) {
    std::string name = std::string("relay_abuse_junk_json_") + route;
    if (!Wanted(name + "_ms", "relay_abuse") && !Wanted(name + "_peak_mib", "relay_abuse"))
      continue;
    std::vector<double> wall, peak, cpu, before;
    int status = 0;
    for (int run = 0; run < Runs(); ++run) {
      Process p({});
      Workspace w;
      Register(p, w);
      httplib::Headers headers;
      if (std::string(route) == "pull") headers.emplace("Authorization", "Bearer " + SignIn(p, w));
      before.push_back(p.PeakMiB());
      double cpu0 = p.CpuMs();
      auto c = p.Client();
      auto start = Clock_::now();
      auto res = c.Post(w.base + "/" + route, headers, junk, "application/json");
      wall.push_back(MsSince(start));
      cpu.push_back(p.CpuMs() - cpu0);
      peak.push_back(p.PeakMiB());
      status = res ? res->status : -1;
    }
    Detail d;
    d.Add("body_bytes", static_cast<double>(kJunkBytes)).Add("status", status);
    d.Add("relay_cpu_ms", Median(cpu)).Add("peak_before_mib", Median(before));
    d.AddList("runs_ms", wall).AddList("runs_peak_mib", peak).Add("relay", RelayBin());
    Emit(name + "_ms", Median(wall), "ms", Runs(), d);
    Emit(name + "_peak_mib", Median(peak), "MiB", Runs(), d);
  }
}

// [SECTION] 1,000 unsigned rosters

void BenchRosters() {
  if (!Wanted("relay_abuse_rosters_s", "relay_abuse") &&
      !Wanted("relay_abuse_rosters_peak_mib", "relay_abuse") &&
      !Wanted("relay_abuse_rosters_member_wait_ms", "relay_abuse"))
    return;
  std::vector<double> wall, peak, wait_max, wait_median, cpu;
  double roster_bytes = 0;
  int waiting = 0, refused = 0, reads = 0;
  for (int run = 0; run < Runs(); ++run) {
    Workspace w;
    Device stranger;
    std::vector<std::string> bodies;  // requests of 16 framed rosters
    for (int i = 0; i < kRosters; i += kRostersPerRequest) {
      sync::Writer frames;
      for (int k = i; k < std::min(kRosters, i + kRostersPerRequest); ++k) {
        auto salt = static_cast<uint32_t>(run * kRosters + k);
        Bytes r = testing::StrangerRoster(w.ws, stranger, 2 + salt % 3, salt, kT0 + salt);
        roster_bytes = static_cast<double>(r.size());
        frames.Sized(r);
      }
      bodies.push_back(frames.Take());
    }
    Process p({"--rate", "0"});
    Register(p, w);
    double cpu0 = p.CpuMs();
    std::atomic<std::size_t> next{0};
    std::atomic<int> run_waiting{0}, run_refused{0};
    std::atomic<bool> done{false};
    auto attacker = [&] {
      auto c = p.Client();
      for (std::size_t b; (b = next++) < bodies.size();) {
        auto res = c.Post(w.base + "/control", bodies[b], "application/octet-stream");
        if (!res) continue;
        auto at = res->body.find("\"waiting\":");
        if (at != std::string::npos) run_waiting += std::stoi(res->body.substr(at + 10));
        for (auto r = res->body.find("\"index\":"); r != std::string::npos;
             r = res->body.find("\"index\":", r + 1))
          ++run_refused;
      }
    };
    std::vector<double> waits;
    const httplib::Headers session = {{"Authorization", "Bearer " + SignIn(p, w)}};
    std::thread member([&] {
      auto c = p.Client();
      while (!done) {
        auto start = Clock_::now();
        auto res = c.Get(w.base + "/control?after=1", session);
        if (res && res->status == 200) waits.push_back(MsSince(start));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
    auto start = Clock_::now();
    std::thread a1(attacker), a2(attacker);
    a1.join();
    a2.join();
    wall.push_back(MsSince(start) / 1000);
    done = true;
    member.join();
    cpu.push_back(p.CpuMs() - cpu0);
    peak.push_back(p.PeakMiB());
    wait_max.push_back(waits.empty() ? 0 : *std::max_element(waits.begin(), waits.end()));
    wait_median.push_back(Median(waits));
    waiting = run_waiting;
    refused = run_refused;
    reads = static_cast<int>(waits.size());
  }
  Detail d;
  d.Add("rosters", kRosters).Add("roster_bytes", roster_bytes);
  d.Add("per_request", kRostersPerRequest).Add("connections", 2);
  d.Add("answered_waiting", waiting).Add("answered_rejected", refused);
  d.Add("relay_cpu_ms", Median(cpu)).Add("member_wait_median_ms", Median(wait_median));
  d.Add("member_reads", reads).AddList("runs_s", wall).AddList("runs_peak_mib", peak);
  d.AddList("runs_member_wait_max_ms", wait_max).Add("relay", RelayBin());
  Emit("relay_abuse_rosters_s", Median(wall), "s", Runs(), d);
  Emit("relay_abuse_rosters_peak_mib", Median(peak), "MiB", Runs(), d);
  Emit("relay_abuse_rosters_member_wait_ms", Median(wait_max), "ms", Runs(), d);
}

}  // namespace
#endif  // __EMSCRIPTEN__

void BenchRelayAbuse() {
#ifndef __EMSCRIPTEN__
  bool any = false;
  for (const char* n : {"relay_abuse_junk_json_challenge_ms", "relay_abuse_junk_json_session_ms",
                        "relay_abuse_junk_json_pull_ms", "relay_abuse_junk_json_challenge_peak_mib",
                        "relay_abuse_junk_json_session_peak_mib",
                        "relay_abuse_junk_json_pull_peak_mib", "relay_abuse_rosters_s",
                        "relay_abuse_rosters_peak_mib", "relay_abuse_rosters_member_wait_ms"})
    any = any || Wanted(n, "relay_abuse");
  if (!any) return;
  if (RelayBin().empty()) {
    Note("skipped relay_abuse: no dosti-relay executable (--relay-bin PATH)");
    return;
  }
  Check(sync::InitCrypto(), "libsodium");
  Note("relay_abuse: measuring " + RelayBin());
  BenchJunkJson();
  BenchRosters();
#endif
}

void BenchRelayLoad() {
#ifndef __EMSCRIPTEN__
  const std::string& f = Opts().filter;
  if (f.empty() || (f != "relay_load" && std::string("relay_load_p99_ms relay_load_p50_ms").find(f) == std::string::npos))
    return;
  if (RelayBin().empty()) {
    Note("skipped relay_load: no dosti-relay executable (--relay-bin PATH)");
    return;
  }
  testing::LoadOptions o;
  o.relay_bin = RelayBin();
  o.seconds = Opts().load_seconds;
  Note("relay_load: 50 devices for " + std::to_string(o.seconds) + " s against " + o.relay_bin);
  testing::LoadReport r = testing::RunLoad(o);
  if (!r.failure.empty() || r.duplicates || r.gaps || r.lost) {
    Note("relay_load failed: " + r.failure + " (duplicates " + std::to_string(r.duplicates) +
         ", gaps " + std::to_string(r.gaps) + ", lost " + std::to_string(r.lost) + ")");
    std::exit(1);
  }
  Detail d;
  d.Add("devices", o.devices)
      .Add("seconds", r.seconds)
      .Add("requests", static_cast<double>(r.requests))
      .Add("requests_per_s", static_cast<double>(r.requests) / r.seconds)
      .Add("envelopes_sealed", static_cast<double>(r.sealed))
      .Add("envelopes_pulled", static_cast<double>(r.pulled))
      .Add("disconnects", static_cast<double>(r.disconnects))
      .Add("lost", 0.0)
      .Add("duplicated", 0.0)
      .Add("p50_ms", r.Percentile(50))
      .Add("p90_ms", r.Percentile(90))
      .Add("p99_ms", r.Percentile(99))
      .Add("max_ms", r.latency_ms.empty() ? 0 : r.latency_ms.back())
      .Add("relay_rss_start_mib", r.rss_start_kib / 1024.0)
      .Add("relay_rss_mid_mib", r.rss_mid_kib / 1024.0)
      .Add("relay_rss_end_mib", r.rss_end_kib / 1024.0)
      .Add("relay_peak_mib", r.peak_kib / 1024.0)
      .Add("relay", o.relay_bin);
  Emit("relay_load_p50_ms", r.Percentile(50), "ms", 1, d);
  Emit("relay_load_p99_ms", r.Percentile(99), "ms", 1, d);
#endif
}

}  // namespace dosti::bench
