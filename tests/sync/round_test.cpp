// SyncRound (round.h) driven by sync/net's transport against a real relay on 127.0.0.1, in
// this process: the whole round, a pending device's round, retries, a second sign-in, cancel.
// Faults are injected between the round and the real transport (a response replaced by what a
// failing relay or network would give), never in place of the relay.
// Native only: the wasm build has neither sockets nor the relay.
#if !defined(__EMSCRIPTEN__)

#include <catch2/catch.hpp>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/session_fixture.h"
#include "dosti/net/http_transport.h"
#include "dosti/sync/node.h"
#include "dosti/sync/round.h"
#include "sync/local_relay.h"

using namespace dosti;
using namespace dosti::sync;

namespace {

using dosti::sync::testing::LocalRelay;

struct Device {
  ManualClock* clock;
  SeededRandom random;
  std::unique_ptr<Session> session;
  std::unique_ptr<Node> node;
  Device(ManualClock& c, uint64_t seed) : clock(&c), random(seed) {
    auto s = Session::Open(":memory:", {clock, &random});
    REQUIRE(s);
    session = std::move(*s);
  }
  // Makes this device the admin of a new workspace (Beijing, programme DH).
  void CreateWorkspace() {
    auto n = Node::Create(*session, DeviceKeys::Generate(), "beijing", "DH", clock);
    REQUIRE(n);
    node = std::move(*n);
  }
};

// A response replaced on its way back to the round: return true when `r` was changed.
using Fault = std::function<bool(const HttpRequest& request, HttpResponse& r)>;

struct Driven {
  Result<SyncReport> report;
  std::vector<int> delays;
  std::vector<std::string> paths;
};

Driven Drive(Node& node, const std::string& url, Fault fault = {},
             std::function<void(SyncRound&, int)> after_each = {}) {
  auto transport = net::HttpTransport::Open(url);
  REQUIRE(transport);
  SyncOptions o;
  o.relay_url = url;
  SyncRound round(node, o);
  Driven out{MakeError(ErrorCode::kInternal, "x"), {}, {}};
  int n = 0;
  while (auto request = round.Next()) {
    out.delays.push_back(request->delay_ms);  // recorded, not slept: the test needs no waiting
    out.paths.push_back(request->path.substr(request->path.rfind('/')));
    HttpResponse r = (*transport)->Send(*request);
    if (fault) fault(*request, r);
    round.Take(r);
    if (after_each) after_each(round, n++);
  }
  out.report = round.Finish();
  return out;
}

std::string Add(Device& d, const std::string& name) {
  auto saved = d.session->AddEnterprise({{"country", std::string("CN")}, {"name", name}});
  REQUIRE(saved);
  return saved->id;
}

}  // namespace

TEST_CASE("A sync round: a pending device posts its join and stops, approved, it gets everything",
          "[sync][round][native]") {
  REQUIRE(InitCrypto());
  LocalRelay relay;
  ManualClock clock(SystemClock().NowMs());  // the relay judges expiry by the real time
  Device admin(clock, 1), office(clock, 2);
  admin.CreateWorkspace();
  std::string shared = Add(admin, "共享公司");
  Node::InviteOptions io;
  io.role = Role::kOffice;
  io.office = Office::kIslamabad;
  auto invite = admin.node->CreateInvite(io, "a long passphrase");
  REQUIRE(invite);

  // The admin registers the workspace and pushes its records.
  auto first = Drive(*admin.node, relay.url);
  REQUIRE(first.report);
  CHECK(first.report->registered);
  CHECK(first.report->pushed >= 1);

  // The office joins offline and syncs: its join goes up, it stays pending, nothing else moves.
  auto joined = Node::Join(*office.session, DeviceKeys::Generate(), *invite, "a long passphrase", &clock);
  REQUIRE(joined);
  office.node = std::move(*joined);
  auto pending = Drive(*office.node, relay.url);
  INFO((pending.report ? std::string() : pending.report.error().message));
  REQUIRE(pending.report);
  CHECK(pending.report->received.awaiting_approval);
  CHECK(pending.report->received.code == office.node->verification_code());
  CHECK(pending.report->pushed == 0);
  for (const std::string& p : pending.paths) {
    INFO(p);  // its join, a pending sign-in, the control messages: no frontier, push or pull
    CHECK((p.rfind("/control", 0) == 0 || p == "/challenge" || p == "/session"));
  }
  CHECK(!office.session->GetEnterprise(shared));

  // The admin learns of it through the relay and approves it.
  auto learnt = Drive(*admin.node, relay.url);
  REQUIRE(learnt.report);
  REQUIRE(admin.node->trust().FindPending(office.node->device()));
  REQUIRE(admin.node->Approve(ToHex(office.node->device()), office.node->verification_code()));
  REQUIRE(Drive(*admin.node, relay.url).report);

  // One more round and the office has everything, and sends its own first commit.
  auto approved = Drive(*office.node, relay.url);
  REQUIRE(approved.report);
  CHECK(!approved.report->received.awaiting_approval);
  CHECK(office.node->approved());
  CHECK(office.session->GetEnterprise(shared));
  CHECK(approved.report->pushed >= 1);
  REQUIRE(Drive(*admin.node, relay.url).report);
  CHECK(*admin.session->Digest() == *office.session->Digest());

  // A round with nothing new moves nothing, and takes only the control message page.
  auto quiet = Drive(*office.node, relay.url);
  REQUIRE(quiet.report);
  CHECK(quiet.report->pushed == 0);
  CHECK(quiet.report->received.applied == 0);
}

TEST_CASE("A sync round retries a failing relay with a growing delay, and says when it gives up",
          "[sync][round][native]") {
  REQUIRE(InitCrypto());
  LocalRelay relay;
  ManualClock clock(SystemClock().NowMs());  // the relay judges expiry by the real time
  Device admin(clock, 1);
  admin.CreateWorkspace();
  Add(admin, "公司");

  // Two 503s and a broken connection on the first push, then the relay's real answer.
  int faults = 0;
  auto flaky = Drive(*admin.node, relay.url, [&](const HttpRequest& q, HttpResponse& r) {
    if (q.path.find("/push") == std::string::npos || faults >= 3) return false;
    ++faults;
    r = HttpResponse{};
    if (faults < 3) r.status = 503;
    else r.failure = "connection reset";
    return true;
  });
  REQUIRE(flaky.report);
  // The relay took the first push; the answers were lost: the repeats find it known.
  CHECK(flaky.report->pushed == 0);
  CHECK(flaky.report->push_known >= 1);
  std::vector<int> waits;
  for (int d : flaky.delays) {
    if (d > 0) waits.push_back(d);
  }
  CHECK(waits == std::vector<int>{250, 500, 1000});

  // A relay that never answers: five attempts, then a message that says what happened.
  auto dead = Drive(*admin.node, "http://127.0.0.1:9", [](const HttpRequest&, HttpResponse&) {
    return false;
  });
  REQUIRE(!dead.report);
  CHECK(dead.report.error().code == ErrorCode::kNetwork);
  CHECK(dead.report.error().message.find("cannot reach the relay") != std::string::npos);
  CHECK(dead.report.error().message.find("after 5 attempts") != std::string::npos);
  CHECK(dead.delays.size() == 5);
}

TEST_CASE("A sync round signs in again when its session is refused, and can be cancelled",
          "[sync][round][native]") {
  REQUIRE(InitCrypto());
  LocalRelay relay;
  ManualClock clock(SystemClock().NowMs());  // the relay judges expiry by the real time
  Device admin(clock, 1);
  admin.CreateWorkspace();
  Add(admin, "公司");

  // The relay "restarted" (tokens forgotten) just before the push: 401, sign-in, push again.
  bool refused_once = false;
  auto again = Drive(*admin.node, relay.url, [&](const HttpRequest& q, HttpResponse& r) {
    if (refused_once || q.path.find("/push") == std::string::npos) return false;
    refused_once = true;
    r = HttpResponse{};
    r.status = 401;
    r.body = R"({"error": "unknown session token: sign in again"})";
    return true;
  });
  REQUIRE(again.report);
  CHECK(again.report->pushed + again.report->push_known >= 1);
  int sessions = 0;
  for (const std::string& p : again.paths) sessions += p == "/session";
  CHECK(sessions == 2);

  // Cancelled after its first answer: it stops there and says so; the next round completes.
  Add(admin, "另一家公司");
  auto cancelled = Drive(*admin.node, relay.url, {}, [](SyncRound& round, int n) {
    if (n == 0) round.Cancel();
  });
  REQUIRE(!cancelled.report);
  CHECK(cancelled.report.error().code == ErrorCode::kCancelled);
  CHECK(cancelled.paths.size() == 1);
  auto done = Drive(*admin.node, relay.url);
  REQUIRE(done.report);
  CHECK(done.report->pushed >= 1);
}

TEST_CASE("A sync round reports what the relay refused and stops on a malformed refusal",
          "[sync][round][native]") {
  REQUIRE(InitCrypto());
  LocalRelay relay;
  ManualClock clock(SystemClock().NowMs());  // the relay judges expiry by the real time
  Device admin(clock, 1);
  admin.CreateWorkspace();
  Add(admin, "公司");
  auto answer = [](std::string_view path_part, std::string body) {
    return [path_part, body](const HttpRequest& q, HttpResponse& r) {
      if (q.method != "POST" || q.path.find(path_part) == std::string::npos) return false;
      r.status = 200;
      r.body = body;
      return true;
    };
  };

  // This device's own control message refused: the round cannot go on, and says why.
  auto own = Drive(*admin.node, relay.url,
                   answer("/control", R"({"added":0,"known":0,"waiting":0,"rejected":[{"index":0,"reason":"a test refusal"}]})"));
  REQUIRE(!own.report);
  CHECK(own.report.error().code == ErrorCode::kNotPermitted);
  CHECK(own.report.error().message.find("this device's") != std::string::npos);
  CHECK(own.report.error().message.find("a test refusal") != std::string::npos);

  // A refused push is listed with its sequence number and reason; the round goes on to pull.
  auto refused = Drive(*admin.node, relay.url,
                       answer("/push", R"({"accepted":0,"known":0,"rejected":[{"index":0,"reason":"chain broken"}]})"));
  REQUIRE(refused.report);
  REQUIRE(refused.report->push_refused.size() == 1);
  std::string said = refused.report->push_refused[0].text;
  CHECK(said.find("refused changes 1 of device") != std::string::npos);
  CHECK(said.find("chain broken") != std::string::npos);
  CHECK(refused.paths.back().rfind("/pull", 0) == 0);

  // A refusal naming a message the batch does not hold is a malformed answer. (The relay did
  // take each push: the answer is replaced on its way back, so each round has a new commit.)
  for (const char* body : {R"({"accepted":0,"known":0,"rejected":[{"index":7,"reason":"?"}]})",
                           R"({"accepted":0,"known":0,"rejected":[{"reason":"no index"}]})"}) {
    Add(admin, "又一家公司");
    auto odd = Drive(*admin.node, relay.url, answer("/push", body));
    REQUIRE(!odd.report);
    CHECK(odd.report.error().code == ErrorCode::kNetwork);
    CHECK(odd.report.error().message.find("malformed answer") != std::string::npos);
  }
  // The real relay's answer then: a new commit arrives, nothing refused.
  Add(admin, "最后一家公司");
  auto done = Drive(*admin.node, relay.url);
  REQUIRE(done.report);
  CHECK(done.report->pushed == 1);
  CHECK(done.report->push_refused.empty());
}

TEST_CASE("A device's changes wait until a relay took them and the status says when it last synced",
          "[sync][round][native]") {
  REQUIRE(InitCrypto());
  LocalRelay relay;
  ManualClock clock(SystemClock().NowMs());
  Device admin(clock, 11);
  admin.node =
      std::move(*Node::Create(*admin.session, DeviceKeys::Generate(), "beijing", "DH", &clock));
  auto before = admin.node->Status();
  REQUIRE(before);
  CHECK(before->last_synced_ms == 0);
  int64_t made = before->pending_changes;  // the workspace's own first commits
  CHECK(made >= 1);
  Add(admin, "等待公司");
  Add(admin, "Waiting Traders");
  CHECK(admin.node->Status()->pending_changes == made + 2);

  clock.Advance(1000);
  auto round = Drive(*admin.node, relay.url);
  REQUIRE(round.report);
  auto after = admin.node->Status();
  REQUIRE(after);
  CHECK(after->pending_changes == 0);
  CHECK(after->last_synced_ms == clock.NowMs());

  // A save after the round waits again; a round the relay cannot be reached for keeps it
  // waiting and the last good round's time.
  Add(admin, "Later Ltd");
  CHECK(admin.node->Status()->pending_changes == 1);
  int64_t synced_at = clock.NowMs();
  clock.Advance(1000);
  auto down = Drive(*admin.node, relay.url, [](const HttpRequest&, HttpResponse& r) {
    r = HttpResponse{};
    r.failure = "connection refused";
    return true;
  });
  CHECK_FALSE(down.report);
  CHECK(admin.node->Status()->pending_changes == 1);
  CHECK(admin.node->Status()->last_synced_ms == synced_at);
}


TEST_CASE("The transport refuses plain HTTP to another machine unless allowed",
          "[sync][round][native]") {
  using dosti::net::HttpTransport;
  using dosti::net::TransportOptions;
  auto off = HttpTransport::Open("http://192.0.2.10:8787");
  REQUIRE_FALSE(off);
  CHECK(off.error().key == "net.plain_http");
  CHECK(off.error().code == dosti::ErrorCode::kNotPermitted);
  CHECK_FALSE(HttpTransport::Open("http://relay.example.org:80"));
  TransportOptions allowed;
  allowed.allow_plain_http = true;
  CHECK(HttpTransport::Open("http://192.0.2.10:8787", allowed));
  // Loopback stays allowed (the booth's relay, tests), and HTTPS anywhere.
  CHECK(HttpTransport::Open("http://127.0.0.1:8787"));
  CHECK(HttpTransport::Open("http://localhost:8787"));
  CHECK(HttpTransport::Open("http://[::1]:8787"));
  CHECK(HttpTransport::Open("https://192.0.2.10:8443"));
}

// The helper itself: Stop() before the server's thread has begun to serve used to be lost
// (cpp-httplib's stop() does nothing until listen has started), and the destructor then waited
// for ever on a relay made and dropped at once.
TEST_CASE("A local relay destroyed right after it is made stops at once",
          "[sync][round][native]") {
  auto done = std::make_shared<std::atomic<int>>(0);
  std::thread([done] {
    for (int i = 0; i < 20; ++i) {
      dosti::sync::testing::LocalRelay relay;
      ++*done;
    }
  }).detach();
  // 20 relays made and destroyed; a hang leaves the thread behind and fails here.
  for (int waited = 0; waited < 1000 && *done < 20; ++waited) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(*done == 20);
}

#endif  // !defined(__EMSCRIPTEN__)
