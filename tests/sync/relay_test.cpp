// dosti-relay and RelayClient against real relays on 127.0.0.1 (ephemeral ports): in-process
// (with an injected clock) and, for the crash test, the dosti-relay executable killed with
// SIGKILL. Native only: the wasm build has neither sockets nor the relay.
#if !defined(__EMSCRIPTEN__)

#include "relay.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "sync/relay_process.h"
#include "sync/sync_fixture.h"
#include "sync/relay_test_client.h"
#include "dosti/platform.h"
#include "dosti/sync/crypto.h"
#include "dosti/sync/envelope.h"
#include "dosti/sync/trust.h"
#include "dosti/sync/wire.h"
#include "server.h"

namespace {

using dosti::ErrorCode;
using dosti::sync::Bytes;
namespace sync = dosti::sync;
namespace relay = dosti::relay;
namespace net = dosti::net;
namespace testing = dosti::sync::testing;

constexpr int64_t kT0 = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

// Temporary directories, removed when the test binary exits.
struct TempDirs {
  std::vector<std::string> dirs;
  ~TempDirs() {
    std::error_code ignored;
    for (const auto& d : dirs) std::filesystem::remove_all(d, ignored);
  }
};

std::string MakeTempDir() {
  static TempDirs all;
  char tmpl[] = "/tmp/dosti-relay-test-XXXXXX";
  char* d = mkdtemp(tmpl);
  REQUIRE(d != nullptr);
  all.dirs.push_back(d);
  return d;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

using Dev = testing::Device;
using testing::Framed;

// A workspace with an admin (Beijing), an office device (Islamabad) and a booth device.
struct Workspace {
  Dev admin, office, booth;
  sync::RosterBody roster;
  Bytes genesis, ws, secret;

  Workspace() {
    REQUIRE(sync::InitCrypto());
    roster.version = 1;
    roster.prev = Bytes(sync::kHashBytes, '\0');
    roster.nonce = sync::RandomBytes(16);
    roster.issued_ms = kT0;
    roster.members = {admin.AsMember(sync::Role::kAdmin, sync::Office::kBeijing),
                      office.AsMember(sync::Role::kOffice, sync::Office::kIslamabad),
                      booth.AsMember(sync::Role::kBooth, sync::Office::kBeijing)};
    Bytes body = sync::EncodeRoster(roster);
    ws = sync::WorkspaceIdOf(body);
    genesis = sync::SignControl(sync::Kind::kRoster, ws, admin.id, admin.ed.sk, body);
    secret = sync::RandomBytes(32);
  }

  static Bytes IdOf(const Bytes& envelope) {
    auto env = sync::ParseEnvelope(envelope);
    REQUIRE(env);
    return env->Id();
  }

  // Envelopes seq from..to of `d`, chained after `prev` (empty for seq 1).
  std::vector<Bytes> Chain(const Dev& d, uint64_t from, uint64_t to, Bytes prev = {},
                           const std::string& text = "field changes") {
    std::vector<Bytes> out;
    for (uint64_t seq = from; seq <= to; ++seq) {
      out.push_back(sync::SealChanges(ws, 1, secret, d.id, d.ed.sk, seq, prev,
                                      text + " #" + std::to_string(seq)));
      prev = IdOf(out.back());
    }
    return out;
  }

  // Roster version 2: the booth revoked with `cutoff`.
  Bytes RevokeBooth(uint64_t cutoff) {
    sync::RosterBody next = roster;
    next.version = 2;
    next.prev = IdOf(genesis);
    next.issued_ms = kT0 + 1000;
    for (auto& m : next.members) {
      if (m.id == booth.id) {
        m.status = sync::Status::kRevoked;
        m.cutoff = cutoff;
      }
    }
    return sync::SignControl(sync::Kind::kRoster, ws, admin.id, admin.ed.sk,
                             sync::EncodeRoster(next));
  }
};

// A relay served in-process on 127.0.0.1:ephemeral, with a clock the test moves.
struct LiveRelay {
  std::string dir;
  // Read by the relay under its mutex; tests move it between requests only.
  dosti::ManualClock clock{kT0};
  std::unique_ptr<relay::Relay> relay;
  std::unique_ptr<relay::Server> server;
  std::thread thread;
  int port = 0;
  std::ostringstream log;

  explicit LiveRelay(std::string data_dir = MakeTempDir(), relay::ServerOptions so = {},
                     relay::RelayOptions ro = {})
      : dir(std::move(data_dir)) {
    ro.clock = &clock;
    auto r = relay::Relay::Open(dir, ro);
    REQUIRE(r);
    relay = std::move(*r);
    so.log = &log;
    auto s = relay::Server::Create(relay.get(), so);
    REQUIRE(s);
    server = std::move(*s);
    auto p = server->Bind();
    REQUIRE(p);
    port = *p;
    thread = std::thread([this] { server->Run(); });
  }
  ~LiveRelay() {
    server->Stop();
    thread.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
  httplib::Client Raw() const { return httplib::Client("127.0.0.1", port); }
};

net::ClientOptions QuickOptions(std::vector<int>* slept = nullptr) {
  net::ClientOptions o;
  o.attempts = 3;
  o.connect_timeout_ms = 2000;
  o.sleep = [slept](int ms) {
    if (slept) slept->push_back(ms);
  };
  return o;
}

std::unique_ptr<net::RelayClient> Client(const LiveRelay& r, const Bytes& ws,
                                         net::ClientOptions o = QuickOptions()) {
  auto c = net::RelayClient::Open(r.url(), ws, std::move(o));
  REQUIRE(c);
  return std::move(*c);
}

// A registered workspace and a client signed in as `d`.
std::unique_ptr<net::RelayClient> SignedIn(const LiveRelay& r, Workspace& w, const Dev& d) {
  auto c = Client(r, {});
  auto reg = c->Register(w.genesis);
  REQUIRE(reg);
  auto in = c->SignIn(d.id, d.ed.sk);
  INFO((in ? std::string() : in.error().message));
  REQUIRE(in);
  return c;
}

bool Contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("A workspace registers once, and a device signs in, pushes and pulls in pages",
          "[sync][relay][native]") {
  Workspace w;
  LiveRelay r;
  auto c = Client(r, {});
  auto first = c->Register(w.genesis);
  REQUIRE(first);
  CHECK(first->created);
  CHECK(first->workspace == w.ws);
  auto again = c->Register(w.genesis);
  REQUIRE(again);
  CHECK_FALSE(again->created);

  REQUIRE(c->SignIn(w.office.id, w.office.ed.sk));
  auto empty = c->GetFrontier();
  REQUIRE(empty);
  CHECK(empty->empty());

  std::vector<Bytes> mine = w.Chain(w.office, 1, 12);
  std::vector<Bytes> admins = w.Chain(w.admin, 1, 5);  // forwarded: any member may upload
  std::vector<Bytes> all = mine;
  all.insert(all.end(), admins.begin(), admins.end());
  auto pushed = c->Push(all);
  REQUIRE(pushed);
  CHECK(pushed->accepted == 17);
  CHECK(pushed->known == 0);
  CHECK(pushed->rejected.empty());

  auto f = c->GetFrontier();
  REQUIRE(f);
  CHECK(f->at(w.office.id) == 12);
  CHECK(f->at(w.admin.id) == 5);

  // Another device pulls in small pages: every envelope, byte for byte, in (author, seq) order.
  auto booth = Client(r, w.ws);
  REQUIRE(booth->SignIn(w.booth.id, w.booth.ed.sk));
  net::Frontier have;
  std::vector<Bytes> got;
  int pages = 0;
  REQUIRE(booth->PullAll(
      &have,
      [&](std::vector<Bytes>&& page) -> dosti::Result<void> {
        ++pages;
        for (auto& e : page) got.push_back(std::move(e));
        return {};
      },
      /*page_bytes=*/3 * all[0].size()));
  CHECK(pages >= 5);
  REQUIRE(got.size() == 17);
  std::map<Bytes, Bytes> by_id;
  for (const auto& e : all) by_id[Workspace::IdOf(e)] = e;
  for (const auto& e : got) CHECK(by_id.at(Workspace::IdOf(e)) == e);
  CHECK(have == *f);
  CHECK(booth->progress().envelopes_down == 17);

  // A pull from the relay's frontier returns nothing more; a page holds at least one envelope.
  auto none = booth->Pull(have, 1);
  REQUIRE(none);
  CHECK(none->envelopes.empty());
  CHECK_FALSE(none->more);
  auto one = booth->Pull({}, 1);
  REQUIRE(one);
  CHECK(one->envelopes.size() == 1);
  CHECK(one->more);

  // One log line per request, with the device once signed in.
  std::string log = r.log.str();
  CHECK(Contains(log, "POST /v1/" + sync::ToHex(w.ws) + "/push 200"));
  CHECK(Contains(log, "device=" + sync::ToHex(w.office.id)));
}

TEST_CASE("Push splits large batches into requests under the limit and reports progress",
          "[sync][relay][native]") {
  Workspace w;
  LiveRelay r;
  net::ClientOptions o = QuickOptions();
  std::vector<net::Progress> seen;
  o.on_progress = [&](const net::Progress& p) { seen.push_back(p); };
  o.max_request_bytes = 3000;
  auto c = Client(r, {}, o);
  REQUIRE(c->Register(w.genesis));
  REQUIRE(c->SignIn(w.office.id, w.office.ed.sk));
  std::vector<Bytes> envs = w.Chain(w.office, 1, 20, {}, std::string(600, 'x'));
  auto pushed = c->Push(envs);
  REQUIRE(pushed);
  CHECK(pushed->accepted == 20);
  CHECK(seen.size() >= 5);
  CHECK(seen.back().envelopes_up == 20);
  uint64_t framed = 0;
  for (const auto& e : envs) framed += 4 + e.size();
  CHECK(seen.back().bytes_up == framed);
  // The relay writes a request's log line after its answer: the last one may come a moment
  // after the client has it.
  std::size_t requests = 0;
  for (int wait = 0; wait < 100 && requests != seen.size(); ++wait) {
    if (wait) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::string log = r.log.str();
    requests = 0;
    for (std::size_t at = 0; (at = log.find("/push 200", at)) != std::string::npos; ++at) ++requests;
  }
  CHECK(requests == seen.size());
}

TEST_CASE("A replay is a no-op, a gap is rejected, an equivocation is rejected and kept",
          "[sync][relay][native]") {
  Workspace w;
  LiveRelay r;
  auto c = SignedIn(r, w, w.office);
  std::vector<Bytes> chain = w.Chain(w.office, 1, 4);
  REQUIRE(c->Push({chain[0], chain[1], chain[2]})->accepted == 3);

  auto replay = c->Push({chain[0], chain[1], chain[2]});
  REQUIRE(replay);
  CHECK(replay->accepted == 0);
  CHECK(replay->known == 3);
  CHECK(replay->rejected.empty());

  std::vector<Bytes> later = w.Chain(w.office, 6, 6, Workspace::IdOf(chain[3]));
  auto gap = c->Push(later);
  REQUIRE(gap);
  REQUIRE(gap->rejected.size() == 1);
  CHECK(Contains(gap->rejected[0].reason, "gap: the relay has seq 3"));

  // Same seq 2, different content: rejected, and kept as evidence.
  Bytes forged = sync::SealChanges(w.ws, 1, w.secret, w.office.id, w.office.ed.sk, 2,
                                   Workspace::IdOf(chain[0]), "another history");
  // And a seq 4 whose prev is not the relay's seq 3.
  Bytes fork = sync::SealChanges(w.ws, 1, w.secret, w.office.id, w.office.ed.sk, 4,
                                 Workspace::IdOf(forged), "on the other branch");
  auto eq = c->Push({forged, fork, chain[3]});
  REQUIRE(eq);
  REQUIRE(eq->rejected.size() == 2);
  CHECK(eq->rejected[0].index == 0);
  CHECK(Contains(eq->rejected[0].reason, "equivocation"));
  CHECK(eq->rejected[1].index == 1);
  CHECK(Contains(eq->rejected[1].reason, "equivocation"));
  CHECK(eq->accepted == 1);  // the genuine seq 4 still goes in
  auto evidence = r.relay->Evidence(w.ws);
  REQUIRE(evidence);
  REQUIRE(evidence->size() == 2);
  CHECK((*evidence)[0].seq == 2);
  CHECK((*evidence)[1].seq == 4);

  // Pull returns the genuine history only.
  auto page = c->Pull({});
  REQUIRE(page);
  REQUIRE(page->envelopes.size() == 4);
  for (int i = 0; i < 4; ++i) CHECK(page->envelopes[i] == chain[i]);

  // More different seq 2s: each is refused; two are evidence enough of the fork, the rest
  // would only be bytes a member makes the relay keep (one of each pair is the same twice).
  for (int k = 0; k < 5; ++k) {
    Bytes other = sync::SealChanges(w.ws, 1, w.secret, w.office.id, w.office.ed.sk, 2,
                                    Workspace::IdOf(chain[0]), "history " + std::to_string(k));
    auto more = c->Push({other, other});
    REQUIRE(more);
    REQUIRE(more->rejected.size() == 2);
    CHECK(Contains(more->rejected[0].reason, "equivocation"));
  }
  evidence = r.relay->Evidence(w.ws);
  REQUIRE(evidence);
  CHECK(evidence->size() == relay::kMaxEvidencePerSeq + 1);  // seq 2 twice, seq 4 once
}

TEST_CASE("Signing in over and over ends a device's oldest sessions, 16 stay",
          "[sync][relay][native]") {
  Workspace w;
  LiveRelay r;
  REQUIRE(r.relay->Register(w.genesis));
  std::vector<Bytes> tokens;
  for (int i = 0; i < 20; ++i) {
    auto ch = r.relay->MakeChallenge(w.ws, w.office.id, "127.0.0.1");
    REQUIRE(ch);
    Bytes sig = sync::Sign(w.office.ed.sk, relay::AuthMessage(ch->relay_id, w.ws, ch->nonce, kT0));
    auto s = r.relay->SignIn(w.ws, w.office.id, ch->nonce, kT0, sig);
    REQUIRE(s);
    tokens.push_back(s->token);
  }
  for (int i = 0; i < 20; ++i) {
    INFO("session " << i);
    CHECK(static_cast<bool>(r.relay->Authenticate(w.ws, tokens[i])) == (i >= 20 - 16));
  }
}

TEST_CASE("Envelopes from outside the roster, another workspace or past a revocation are refused",
          "[sync][relay][native]") {
  Workspace w, other;
  LiveRelay r;
  auto c = SignedIn(r, w, w.office);
  Dev stranger;
  Bytes from_stranger =
      sync::SealChanges(w.ws, 1, w.secret, stranger.id, stranger.ed.sk, 1, {}, "x");
  Bytes other_ws = other.Chain(other.office, 1, 1)[0];
  Bytes control = w.RevokeBooth(0);  // a control message does not belong in a push
  Bytes tampered = w.Chain(w.office, 1, 1)[0];
  tampered[sync::kHeaderBytes + 3] ^= 1;
  auto out = c->Push({from_stranger, other_ws, control, tampered});
  REQUIRE(out);
  REQUIRE(out->rejected.size() == 4);
  CHECK(Contains(out->rejected[0].reason, "not in the roster"));
  CHECK(Contains(out->rejected[1].reason, "workspace"));
  CHECK(Contains(out->rejected[2].reason, "does not belong in a push"));
  CHECK_FALSE(out->rejected[3].reason.empty());

  // The booth writes 3 envelopes, is revoked with cut-off 2: seq 3 is refused, 1–2 stay valid
  // history that any member may still forward.
  std::vector<Bytes> booth = w.Chain(w.booth, 1, 3);
  auto ctl = c->PostControl({w.RevokeBooth(2)});
  REQUIRE(ctl);
  CHECK(ctl->added == 1);
  auto after = c->Push(booth);
  REQUIRE(after);
  CHECK(after->accepted == 2);
  REQUIRE(after->rejected.size() == 1);
  CHECK(after->rejected[0].index == 2);
  CHECK(Contains(after->rejected[0].reason, "revoked"));
}

TEST_CASE("Sign-in is refused for a wrong signature, an unknown device, a stale or reused nonce",
          "[sync][relay][native]") {
  Workspace w;
  LiveRelay r;
  auto c = Client(r, {});
  REQUIRE(c->Register(w.genesis));

  auto wrong_key = c->SignIn(w.office.id, w.admin.ed.sk);
  REQUIRE_FALSE(wrong_key);
  CHECK(wrong_key.error().code == ErrorCode::kNetwork);
  CHECK(Contains(wrong_key.error().message, "does not verify"));

  Dev stranger;
  auto unknown = c->SignIn(stranger.id, stranger.ed.sk);
  REQUIRE_FALSE(unknown);
  CHECK(Contains(unknown.error().message, "not in the roster"));
  CHECK(Contains(unknown.error().message, "HTTP 403"));

  // Raw: a nonce older than 60 s, then one used twice.
  auto raw = r.Raw();
  std::string base = "/v1/" + sync::ToHex(w.ws);
  auto challenge = [&] {
    auto res = raw.Post(base + "/challenge",
                        "{\"device\":\"" + sync::ToHex(w.office.id) + "\"}", "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    auto at = res->body.find("\"nonce\":\"");
    REQUIRE(at != std::string::npos);
    return res->body.substr(at + 9, 64);
  };
  auto session = [&](const std::string& nonce_hex) {
    Bytes sig = sync::Sign(w.office.ed.sk, relay::AuthMessage(r.relay->relay_id(), w.ws,
                                                              *sync::FromHex(nonce_hex), kT0));
    std::string body = "{\"device\":\"" + sync::ToHex(w.office.id) + "\",\"nonce\":\"" +
                       nonce_hex + "\",\"time_ms\":" + std::to_string(kT0) +
                       ",\"signature\":\"" + sync::ToHex(sig) + "\"}";
    auto res = raw.Post(base + "/session", body, "application/json");
    REQUIRE(res);
    return std::make_pair(res->status, res->body);
  };
  std::string stale = challenge();
  r.clock.Advance(61'000);
  auto expired = session(stale);
  CHECK(expired.first == 401);
  CHECK(Contains(expired.second, "expired"));

  std::string fresh = challenge();
  auto ok = session(fresh);
  CHECK(ok.first == 200);
  CHECK(Contains(ok.second, "\"token\""));
  auto reused = session(fresh);
  CHECK(reused.first == 401);
  CHECK(Contains(reused.second, "already used"));

  // Without or with a bogus token, authenticated routes answer 401.
  auto no_token = raw.Get(base + "/frontier");
  REQUIRE(no_token);
  CHECK(no_token->status == 401);
  httplib::Headers bogus{{"Authorization", "Bearer " + std::string(64, 'a')}};
  auto bad = raw.Get(base + "/frontier", bogus);
  REQUIRE(bad);
  CHECK(bad->status == 401);
}

TEST_CASE("A revoked device cannot sign in, and its open session ends at its next request",
          "[sync][relay][native]") {
  Workspace w;
  LiveRelay r;
  auto booth = SignedIn(r, w, w.booth);
  REQUIRE(booth->GetFrontier());
  auto admin = Client(r, w.ws);
  auto posted = admin->PostControl({w.RevokeBooth(0)});
  REQUIRE(posted);
  CHECK(posted->added == 1);

  auto refused = booth->GetFrontier();  // the client tries to sign in again, and is refused
  REQUIRE_FALSE(refused);
  CHECK(Contains(refused.error().message, "revoked"));
  auto again = booth->SignIn(w.booth.id, w.booth.ed.sk);
  REQUIRE_FALSE(again);
  CHECK(Contains(again.error().message, "revoked"));
  CHECK(Contains(again.error().message, "HTTP 403"));
}

TEST_CASE("Control messages are listed after an index and the roster survives a restart",
          "[sync][relay][native]") {
  Workspace w;
  std::string dir = MakeTempDir();
  {
    LiveRelay r(dir);
    auto second = relay::Relay::Open(dir);  // one relay per data directory
    REQUIRE_FALSE(second);
    CHECK(Contains(second.error().message, "another dosti-relay is already using"));
    auto c = Client(r, {});
    REQUIRE(c->Register(w.genesis));
    REQUIRE(c->SignIn(w.office.id, w.office.ed.sk));  // reading control messages needs it
    Bytes revoke = w.RevokeBooth(0);
    auto posted = c->PostControl({revoke, revoke, Bytes("junk")});
    REQUIRE(posted);
    CHECK(posted->added == 1);
    CHECK(posted->known == 1);
    REQUIRE(posted->rejected.size() == 1);
    CHECK(posted->rejected[0].index == 2);
    auto all = c->GetControl(0);
    REQUIRE(all);
    REQUIRE(all->messages.size() == 2);
    CHECK(all->messages[0] == w.genesis);
    CHECK(all->messages[1] == revoke);
    CHECK(all->next == 2);
    auto rest = c->GetControl(1);
    REQUIRE(rest);
    CHECK(rest->messages.size() == 1);
    auto none = c->GetControl(2);
    REQUIRE(none);
    CHECK(none->messages.empty());
    CHECK(none->next == 2);
  }
  LiveRelay r(dir);  // the Trust is rebuilt from relay.db
  auto c = Client(r, w.ws);
  auto booth = c->SignIn(w.booth.id, w.booth.ed.sk);
  REQUIRE_FALSE(booth);
  CHECK(Contains(booth.error().message, "revoked"));
  REQUIRE(c->SignIn(w.office.id, w.office.ed.sk));
}

TEST_CASE(
    "Control messages are judged by their signer before they are read, nothing is parked "
    "and a long history is stored once",
    "[sync][relay][native]") {
  Workspace w;
  LiveRelay r;
  relay::Relay& rl = *r.relay;
  REQUIRE(rl.Register(w.genesis));
  auto post = [&](const std::vector<Bytes>& msgs) {
    std::vector<std::string_view> views(msgs.begin(), msgs.end());
    auto out = rl.PostControl(w.ws, views);
    REQUIRE(out);
    return *out;
  };
  auto parked = [&] {
    auto p = rl.ParkedControl(w.ws);
    REQUIRE(p);
    return std::make_pair(p->count, p->bytes);
  };
  // Roster version 3 by the admin while the relay holds version 1, and version 2 by a
  // stranger: a Trust would park both; the relay refuses them and keeps nothing.
  sync::RosterBody v3 = w.roster;
  v3.version = 3;
  v3.prev = Bytes(sync::kHashBytes, '\x01');
  Bytes ahead = sync::SignControl(sync::Kind::kRoster, w.ws, w.admin.id, w.admin.ed.sk,
                                  sync::EncodeRoster(v3));
  Dev stranger;
  sync::RosterBody v2 = w.roster;
  v2.version = 2;
  Bytes forged = sync::SignControl(sync::Kind::kRoster, w.ws, stranger.id, stranger.ed.sk,
                                   sync::EncodeRoster(v2));
  auto refused = post({ahead, forged});
  CHECK(refused.added == 0);
  CHECK(refused.waiting == 0);
  REQUIRE(refused.rejected.size() == 2);
  CHECK(Contains(refused.rejected[0].reason, "send the roster history first"));
  CHECK(Contains(refused.rejected[1].reason, "send the roster history first"));
  CHECK(parked() == std::make_pair(std::size_t{0}, std::size_t{0}));

  // In one request, a roster version that adds a second admin, then an invite by the new
  // admin: its author is judged after the version before it has been folded in.
  Dev second;
  sync::RosterBody v2_body = w.roster;
  v2_body.version = 2;
  v2_body.prev = Workspace::IdOf(w.genesis);
  v2_body.members.push_back(second.AsMember(sync::Role::kAdmin, sync::Office::kIslamabad));
  Bytes v2_second = sync::SignControl(sync::Kind::kRoster, w.ws, w.admin.id, w.admin.ed.sk,
                                      sync::EncodeRoster(v2_body));
  sync::InviteBody by_second;
  by_second.id = sync::RandomBytes(sync::kIdBytes);
  by_second.key_pk = sync::SigningKeys::Generate().pk;
  Bytes invite_by_second = sync::SignControl(sync::Kind::kInvite, w.ws, second.id,
                                             second.ed.sk, sync::EncodeInvite(by_second));
  auto early = post({invite_by_second});  // before the version that entitles it: refused
  CHECK(early.added == 0);
  REQUIRE(early.rejected.size() == 1);
  CHECK(Contains(early.rejected[0].reason, "send the roster history first"));
  auto in_order = post({w.genesis, v2_second, invite_by_second});
  CHECK(in_order.known == 1);
  CHECK(in_order.added == 2);
  CHECK(in_order.rejected.empty());
  CHECK(parked() == std::make_pair(std::size_t{0}, std::size_t{0}));

  // A client sends its whole history every time: 4 rounds of 50 new invites each.
  std::vector<Bytes> history = {w.genesis, v2_second, invite_by_second};
  for (int round = 0; round < 4; ++round) {
    for (int i = 0; i < 50; ++i) {
      sync::InviteBody v;
      v.id = sync::RandomBytes(sync::kIdBytes);
      v.key_pk = sync::SigningKeys::Generate().pk;
      v.expires_ms = kT0 + 1000;
      history.push_back(sync::SignControl(sync::Kind::kInvite, w.ws, w.admin.id, w.admin.ed.sk,
                                          sync::EncodeInvite(v)));
    }
    auto out = post(history);
    CHECK(out.added == 50);
    CHECK(out.known == history.size() - 50);
    CHECK(out.rejected.empty());
  }
  uint64_t next = 0;
  bool more = false;
  auto stored = rl.ControlAfter(w.ws, 0, 32u << 20, &next, &more);
  REQUIRE(stored);
  CHECK(*stored == history);
  CHECK(parked() == std::make_pair(std::size_t{0}, std::size_t{0}));
  r.server->Stop();  // rebuilt from the store: everything is known, nothing added twice
  r.relay.reset();
  auto reopened = relay::Relay::Open(r.dir);
  REQUIRE(reopened);
  std::vector<std::string_view> views(history.begin(), history.end());
  auto again = (*reopened)->PostControl(w.ws, views);
  REQUIRE(again);
  CHECK(again->known == history.size());
  CHECK(again->added == 0);
}

TEST_CASE(
    "Pending challenges: members only, capped per pair, address, device and in all, and "
    "freed as they expire",
    "[sync][relay][native]") {
  Workspace w;
  relay::RelayOptions ro;
  ro.max_pending_nonces = 6;
  ro.max_challenges_per_device = 3;
  ro.max_challenges_per_address = 4;
  ro.max_challenges_per_device_address = 2;
  LiveRelay r(MakeTempDir(), {}, ro);
  relay::Relay& rl = *r.relay;
  REQUIRE(rl.Register(w.genesis));
  auto ask = [&](const Dev& d, const char* client) { return rl.MakeChallenge(w.ws, d.id, client); };
  auto key = [](const dosti::Result<relay::Challenge>& c) {
    return c ? std::string() : c.error().key;
  };

  CHECK_FALSE(rl.MakeChallenge(w.ws, Dev().id, "a"));  // not a member: nothing kept
  CHECK(rl.PendingChallenges() == 0);
  // One device from one address: its own oldest makes room, so it is never locked out.
  auto first = ask(w.office, "a");
  REQUIRE(first);
  REQUIRE(ask(w.office, "a"));
  auto third = ask(w.office, "a");
  REQUIRE(third);
  CHECK(rl.PendingChallenges() == 2);
  auto sign = [&](const relay::Challenge& c) {
    return rl.SignIn(
        w.ws, w.office.id, c.nonce, kT0,
        sync::Sign(w.office.ed.sk, relay::AuthMessage(c.relay_id, w.ws, c.nonce, kT0)));
  };
  auto dropped = sign(*first);
  REQUIRE_FALSE(dropped);
  CHECK(Contains(dropped.error().message, "unknown or already used"));
  // Per device (3) from all addresses.
  REQUIRE(ask(w.office, "b"));
  CHECK(key(ask(w.office, "c")) == "relay.busy.device");
  // Per address (4) for all devices.
  REQUIRE(ask(w.admin, "a"));
  REQUIRE(ask(w.booth, "a"));
  auto busy = ask(w.admin, "a");
  CHECK(key(busy) == "relay.busy.address");
  CHECK(busy.error().code == ErrorCode::kTooLarge);
  // In all (6).
  REQUIRE(ask(w.admin, "d"));
  CHECK(key(ask(w.booth, "e")) == "relay.busy.relay");
  CHECK(rl.PendingChallenges() == 6);
  // Over HTTP a full device answers 429 with Retry-After.
  auto raw = r.Raw();
  auto res = raw.Post("/v1/" + sync::ToHex(w.ws) + "/challenge",
                      "{\"device\":\"" + sync::ToHex(w.office.id) + "\"}", "application/json");
  REQUIRE(res);
  CHECK(res->status == 429);
  CHECK(res->get_header_value("Retry-After") == "60");
  CHECK(Contains(res->body, "relay.busy.device"));

  // A minute later they have expired: the slots are free again and sign-in works.
  r.clock.Advance(61'000);
  auto fresh = ask(w.office, "c");
  REQUIRE(fresh);
  CHECK(rl.PendingChallenges() == 1);
  CHECK(sign(*third).error().code == ErrorCode::kUnauthentic);  // dropped when it expired
  REQUIRE(sign(*fresh));
  CHECK(rl.PendingChallenges() == 0);
}

TEST_CASE("Garbage, oversize and malformed requests get 4xx and the relay keeps answering",
          "[sync][relay][native]") {
  Workspace w;
  LiveRelay r;
  auto c = SignedIn(r, w, w.office);
  REQUIRE(c->Push(w.Chain(w.office, 1, 1)));
  auto raw = r.Raw();
  std::string base = "/v1/" + sync::ToHex(w.ws);
  auto login = raw.Post(base + "/challenge", "{\"device\":\"" + sync::ToHex(w.office.id) + "\"}",
                        "application/json");
  REQUIRE(login);

  // A token for raw requests, through the client's own sign-in on a second client.
  std::string token;
  {
    auto ch = raw.Post(base + "/challenge", "{\"device\":\"" + sync::ToHex(w.office.id) + "\"}",
                       "application/json");
    REQUIRE(ch);
    auto at = ch->body.find("\"nonce\":\"");
    std::string nonce = ch->body.substr(at + 9, 64);
    Bytes sig = sync::Sign(w.office.ed.sk,
                           relay::AuthMessage(r.relay->relay_id(), w.ws, *sync::FromHex(nonce), 1));
    auto s = raw.Post(base + "/session",
                      "{\"device\":\"" + sync::ToHex(w.office.id) + "\",\"nonce\":\"" + nonce +
                          "\",\"time_ms\":1,\"signature\":\"" + sync::ToHex(sig) + "\"}",
                      "application/json");
    REQUIRE(s);
    REQUIRE(s->status == 200);
    auto t = s->body.find("\"token\":\"");
    token = s->body.substr(t + 9, 64);
  }
  httplib::Headers auth{{"Authorization", "Bearer " + token}};
  const std::string bin = "application/octet-stream";

  struct Case {
    const char* what;
    std::string path;
    std::string body;
    int status;
  };
  std::string random = sync::RandomBytes(5000);
  std::string huge_frame;
  {
    sync::Writer wr;
    wr.U32(2u << 20).Raw(std::string(100, 'x'));
    huge_frame = wr.Take();
  }
  std::vector<Case> cases = {
      {"a truncated frame", base + "/push", std::string("\x10\x00\x00\x00" "abc", 7), 400},
      {"a frame over 1 MiB", base + "/push", huge_frame, 413},
      {"a registration of garbage", "/v1/workspaces", random, 400},
      {"control garbage", base + "/control", std::string("\x03\x00", 2), 400},
      {"pull with a non-JSON body", base + "/pull", "{not json", 400},
      {"pull with a bad frontier", base + "/pull", "{\"frontier\":{\"zz\":1}}", 400},
      {"pull with a negative max", base + "/pull", "{\"max_bytes\":-5}", 400},
      {"challenge for a short device id", base + "/challenge", "{\"device\":\"abcd\"}", 400},
      {"session with missing fields", base + "/session", "{\"device\":1}", 400},
      {"an unknown workspace", "/v1/" + std::string(32, '0') + "/control", "", 404},
      {"an unknown route", "/v1/nothing", "", 404},
  };
  // Random bytes read as frames: the first length is over 1 MiB (413) or runs past the end (400).
  auto noise = raw.Post(base + "/push", auth, random, bin);
  REQUIRE(noise);
  CHECK((noise->status == 400 || noise->status == 413));
  for (const Case& k : cases) {
    INFO(k.what);
    auto res = raw.Post(k.path, auth, k.body, bin);
    REQUIRE(res);
    CHECK(res->status == k.status);
    CHECK(Contains(res->body, "\"error\""));
  }
  // A push whose frames hold garbage envelopes: 200, each rejected with its reason.
  auto mixed = raw.Post(base + "/push", auth, Framed({"", random.substr(0, 300)}), bin);
  REQUIRE(mixed);
  CHECK(mixed->status == 200);
  CHECK(Contains(mixed->body, "\"index\":1"));

  // A body over 32 MiB is refused before it is read whole.
  auto over = raw.Post(base + "/push", auth, std::string((32u << 20) + 1, '\0'), bin);
  if (over) CHECK(over->status == 413);  // httplib may also just close the connection

  auto status = raw.Get("/v1/status");
  REQUIRE(status);
  CHECK(status->status == 200);
  auto f = c->GetFrontier();
  REQUIRE(f);
  CHECK(f->at(w.office.id) == 1);
}

TEST_CASE("Registration is open on loopback and needs the token elsewhere",
          "[sync][relay][native]") {
  Workspace w;
  relay::ServerOptions closed;
  closed.host = "0.0.0.0";
  LiveRelay no_token(MakeTempDir(), closed);
  auto c = Client(no_token, {});
  auto refused = c->Register(w.genesis);
  REQUIRE_FALSE(refused);
  CHECK(Contains(refused.error().message, "registration is closed"));

  relay::ServerOptions with_token = closed;
  with_token.registration_token = "s3cret-token";
  LiveRelay r(MakeTempDir(), with_token);
  auto c2 = Client(r, {});
  auto wrong = c2->Register(w.genesis, "guess");
  REQUIRE_FALSE(wrong);
  CHECK(Contains(wrong.error().message, "HTTP 403"));
  auto right = c2->Register(w.genesis, "s3cret-token");
  REQUIRE(right);
  CHECK(right->created);
}

TEST_CASE("The per-device quota and rate limit refuse with clear reasons", "[sync][relay][native]") {
  Workspace w;
  relay::RelayOptions ro;
  ro.device_quota_bytes = 3000;
  relay::ServerOptions so;
  so.rate_per_s = 1;
  so.rate_burst = 6;
  LiveRelay r(MakeTempDir(), so, ro);
  net::ClientOptions o = QuickOptions();
  o.attempts = 1;
  auto c = Client(r, {}, o);
  REQUIRE(c->Register(w.genesis));
  REQUIRE(c->SignIn(w.office.id, w.office.ed.sk));
  auto pushed = c->Push(w.Chain(w.office, 1, 10, {}, std::string(500, 'q')));
  REQUIRE(pushed);
  CHECK(pushed->accepted >= 1);
  CHECK(pushed->accepted < 10);
  REQUIRE_FALSE(pushed->rejected.empty());
  CHECK(Contains(pushed->rejected[0].reason, "quota"));

  bool limited = false;
  for (int i = 0; i < 10 && !limited; ++i) {
    auto f = c->GetFrontier();
    if (!f) {
      CHECK(Contains(f.error().message, "HTTP 429"));
      limited = true;
    }
  }
  CHECK(limited);
}

TEST_CASE("The client says what to do when the relay is unreachable, and backs off",
          "[sync][relay][native]") {
  // A port that was just free: bind, note, close (nobody listens there now).
  int port;
  {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port = ntohs(a.sin_port);
    close(fd);
  }
  std::vector<int> slept;
  net::ClientOptions o = QuickOptions(&slept);
  o.attempts = 4;
  auto c = net::RelayClient::Open("http://127.0.0.1:" + std::to_string(port), {}, o);
  REQUIRE(c);
  auto r = (*c)->Register("x");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::kNetwork);
  CHECK(Contains(r.error().message, "cannot reach the relay at http://127.0.0.1:"));
  CHECK(Contains(r.error().message, "is dosti-relay running"));
  CHECK(slept == std::vector<int>{250, 500, 1000});

  auto bad = net::RelayClient::Open("ftp://somewhere", {});
  REQUIRE_FALSE(bad);
  CHECK(Contains(bad.error().message, "http://HOST:PORT"));
}

TEST_CASE("The client retries 5xx answers but not 4xx ones", "[sync][relay][native]") {
  httplib::Server flaky;
  std::atomic<int> calls{0};
  flaky.Post("/v1/workspaces", [&](const httplib::Request&, httplib::Response& res) {
    int n = ++calls;
    if (n <= 2) {
      res.status = 503;
      res.set_content("{\"error\":\"busy\"}", "application/json");
    } else if (n == 3) {
      res.status = 201;
      res.set_content("{\"workspace\":\"" + std::string(32, 'a') + "\",\"created\":true}",
                      "application/json");
    } else {
      res.status = 400;
      res.set_content("{\"error\":\"no\"}", "application/json");
    }
  });
  int port = flaky.bind_to_any_port("127.0.0.1");
  std::thread t([&] { flaky.listen_after_bind(); });
  std::vector<int> slept;
  auto c = net::RelayClient::Open("http://127.0.0.1:" + std::to_string(port), {},
                                  QuickOptions(&slept));
  REQUIRE(c);
  auto ok = (*c)->Register("genesis");
  REQUIRE(ok);
  CHECK(calls == 3);
  CHECK(slept.size() == 2);
  auto refused = (*c)->Register("genesis");
  REQUIRE_FALSE(refused);
  CHECK(calls == 4);  // a 4xx is final
  CHECK(Contains(refused.error().message, "HTTP 400): no"));
  c->reset();  // closes its kept-alive connection, so the server stops at once
  flaky.stop();
  t.join();
}

TEST_CASE("Reading the control messages needs a session: members, and a pending device",
          "[sync][relay][native]") {
  Workspace w;
  LiveRelay r;
  auto raw = r.Raw();
  auto admin = SignedIn(r, w, w.admin);
  const std::string list = "/v1/" + sync::ToHex(w.ws) + "/control?after=0";
  // A stranger (no session): the roster's devices, keys and roles are not for it.
  auto anon = raw.Get(list);
  REQUIRE(anon);
  CHECK(anon->status == 401);
  CHECK_FALSE(Contains(anon->body, w.genesis.substr(0, 16)));
  auto member = admin->GetControl(0);
  REQUIRE(member);
  CHECK(member->messages.size() == 1);
  // A device that joined and waits: it may sign in and read the control messages (to learn of
  // its approval), and nothing else.
  Dev joiner;
  auto invite = testing::MakeInvite(w.ws, w.admin, 0x51, sync::Role::kBooth, sync::Office::kBeijing,
                                    kT0 + testing::kDay);
  REQUIRE(admin->PostControl({invite.envelope, testing::MakeJoin(w.ws, invite, joiner, kT0)})
              ->added == 2);
  auto pending = Client(r, w.ws);
  REQUIRE(pending->SignIn(joiner.id, joiner.ed.sk));
  auto theirs = pending->GetControl(0);
  REQUIRE(theirs);
  CHECK(theirs->messages.size() == 3);
  auto frontier = pending->GetFrontier();
  REQUIRE_FALSE(frontier);
  CHECK(Contains(frontier.error().message, "waits for an admin's approval"));
  auto pull = pending->Pull({});
  REQUIRE_FALSE(pull);
  // A stranger cannot sign in at all.
  Dev stranger;
  auto other = Client(r, w.ws);
  CHECK_FALSE(other->SignIn(stranger.id, stranger.ed.sk));
}

TEST_CASE("Static files refuse NUL bytes and symbolic links", "[sync][relay][native]") {
  std::string root = MakeTempDir();
  std::string web = root + "/web";
  REQUIRE(mkdir(web.c_str(), 0700) == 0);
  REQUIRE(mkdir((root + "/elsewhere").c_str(), 0700) == 0);
  WriteFile(web + "/index.html", "<!doctype html><title>Dosti</title>");
  WriteFile(root + "/secret.txt", "not for the web");
  WriteFile(root + "/elsewhere/index.html", "not for the web either");
  WriteFile(root + "/elsewhere/key.pem", "not for the web at all");
  // Links inside the web directory to files and a directory outside it.
  REQUIRE(symlink((root + "/secret.txt").c_str(), (web + "/leak.txt").c_str()) == 0);
  REQUIRE(symlink((root + "/elsewhere").c_str(), (web + "/more").c_str()) == 0);
  relay::ServerOptions so;
  so.web_dir = web;
  LiveRelay r(MakeTempDir(), so);
  auto raw = r.Raw();
  for (const char* path : {"/leak.txt", "/more/key.pem", "/more/", "/more/index.html"}) {
    INFO(path);
    auto res = raw.Get(path);
    REQUIRE(res);
    CHECK(res->status == 404);
    CHECK_FALSE(Contains(res->body, "not for the web"));
  }
  // A NUL cuts a file name short in the file system: "/index.html\0.png" must not serve
  // index.html (and not as an image).
  auto nul = raw.Get("/index.html%00.png");
  REQUIRE(nul);
  CHECK(nul->status == 404);
  CHECK_FALSE(Contains(nul->body, "<title>"));
  auto ok = raw.Get("/index.html");
  REQUIRE(ok);
  CHECK(ok->status == 200);
}

TEST_CASE("The request log escapes control characters", "[sync][relay][native]") {
  LiveRelay r;
  auto raw = r.Raw();
  // A path that decodes to a newline and a forged log line, an escape sequence and a NUL.
  auto res = raw.Get("/v1/x%0a2026-01-01T00:00:00.000Z%201.2.3.4%20POST%20/v1/forged%20200%1b[2J%00");
  REQUIRE(res);
  auto stop = raw.Get("/v1/status");  // the first one's line is written by now
  REQUIRE(stop);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::string log = r.log.str();
  INFO(log);
  CHECK_FALSE(Contains(log, "\n2026-01-01T00:00:00.000Z"));
  CHECK(Contains(log, "/v1/x\\x0a2026-01-01T00:00:00.000Z 1.2.3.4 POST /v1/forged 200\\x1b[2J\\x00"));
  CHECK(log.find('\x1b') == std::string::npos);
}

TEST_CASE("Static files are served with their types, and nothing outside the web directory",
          "[sync][relay][native]") {
  std::string root = MakeTempDir();
  std::string web = root + "/web";
  REQUIRE(mkdir(web.c_str(), 0700) == 0);
  REQUIRE(mkdir((web + "/icons").c_str(), 0700) == 0);
  WriteFile(web + "/index.html", "<!doctype html><title>Dosti</title>");
  WriteFile(web + "/app.js", "export const x = 1;");
  WriteFile(web + "/core.wasm", std::string("\0asm\1\0\0\0", 8));
  WriteFile(web + "/manifest.webmanifest", "{}");
  WriteFile(web + "/style.css", "body{}");
  WriteFile(web + "/icons/icon.svg", "<svg/>");
  WriteFile(web + "/icons/icon.png", "\x89PNG");
  WriteFile(root + "/secret.txt", "not for the web");
  relay::ServerOptions so;
  so.web_dir = web;
  LiveRelay r(MakeTempDir(), so);
  auto raw = r.Raw();
  std::map<std::string, std::string> types = {
      {"/", "text/html"},
      {"/app.js", "text/javascript"},
      {"/core.wasm", "application/wasm"},
      {"/manifest.webmanifest", "application/manifest+json"},
      {"/style.css", "text/css"},
      {"/icons/icon.svg", "image/svg+xml"},
      {"/icons/icon.png", "image/png"},
  };
  for (const auto& [path, type] : types) {
    INFO(path);
    auto res = raw.Get(path);
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(Contains(res->get_header_value("Content-Type"), type));
  }
  CHECK(raw.Get("/core.wasm")->body.size() == 8);
  // Every file carries the booth app's policy: same origin only, no inline script, wasm may
  // compile; cross-origin isolated (the engine's worker gets shared memory for cancels).
  for (const char* path : {"/", "/app.js", "/core.wasm"}) {
    INFO(path);
    auto res = raw.Get(path);
    REQUIRE(res);
    std::string csp = res->get_header_value("Content-Security-Policy");
    CHECK(Contains(csp, "default-src 'self'"));
    CHECK(Contains(csp, "script-src 'self' 'wasm-unsafe-eval'"));
    CHECK_FALSE(Contains(csp, "unsafe-inline"));
    CHECK(res->get_header_value("Cross-Origin-Opener-Policy") == "same-origin");
    CHECK(res->get_header_value("Cross-Origin-Embedder-Policy") == "require-corp");
    CHECK(res->get_header_value("X-Content-Type-Options") == "nosniff");
  }
  for (const char* path : {"/../secret.txt", "/icons/../../secret.txt", "/%2e%2e/secret.txt",
                           "/icons", "/icons/", "/missing.js"}) {
    INFO(path);
    auto res = raw.Get(path);
    REQUIRE(res);
    CHECK(res->status >= 400);
    CHECK_FALSE(Contains(res->body, "not for the web"));
    CHECK_FALSE(Contains(res->body, "icon.svg"));  // no listing
  }
  // The API is still there beside the files.
  CHECK(raw.Get("/v1/status")->status == 200);
}

TEST_CASE("The engine's wasm goes out as its gzipped copy to a browser that accepts gzip",
          "[sync][relay][native]") {
  std::string web = MakeTempDir();
  std::string wasm(200000, '\0');
  for (std::size_t i = 0; i < wasm.size(); ++i) wasm[i] = static_cast<char>("\0asm"[i % 4] + i % 7);
  WriteFile(web + "/engine.wasm", wasm);
  WriteFile(web + "/old.wasm", wasm);
  REQUIRE(std::system(("gzip -9 -k -n " + web + "/engine.wasm " + web + "/old.wasm").c_str()) == 0);
  // A .gz older than its file (the engine rebuilt, the site not) is not used.
  struct timespec times[2] = {{1000000000, 0}, {1000000000, 0}};
  REQUIRE(utimensat(AT_FDCWD, (web + "/old.wasm.gz").c_str(), times, 0) == 0);
  relay::ServerOptions so;
  so.web_dir = web;
  LiveRelay r(MakeTempDir(), so);
  auto raw = r.Raw();
  raw.set_decompress(false);
  auto packed = raw.Get("/engine.wasm", {{"Accept-Encoding", "gzip, deflate, br"}});
  REQUIRE(packed);
  CHECK(packed->status == 200);
  CHECK(packed->get_header_value("Content-Encoding") == "gzip");
  CHECK(packed->get_header_value("Vary") == "Accept-Encoding");
  CHECK(packed->get_header_value("Content-Type") == "application/wasm");
  CHECK(packed->body.size() < wasm.size() / 2);
  CHECK(packed->body == ReadFile(web + "/engine.wasm.gz"));
  auto plain = raw.Get("/engine.wasm", {{"Accept-Encoding", "identity"}});
  REQUIRE(plain);
  CHECK(plain->get_header_value("Content-Encoding").empty());
  CHECK(plain->body == wasm);
  auto stale = raw.Get("/old.wasm", {{"Accept-Encoding", "gzip"}});
  REQUIRE(stale);
  CHECK(stale->get_header_value("Content-Encoding").empty());
  CHECK(stale->body == wasm);
}

// A self-signed certificate for 127.0.0.1 in `dir` (cert.pem, key.pem) set in `so`; false when
// the openssl command is missing.
static bool SelfSigned(const std::string& dir, relay::ServerOptions* so) {
  std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
                    "-keyout " + dir + "/key.pem -out " + dir + "/cert.pem -days 2 "
                    "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) return false;
  so->tls_cert = dir + "/cert.pem";
  so->tls_key = dir + "/key.pem";
  return true;
}

TEST_CASE("Over HTTPS, 40 connections trickling a TLS handshake hold nobody up",
          "[sync][relay][native][slow]") {
  relay::ServerOptions so;
  if (!SelfSigned(MakeTempDir(), &so)) {
    WARN("openssl is not installed: the HTTPS test is skipped");
    return;
  }
  LiveRelay r(MakeTempDir(), so);
  // The start of a TLS ClientHello, one byte a second on each connection: a handshake that
  // never ends (httplib's own TLS server gave each such connection one of its 32 threads).
  const std::string hello("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
  std::vector<int> slow;
  for (int i = 0; i < 40; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<uint16_t>(r.port));
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0);
    slow.push_back(fd);
  }
  std::atomic<bool> done{false};
  std::thread trickler([&] {
    for (std::size_t at = 0; at < hello.size() && !done; ++at) {
      for (int fd : slow) (void)send(fd, hello.data() + at, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      for (int t = 0; t < 10 && !done; ++t) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  std::vector<long> took;
  int answered = 0;
  auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < std::chrono::seconds(8)) {
    auto t0 = std::chrono::steady_clock::now();
    httplib::SSLClient c("127.0.0.1", r.port);
    c.enable_server_certificate_verification(false);
    c.set_connection_timeout(3, 0);
    c.set_read_timeout(3, 0);
    auto res = c.Get("/v1/status");
    if (res && res->status == 200) ++answered;
    took.push_back(static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - t0)
                                         .count()));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  done = true;
  trickler.join();
  std::sort(took.begin(), took.end());
  INFO("answered " << answered << " of " << took.size() << ", p90 "
                   << took[took.size() * 9 / 10] << " ms, slowest " << took.back() << " ms");
  CHECK(answered == static_cast<int>(took.size()));
  CHECK(took[took.size() * 9 / 10] < 1000);
  // A handshake with no request after it is closed at the idle deadline (5 s).
  int closed = 0;
  for (int fd : slow) {
    char b[256];
    ssize_t n = recv(fd, b, sizeof b, MSG_DONTWAIT);
    closed += n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) ? 1 : 0;
    close(fd);
  }
  CHECK(closed == 40);
}

TEST_CASE("Over HTTPS the client trusts the relay's certificate only when told to",
          "[sync][relay][native]") {
  std::string dir = MakeTempDir();
  relay::ServerOptions so;
  if (!SelfSigned(dir, &so)) {
    WARN("openssl is not installed: the HTTPS test is skipped");
    return;
  }
  Workspace w;
  LiveRelay r(MakeTempDir(), so);
  std::string url = "https://127.0.0.1:" + std::to_string(r.port);

  net::ClientOptions untrusted = QuickOptions();
  untrusted.attempts = 1;
  auto c1 = net::RelayClient::Open(url, {}, untrusted);
  REQUIRE(c1);
  auto refused = (*c1)->Register(w.genesis);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::kNetwork);
  CHECK(Contains(refused.error().message, "certificate"));

  net::ClientOptions trusted = QuickOptions();
  trusted.ca_cert_file = so.tls_cert;
  auto c2 = net::RelayClient::Open(url, {}, trusted);
  REQUIRE(c2);
  REQUIRE((*c2)->Register(w.genesis));
  REQUIRE((*c2)->SignIn(w.office.id, w.office.ed.sk));
  REQUIRE((*c2)->Push(w.Chain(w.office, 1, 2))->accepted == 2);

  // Plain HTTP to the HTTPS port gets no answer a client could mistake for the API.
  auto plain = net::RelayClient::Open("http://127.0.0.1:" + std::to_string(r.port), {}, untrusted);
  REQUIRE(plain);
  CHECK_FALSE((*plain)->Register(w.genesis));

  relay::ServerOptions bad = so;
  bad.tls_key = dir + "/missing.pem";
  relay::Relay* none = nullptr;
  auto broken = relay::Server::Create(none, bad);
  REQUIRE_FALSE(broken);
  CHECK(Contains(broken.error().message, "cannot load the TLS certificate"));
}

TEST_CASE("Record text never appears in the relay's storage", "[sync][relay][native]") {
  Workspace w;
  LiveRelay r;
  auto c = SignedIn(r, w, w.office);
  const std::string marker = "Shenzhen Dosti Marker Enterprise Co. 深圳";
  std::vector<Bytes> envs = w.Chain(w.office, 1, 3, {}, marker + " legal_name");
  REQUIRE(c->Push(envs)->accepted == 3);
  std::string db = ReadFile(r.dir + "/relay.db") + ReadFile(r.dir + "/relay.db-wal");
  REQUIRE_FALSE(db.empty());
  CHECK_FALSE(Contains(db, marker));
  CHECK_FALSE(Contains(db, "legal_name"));
  CHECK_FALSE(Contains(db, "Shenzhen"));
  // The ciphertext itself is there: the search would have found the text if it were stored.
  CHECK(Contains(db, envs[0].substr(sync::kHeaderBytes, 48)));
}

TEST_CASE("Every acknowledged envelope survives kill -9 of dosti-relay during pushes",
          "[sync][relay][native]") {
  Workspace w;
  std::string dir = MakeTempDir();
  // Starts the executable on an ephemeral port; returns (pid, port).
  auto start = [&]() -> std::pair<pid_t, int> {
    testing::SpawnedRelay spawned = testing::SpawnRelay(DOSTI_RELAY_BIN, dir);
    INFO(spawned.first_line);
    REQUIRE(spawned.port != 0);
    return {spawned.pid, spawned.port};
  };

  auto [pid, port] = start();
  std::string url = "http://127.0.0.1:" + std::to_string(port);
  net::ClientOptions o = QuickOptions();
  o.attempts = 1;
  auto c = net::RelayClient::Open(url, {}, o);
  REQUIRE(c);
  REQUIRE((*c)->Register(w.genesis));
  REQUIRE((*c)->SignIn(w.office.id, w.office.ed.sk));

  std::vector<Bytes> chain = w.Chain(w.office, 1, 400);
  std::atomic<uint64_t> acked{0};
  std::thread pusher([&] {
    for (std::size_t i = 0; i < chain.size(); ++i) {
      auto r = (*c)->Push({chain[i]});
      if (!r || r->accepted != 1) return;
      acked = i + 1;
    }
  });
  while (acked < 30) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  REQUIRE(kill(pid, SIGKILL) == 0);
  int status = 0;
  waitpid(pid, &status, 0);
  pusher.join();
  uint64_t acknowledged = acked;
  CHECK(WIFSIGNALED(status));
  REQUIRE(acknowledged < chain.size());  // killed mid-run

  auto [pid2, port2] = start();
  auto c2 = net::RelayClient::Open("http://127.0.0.1:" + std::to_string(port2), w.ws, o);
  REQUIRE(c2);
  REQUIRE((*c2)->SignIn(w.office.id, w.office.ed.sk));
  auto f = (*c2)->GetFrontier();
  REQUIRE(f);
  uint64_t held = f->count(w.office.id) ? f->at(w.office.id) : 0;
  CHECK(held >= acknowledged);
  CHECK(held <= acknowledged + 1);  // at most the one in flight when the relay died
  net::Frontier have;
  std::vector<Bytes> got;
  REQUIRE((*c2)->PullAll(&have, [&](std::vector<Bytes>&& page) -> dosti::Result<void> {
    for (auto& e : page) got.push_back(std::move(e));
    return {};
  }));
  REQUIRE(got.size() == held);
  for (std::size_t i = 0; i < got.size(); ++i) CHECK(got[i] == chain[i]);
  // And the chain continues where it stopped.
  auto rest = (*c2)->Push(std::vector<Bytes>(chain.begin() + held, chain.end()));
  REQUIRE(rest);
  CHECK(rest->accepted == chain.size() - held);
  kill(pid2, SIGTERM);
  waitpid(pid2, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("Concurrent pushes are committed in groups, each envelope once, in chain order",
          "[sync][relay][native]") {
  REQUIRE(sync::InitCrypto());
  constexpr int kDevices = 16;
  constexpr uint64_t kEach = 12;
  Dev admin;
  std::vector<Dev> devs(kDevices);
  std::vector<sync::Member> members = {admin.AsMember(sync::Role::kAdmin)};
  for (const Dev& d : devs) members.push_back(d.AsMember(sync::Role::kOffice));
  Bytes genesis = testing::MakeGenesis(admin, members, kT0);
  Bytes ws = testing::WorkspaceOf(genesis);
  Bytes secret = sync::RandomBytes(32);
  std::string dir = MakeTempDir();
  auto opened = relay::Relay::Open(dir);
  REQUIRE(opened);
  std::unique_ptr<relay::Relay> r = std::move(*opened);
  REQUIRE(r->Register(genesis));
  std::vector<std::vector<Bytes>> chains(kDevices);
  for (int i = 0; i < kDevices; ++i) {
    Bytes prev;
    for (uint64_t seq = 1; seq <= kEach; ++seq) {
      chains[i].push_back(sync::SealChanges(ws, 1, secret, devs[i].id, devs[i].ed.sk, seq, prev,
                                            "changes " + std::to_string(seq)));
      prev = Workspace::IdOf(chains[i].back());
    }
  }
  // Each device pushes its chain one envelope per call, all at once; every second call also
  // carries the previous envelope again (a replay: known, not stored twice).
  std::atomic<int> ready{0};
  std::vector<std::size_t> accepted(kDevices), known(kDevices), rejected(kDevices);
  std::vector<std::thread> threads;
  for (int i = 0; i < kDevices; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      while (ready < kDevices) std::this_thread::yield();
      for (uint64_t k = 0; k < kEach; ++k) {
        std::vector<std::string_view> batch;
        if (k > 0 && k % 2 == 0) batch.push_back(chains[i][k - 1]);
        batch.push_back(chains[i][k]);
        auto out = r->Push(ws, devs[i].id, batch);
        if (!out) continue;
        accepted[i] += out->accepted;
        known[i] += out->known;
        rejected[i] += out->rejected.size();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kDevices; ++i) {
    CHECK(accepted[i] == kEach);
    CHECK(known[i] == (kEach - 1) / 2);
    CHECK(rejected[i] == 0);
  }
  relay::Relay::CommitCounts counts = r->Commits();
  INFO(counts.pushes << " pushes in " << counts.commits << " commits");
  CHECK(counts.pushes == kDevices * kEach);
  CHECK(counts.commits < counts.pushes);  // grouped: some commits carried several pushes
  // Everything is there once, in chain order, also after a restart.
  for (int restart = 0; restart < 2; ++restart) {
    if (restart == 1) {
      r.reset();
      auto again = relay::Relay::Open(dir);
      REQUIRE(again);
      r = std::move(*again);
    }
    auto frontier = r->GetFrontier(ws);
    REQUIRE(frontier);
    CHECK(frontier->size() == static_cast<std::size_t>(kDevices));
    for (const Dev& d : devs) CHECK((*frontier)[d.id] == kEach);
    bool more = false;
    auto all = r->Pull(ws, {}, 32u << 20, &more);
    REQUIRE(all);
    CHECK_FALSE(more);
    REQUIRE(all->size() == kDevices * kEach);
    std::map<Bytes, uint64_t> last;
    for (const Bytes& e : *all) {
      auto env = sync::ParseEnvelope(e);
      REQUIRE(env);
      CHECK(env->header.seq == last[env->header.author] + 1);
      last[env->header.author] = env->header.seq;
    }
  }
}

#endif  // !defined(__EMSCRIPTEN__)
