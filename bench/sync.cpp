// The sync benchmarks of DESIGN.md §6 (group "sync"; issue 4, item 10). bench/README.md says how
// they are measured and what they gave (section "Sync figures").
//
//   seal_open_vs_raw_ratio  envelope throughput over raw libsodium on the same bytes: for each
//                           changeset, SealChanges + ParseEnvelope + CheckSignature +
//                           OpenChanges, against crypto_aead_xchacha20poly1305_ietf_encrypt +
//                           _decrypt of the same changeset (112 bytes of associated data, as
//                           the envelope's header), the two interleaved changeset by changeset
//                           (the one that goes first alternates by run). The payloads are the
//                           changesets of the 100,000-change workload below: at the core's
//                           1000 KiB cap (what SealOutgoing seals: the headline), and cut at
//                           256 KiB and 64 KiB (detail.by_size). Budget: at least 0.8.
//   relay_sync_100k_s       seconds to move 100,000 field changes from device A to device B
//                           through a real relay (dosti_relay, the library behind dosti-relay,
//                           serving HTTP on 127.0.0.1 in this process): A seals, then does what
//                           `dosti sync` does (register, control messages, sign in, frontier,
//                           push), then B does the same and pulls everything into
//                           Node::Receive. B's digest must equal A's. Budget: under 5 s.
//   relay_push_per_s        envelopes per second one relay accepts from 20 joined devices
//                           pushing at once, each on its own thread with its own Session, Node
//                           and RelayClient: one envelope per push request (a device syncing
//                           after each working session); detail: field changes per second, and
//                           the same envelopes pushed in one request per device.
//
// The workload: A (Node::Create) adds 1,000 enterprises and B joins with an invite (Node::Join)
// and gets them (untimed, without the relay). Then A makes 100 rounds of edits through the
// facade, one field of every enterprise per round (address, city, short_name, name_en in
// turn), each round one Session::Atomically transaction: 100,000 field changes. The closed
// database files of A and B are copied for every run, so every run seals and moves the same
// changes into a fresh relay.
#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "bench.h"
#include "dosti/replica.h"
#include "dosti/session.h"
#include "dosti/sync/crypto.h"
#include "dosti/sync/envelope.h"
#include "dosti/sync/keys.h"
#include "dosti/sync/node.h"

#ifndef __EMSCRIPTEN__
#include <atomic>
#include <latch>
#include <thread>

#include "dosti/net/http_transport.h"
#include "dosti/sync/round.h"
#include "sync/relay_process.h"
#include "sync/relay_test_client.h"
#include "relay.h"
#include "server.h"
#endif

namespace dosti::bench {
namespace {

using sync::Bytes;
using sync::DeviceKeys;
using sync::Node;
#ifndef __EMSCRIPTEN__
namespace testing = dosti::sync::testing;
#endif

constexpr int kSyncEnterprises = 1'000;
constexpr int kSyncRounds = 100;  // edits per enterprise: 100,000 field changes in all
constexpr int kSealRuns = 7;
constexpr int kRelaySyncRuns = 5;
constexpr int kPushRuns = 5;
constexpr int kPushDevices = 20;
constexpr int kPushEnterprises = 100;
constexpr int kPushEnvelopes = 25;             // per device
constexpr int kPushChangesPerEnvelope = 200;   // field changes in each
constexpr const char* kPassphrase = "bench invite passphrase";
constexpr const char* kEditFields[] = {"address", "city", "short_name", "name_en"};

int Runs(int fallback) { return Opts().runs > 0 ? Opts().runs : fallback; }

std::string EditValue(int round, int i) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "Office %d, Street %d, Block %d", round, i % 97, i);
  return buf;
}

std::vector<std::string_view> Views(const std::vector<Bytes>& v) {
  return std::vector<std::string_view>(v.begin(), v.end());
}

// Node::Receive, requiring that nothing was refused or left waiting.
sync::ReceiveReport ReceiveAll(Node& node, const std::vector<Bytes>& envelopes, const char* what) {
  auto r = Check(node.Receive(Views(envelopes)), what);
  if (r.rejected || r.waiting) {
    for (const auto& item : r.items) {
      if (item.status == sync::Received::Status::kRejected ||
          item.status == sync::Received::Status::kWaiting)
        Note(std::string(what) + ": " + item.what.text + ": " + item.reason.text);
    }
    std::exit(1);
  }
  return r;
}

// Everything `from` has that `to` lacks, without a relay (setup only).
std::vector<Bytes> BytesOf(const std::vector<Node::Outgoing>& out) {
  std::vector<Bytes> bytes;
  bytes.reserve(out.size());
  for (const Node::Outgoing& o : out) bytes.push_back(o.bytes);
  return bytes;
}

void Exchange(Node& from, Node& to) {
  auto sealed = from.SealOutgoing();
  if (!sealed) Check(Result<void>(sealed.error()), "seal");
  ReceiveAll(to, from.ControlMessages(), "control messages");
  ReceiveAll(to, BytesOf(Check(from.ChangesAfter(to.Frontier()), "changes after")), "changes");
}

// The admin learns of a joined device and approves it with the code the device shows.
void Approve(Node& admin, Node& device) {
  ReceiveAll(admin, device.ControlMessages(), "a join");
  Check(admin.Approve(sync::ToHex(device.device()), device.verification_code()), "approve");
}

void CopyDb(const std::string& from, const std::string& to) {
  namespace fs = std::filesystem;
  for (const char* suffix : {"", "-wal"}) {
    if (!fs::exists(from + suffix)) continue;
    fs::copy_file(from + suffix, to + suffix, fs::copy_options::overwrite_existing);
  }
}

// [SECTION] The 100,000-change workload

struct Workload {
  TempDir dir;
  std::string a_file, b_file;  // closed: A after its edits (not sealed yet); B in step before
  DeviceKeys a_keys = DeviceKeys::Generate(), b_keys = DeviceKeys::Generate();
  int64_t changes = 0;
  Bytes workspace;
  std::vector<Bytes> changesets;  // dosti::Replica(A).ChangesetsFor(B): what SealOutgoing seals (≤ 1000 KiB)
  std::vector<Bytes> changesets_256k, changesets_64k;
  double edit_ms = 0;
};

std::unique_ptr<Workload> MakeWorkload() {
  auto start = Clock_::now();
  auto w = std::make_unique<Workload>();
  w->a_file = w->dir.File("a.db");
  w->b_file = w->dir.File("b.db");
  auto a = Check(Session::Open(w->a_file), "open A");
  auto an = Check(Node::Create(*a, w->a_keys, "beijing", "Bench"), "create the workspace");
  w->workspace = an->trust().workspace();
  std::vector<std::string> ids;
  Check(a->Atomically([&]() -> Result<void> {
          for (int i = 0; i < kSyncEnterprises; ++i) {
            auto s = a->AddEnterprise({{"country", std::string(i % 2 ? "PK" : "CN")},
                                       {"name", "Sync bench enterprise " + std::to_string(i)}});
            if (!s) return s.error();
            ids.push_back(s->id);
          }
          return {};
        }),
        "add enterprises");
  Node::InviteOptions io;
  io.role = sync::Role::kOffice;
  io.office = sync::Office::kIslamabad;
  Bytes invite = Check(an->CreateInvite(io, kPassphrase), "create an invite");
  auto b = Check(Session::Open(w->b_file), "open B");
  auto bn = Check(Node::Join(*b, w->b_keys, invite, kPassphrase), "join");
  Approve(*an, *bn);
  Exchange(*an, *bn);
  Exchange(*bn, *an);
  if (Check(a->Digest(), "digest") != Check(b->Digest(), "digest")) {
    Note("A and B differ before the edits");
    std::exit(1);
  }

  auto edits = Clock_::now();
  for (int round = 0; round < kSyncRounds; ++round) {
    const char* field = kEditFields[round % std::size(kEditFields)];
    Check(a->Atomically([&]() -> Result<void> {
            for (int i = 0; i < kSyncEnterprises; ++i) {
              auto s = a->SetEnterpriseField(ids[static_cast<size_t>(i)], field,
                                             EditValue(round, i));
              if (!s) return s.error();
            }
            return {};
          }),
          "edit enterprises");
  }
  w->edit_ms = MsSince(edits);
  w->changes = int64_t{kSyncEnterprises} * kSyncRounds;
  auto peer = Check(dosti::Replica(*b).GetFrontier(), "frontier");
  w->changesets = Check(dosti::Replica(*a).ChangesetsFor(peer), "changesets");
  w->changesets_256k = Check(dosti::Replica(*a).ChangesetsFor(peer, 256 * 1024), "changesets");
  w->changesets_64k = Check(dosti::Replica(*a).ChangesetsFor(peer, 64 * 1024), "changesets");
  bn.reset();
  b.reset();
  an.reset();
  a.reset();
  std::size_t bytes = 0;
  for (const Bytes& cs : w->changesets) bytes += cs.size();
  Note("sync workload: " + std::to_string(w->changes) + " field changes in " +
       std::to_string(w->changesets.size()) + " changesets (" + Number(bytes / 1048576.0) +
       " MiB), made in " + Number(MsSince(start) / 1000) + " s (edits " +
       Number(w->edit_ms / 1000) + " s)");
  return w;
}

// [SECTION] seal_open_vs_raw_ratio

struct SealTimes {
  double raw = 0, seal = 0, check = 0, open = 0, sha512 = 0, blake2b = 0;
  double envelope() const { return seal + check + open; }
};

struct SealKeys {
  Bytes workspace = sync::RandomBytes(sync::kIdBytes);
  Bytes author = sync::RandomBytes(sync::kIdBytes);
  sync::SigningKeys sign = sync::SigningKeys::Generate();
  Bytes secret = sync::RandomBytes(32);
  Bytes aead_key = sync::RandomBytes(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
  Bytes ad = sync::RandomBytes(sync::kHeaderBytes);
};

double Seconds(Clock_::time_point a, Clock_::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// One pass over `payloads`, the raw AEAD and the envelope path interleaved payload by payload.
void SealOpenPass(const SealKeys& k, const std::vector<Bytes>& payloads, bool raw_first,
                  SealTimes& t) {
  std::size_t largest = 0;
  for (const Bytes& p : payloads) largest = std::max(largest, p.size());
  std::vector<unsigned char> cipher(largest + crypto_aead_xchacha20poly1305_ietf_ABYTES);
  std::vector<unsigned char> plain(largest);
  unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
  unsigned char digest[64];
  const auto* key = reinterpret_cast<const unsigned char*>(k.aead_key.data());
  const auto* ad = reinterpret_cast<const unsigned char*>(k.ad.data());
  Bytes prev;
  uint64_t seq = 0;
  for (const Bytes& p : payloads) {
    const auto* m = reinterpret_cast<const unsigned char*>(p.data());
    auto raw = [&] {
      auto t0 = Clock_::now();
      randombytes_buf(nonce, sizeof nonce);
      unsigned long long clen = 0, plen = 0;
      crypto_aead_xchacha20poly1305_ietf_encrypt(cipher.data(), &clen, m, p.size(), ad,
                                                 k.ad.size(), nullptr, nonce, key);
      int bad = crypto_aead_xchacha20poly1305_ietf_decrypt(plain.data(), &plen, nullptr,
                                                           cipher.data(), clen, ad, k.ad.size(),
                                                           nonce, key);
      t.raw += MsSince(t0);
      if (bad || plen != p.size() || std::memcmp(plain.data(), m, p.size()) != 0) {
        Note("raw AEAD round trip failed");
        std::exit(1);
      }
    };
    auto envelope = [&] {
      auto t0 = Clock_::now();
      Bytes env = sync::SealChanges(k.workspace, 1, k.secret, k.author, k.sign.sk, ++seq, prev, p);
      auto t1 = Clock_::now();
      auto parsed = sync::ParseEnvelope(env);
      bool signed_ok = parsed && sync::CheckSignature(*parsed, k.sign.pk);
      auto t2 = Clock_::now();
      auto opened = signed_ok ? sync::OpenChanges(*parsed, k.secret) : Result<Bytes>(Error{});
      auto t3 = Clock_::now();
      t.seal += Seconds(t0, t1);
      t.check += Seconds(t1, t2);
      t.open += Seconds(t2, t3);
      if (!opened || *opened != p) {
        Note("envelope round trip failed");
        std::exit(1);
      }
      prev = parsed->Id();
    };
    if (raw_first) {
      raw();
      envelope();
    } else {
      envelope();
      raw();
    }
    // What one pass of each hash over the same bytes costs (Ed25519 hashes its message with
    // SHA-512: twice to sign, once to verify).
    auto t0 = Clock_::now();
    crypto_hash_sha512(digest, m, p.size());
    auto t1 = Clock_::now();
    crypto_generichash(digest, 32, m, p.size(), nullptr, 0);
    auto t2 = Clock_::now();
    t.sha512 += Seconds(t0, t1);
    t.blake2b += Seconds(t1, t2);
  }
}

void BenchSealOpen(const Workload& w) {
  struct SizeClass {
    const char* name;
    const std::vector<Bytes>* payloads;
    std::vector<double> ratios;
    SealTimes total;
  };
  std::vector<SizeClass> classes = {{"1000KiB", &w.changesets, {}, {}},
                                    {"256KiB", &w.changesets_256k, {}, {}},
                                    {"64KiB", &w.changesets_64k, {}, {}}};
  SealKeys keys;
  int runs = Runs(kSealRuns);
  double cpu0 = CpuMs();
  {  // warm-up: caches, page faults of the first large allocations
    SealTimes ignored;
    SealOpenPass(keys, w.changesets, true, ignored);
  }
  for (int r = 0; r < runs; ++r) {
    for (SizeClass& c : classes) {
      SealTimes t;
      SealOpenPass(keys, *c.payloads, r % 2 == 0, t);
      c.ratios.push_back(t.raw / t.envelope());
      for (auto [sum, add] : {std::pair{&c.total.raw, t.raw}, {&c.total.seal, t.seal},
                              {&c.total.check, t.check}, {&c.total.open, t.open},
                              {&c.total.sha512, t.sha512}, {&c.total.blake2b, t.blake2b}})
        *sum += add;
    }
  }
  std::size_t bytes = 0;
  for (const Bytes& p : w.changesets) bytes += p.size();
  double mib = bytes / 1048576.0 * runs;  // every class holds the same bytes
  Detail d;
  d.Add("payload_mib", bytes / 1048576.0)
      .Add("changes", static_cast<double>(w.changes))
      .Add("headline", "1000KiB: the changesets SealOutgoing seals for the 100,000-change workload");
  std::string by_size = "{";
  for (size_t i = 0; i < classes.size(); ++i) {
    const SizeClass& c = classes[i];
    const SealTimes& t = c.total;
    auto [lo, hi] = std::minmax_element(c.ratios.begin(), c.ratios.end());
    Detail s;
    s.Add("envelopes", static_cast<double>(c.payloads->size()))
        .Add("mean_kib", bytes / 1024.0 / c.payloads->size())
        .Add("ratio", Median(c.ratios))
        .Add("ratio_min", *lo)
        .Add("ratio_max", *hi)
        .Add("raw_ms_per_mib", t.raw / mib)
        .Add("seal_ms_per_mib", t.seal / mib)
        .Add("parse_check_ms_per_mib", t.check / mib)
        .Add("open_ms_per_mib", t.open / mib)
        .Add("sha512_pass_ms_per_mib", t.sha512 / mib)
        .Add("blake2b_pass_ms_per_mib", t.blake2b / mib);
    by_size += (i ? ", " : "") + JsonString(c.name) + ": " + s.Json();
  }
  d.items.emplace_back("by_size", by_size + "}");
  d.AddList("runs_1000KiB", classes[0].ratios);
  d.Add("cpu_ms", CpuMs() - cpu0).Add("budget", ">= 0.8");
  Emit("seal_open_vs_raw_ratio", Median(classes[0].ratios), "x", runs, d);
}

#ifndef __EMSCRIPTEN__

// [SECTION] A relay on 127.0.0.1

// The relay dosti-relay runs (its defaults, without the request log), in this process.
struct LocalRelay {
  std::unique_ptr<relay::Relay> relay;
  std::unique_ptr<relay::Server> server;
  std::thread thread;
  std::string url;

  explicit LocalRelay(const std::string& dir) {
    std::filesystem::create_directories(dir);
    relay = Check(relay::Relay::Open(dir), "open the relay");
    server = Check(relay::Server::Create(relay.get(), {}), "create the relay server");
    int port = Check(server->Bind(), "bind the relay");
    url = "http://127.0.0.1:" + std::to_string(port);
    thread = std::thread([this] { server->Run(); });
  }
  ~LocalRelay() {
    server->Stop();
    thread.join();
  }
};

template <typename T>
T CheckNet(Result<T> r, const char* what) {
  return Check(std::move(r), what);
}

void RequireNoRejections(const std::vector<net::Rejection>& rejected, const char* what) {
  if (rejected.empty()) return;
  for (const auto& r : rejected) Note(std::string(what) + ": refused: " + r.reason);
  std::exit(1);
}

// A sync round through the relay exactly as `dosti sync` runs it (sync/round.h driven by
// sync/net's transport), timed in three parts by the round's progress reports.
struct SyncTimes {
  double control_ms = 0;  // register, control messages both ways, sign in
  double push_ms = 0;     // frontier, ChangesAfter and pushes
  double pull_ms = 0;     // pulls into Node::Receive
  int64_t pushed = 0, pulled = 0, changes = 0;
  uint64_t bytes_up = 0, bytes_down = 0;
};

SyncTimes SyncLikeCli(Node& node, const DeviceKeys&, const std::string& url) {
  SyncTimes t;
  auto t0 = Clock_::now();
  auto signed_in = t0, pushed = t0;
  bool saw_sign_in = false;
  auto transport = Check(net::HttpTransport::Open(url), "transport");
  sync::SyncOptions o;
  o.relay_url = transport->url();
  o.on_progress = [&](const sync::SyncProgress& p) {
    auto now = Clock_::now();
    if (p.phase == sync::SyncProgress::Phase::kSignIn && !saw_sign_in) {
      saw_sign_in = true;
      signed_in = pushed = now;
    }
    if (p.phase == sync::SyncProgress::Phase::kPush) pushed = now;
  };
  sync::SyncRound round(node, o);
  auto report = Check(transport->Run(round), "sync round");
  auto t3 = Clock_::now();
  if (report.received.rejected || report.received.waiting || !report.push_refused.empty()) {
    Note("envelopes refused or waiting in a sync round");
    std::exit(1);
  }
  t.control_ms = Seconds(t0, signed_in);
  t.push_ms = Seconds(signed_in, pushed);
  t.pull_ms = Seconds(pushed, t3);
  t.pushed = report.pushed;
  t.pulled = report.received.applied;
  t.changes = report.received.changes;
  t.bytes_up = report.totals.bytes_up;
  t.bytes_down = report.totals.bytes_down;
  return t;
}

// [SECTION] relay_sync_100k_s

void BenchRelaySync(const Workload& w) {
  int runs = Runs(kRelaySyncRuns);
  std::vector<double> total, seal, a_sync, a_push, b_sync, b_pull, cpu;
  int64_t envelopes = 0, changes = 0;
  uint64_t bytes = 0;
  std::string digest;
  for (int r = 0; r < runs; ++r) {
    TempDir dir;
    std::string a_file = dir.File("a.db"), b_file = dir.File("b.db");
    CopyDb(w.a_file, a_file);
    CopyDb(w.b_file, b_file);
    LocalRelay relay(dir.File("relay"));
    auto a = Check(Session::Open(a_file), "open A");
    auto an = Check(Node::Open(*a, w.a_keys), "open A's node");
    auto b = Check(Session::Open(b_file), "open B");
    auto bn = Check(Node::Open(*b, w.b_keys), "open B's node");

    double cpu0 = CpuMs();
    auto t0 = Clock_::now();
    envelopes = Check(an->SealOutgoing(), "seal");
    auto t1 = Clock_::now();
    SyncTimes ta = SyncLikeCli(*an, w.a_keys, relay.url);
    auto t2 = Clock_::now();
    SyncTimes tb = SyncLikeCli(*bn, w.b_keys, relay.url);
    auto t3 = Clock_::now();
    cpu.push_back(CpuMs() - cpu0);

    total.push_back(Seconds(t0, t3) / 1000);
    seal.push_back(Seconds(t0, t1));
    a_sync.push_back(Seconds(t1, t2));
    a_push.push_back(ta.push_ms);
    b_sync.push_back(Seconds(t2, t3));
    b_pull.push_back(tb.pull_ms);
    changes = tb.changes;
    bytes = ta.bytes_up;
    std::string da = Check(a->Digest(), "digest"), db = Check(b->Digest(), "digest");
    if (da != db || ta.pushed < envelopes || tb.pulled != envelopes || changes != w.changes) {
      Note("relay sync: pushed " + std::to_string(ta.pushed) + " of " +
           std::to_string(envelopes) + " envelopes, B applied " + std::to_string(tb.pulled) +
           " with " + std::to_string(changes) + " field changes; digests " +
           (da == db ? "EQUAL" : "DIFFERENT"));
      std::exit(1);
    }
    digest = da;
    Note("relay sync run " + std::to_string(r + 1) + ": " + Number(total.back()) + " s (seal " +
         Number(seal.back()) + " ms, A " + Number(a_sync.back()) + " ms, B " +
         Number(b_sync.back()) + " ms); digests EQUAL");
  }
  auto [lo, hi] = std::minmax_element(total.begin(), total.end());
  Detail d;
  d.Add("changes", static_cast<double>(changes))
      .Add("envelopes", static_cast<double>(envelopes))
      .Add("mib", bytes / 1048576.0)
      .Add("seal_ms", Median(seal))
      .Add("a_sync_ms", Median(a_sync))
      .Add("a_push_ms", Median(a_push))
      .Add("b_sync_ms", Median(b_sync))
      .Add("b_pull_apply_ms", Median(b_pull))
      .Add("cpu_ms", Median(cpu))
      .Add("min_s", *lo)
      .Add("max_s", *hi)
      .AddList("runs_s", total)
      .AddBool("digests_equal", true)
      .Add("digest", digest)
      .Add("relay", "dosti_relay in this process (dosti-relay's defaults), HTTP on 127.0.0.1")
      .Add("budget", "< 5 s");
  Emit("relay_sync_100k_s", Median(total), "s", runs, d);
}

// [SECTION] relay_push_per_s

struct PushDevice {
  DeviceKeys keys = DeviceKeys::Generate();
  Bytes invite;
  std::unique_ptr<Session> session;
  std::unique_ptr<Node> node;
};

struct PushSetup {
  TempDir dir;
  std::unique_ptr<Session> admin;
  std::unique_ptr<Node> admin_node;
  DeviceKeys admin_keys = DeviceKeys::Generate();
  std::vector<PushDevice> devices = std::vector<PushDevice>(kPushDevices);
  std::vector<Bytes> admin_envelopes;  // the admin's own (the records)
  std::size_t envelope_bytes = 0;
};

std::unique_ptr<PushSetup> MakePushSetup() {
  auto start = Clock_::now();
  auto p = std::make_unique<PushSetup>();
  p->admin = Check(Session::Open(p->dir.File("admin.db")), "open admin");
  p->admin_node = Check(Node::Create(*p->admin, p->admin_keys, "beijing", "Push bench"), "create");
  std::vector<std::string> ids;
  Check(p->admin->Atomically([&]() -> Result<void> {
          for (int i = 0; i < kPushEnterprises; ++i) {
            auto s = p->admin->AddEnterprise({{"country", std::string(i % 2 ? "PK" : "CN")},
                                              {"name", "Push bench enterprise " + std::to_string(i)}});
            if (!s) return s.error();
            ids.push_back(s->id);
          }
          return {};
        }),
        "add enterprises");
  Node::InviteOptions io;
  io.role = sync::Role::kOffice;
  io.office = sync::Office::kIslamabad;
  for (PushDevice& dev : p->devices) {
    dev.invite = Check(p->admin_node->CreateInvite(io, kPassphrase), "create an invite");
  }
  Check(p->admin_node->SealOutgoing(), "seal");
  std::vector<Bytes> records = BytesOf(Check(p->admin_node->ChangesAfter({}), "changes after"));
  p->admin_envelopes = records;
  // Each device joins and the admin approves it (the admin's node is used from one thread).
  for (int i = 0; i < kPushDevices; ++i) {
    PushDevice& dev = p->devices[static_cast<size_t>(i)];
    dev.session = Check(Session::Open(p->dir.File("device" + std::to_string(i) + ".db")), "open a device");
    dev.node = Check(Node::Join(*dev.session, dev.keys, dev.invite, kPassphrase), "join");
    Approve(*p->admin_node, *dev.node);
  }
  std::vector<Bytes> control = p->admin_node->ControlMessages();

  // Each device takes the admin's records and makes its envelopes: two threads.
  std::atomic<int> next{0};
  auto work = [&] {
    for (int i; (i = next++) < kPushDevices;) {
      PushDevice& dev = p->devices[static_cast<size_t>(i)];
      std::string file = p->dir.File("device" + std::to_string(i) + ".db");
      ReceiveAll(*dev.node, control, "control messages");
      ReceiveAll(*dev.node, records, "records");
      // Reopened: a joined Session's cached workspace info misses the programme that its
      // first records brought (edits refused with "has not received its records yet").
      dev.node.reset();
      dev.session = Check(Session::Open(file), "reopen a device");
      dev.node = Check(Node::Open(*dev.session, dev.keys), "reopen a device's node");
      for (int k = 0; k < kPushEnvelopes; ++k) {
        Check(dev.session->Atomically([&]() -> Result<void> {
                for (int j = 0; j < kPushChangesPerEnvelope; ++j) {
                  const char* field = kEditFields[(j / kPushEnterprises + 2 * k) % 4];
                  auto s = dev.session->SetEnterpriseField(
                      ids[static_cast<size_t>(j % kPushEnterprises)], field,
                      EditValue(1000 * i + k, j));
                  if (!s) return s.error();
                }
                return {};
              }),
              "edit");
        if (Check(dev.node->SealOutgoing(), "seal") != 1) {
          Note("a device's working session did not make one envelope");
          std::exit(1);
        }
      }
    }
  };
  std::thread helper(work);
  work();
  helper.join();

  // The admin checks one device's envelopes: they carry the field changes we count.
  PushDevice& first = p->devices.front();
  ReceiveAll(*p->admin_node, first.node->ControlMessages(), "control messages");
  auto mine = BytesOf(Check(first.node->ChangesAfter({{p->admin_keys.id(), UINT64_MAX}}), "changes after"));
  for (const Bytes& e : mine) p->envelope_bytes += e.size();
  auto got = ReceiveAll(*p->admin_node, mine, "a device's envelopes");
  // (plus the few of its device record, in its first envelope)
  if (got.changes < int64_t{kPushEnvelopes} * kPushChangesPerEnvelope ||
      got.changes > int64_t{kPushEnvelopes} * kPushChangesPerEnvelope + 20) {
    Note("a device's envelopes hold " + std::to_string(got.changes) + " field changes, not " +
         std::to_string(kPushEnvelopes * kPushChangesPerEnvelope));
    std::exit(1);
  }
  Note("push setup: " + std::to_string(kPushDevices) + " devices joined, " +
       std::to_string(kPushDevices * kPushEnvelopes) + " envelopes sealed in " +
       Number(MsSince(start) / 1000) + " s");
  return p;
}

struct PushRun {
  double ms = 0, cpu_ms = 0, relay_cpu_ms = 0;
  int64_t accepted = 0, requests = 0;
};

// A dosti-relay executable on an ephemeral port with its own data directory (--quiet: no
// log, as LocalRelay).
struct RelayExe {
  pid_t pid = -1;
  std::string url;
  RelayExe(const std::string& bin, const std::string& dir) {
    testing::SpawnedRelay spawned = testing::SpawnRelay(bin, dir);
    if (spawned.port == 0) {
      Note("dosti-relay did not start (" + bin + "): " + spawned.first_line);
      std::exit(1);
    }
    pid = spawned.pid;
    url = "http://127.0.0.1:" + std::to_string(spawned.port);
  }
  ~RelayExe() { testing::StopRelay(pid); }
};

std::string ThisRelayBin() {
#ifdef DOSTI_RELAY_BIN
  return DOSTI_RELAY_BIN;
#else
  return {};
#endif
}

// A fresh relay (the executable `bin`) that knows the workspace, every device and the admin's
// envelopes; then every device at once: sign in, frontier, push (one envelope per request, or
// all in one). The relay's CPU time is not in cpu_ms (another process).
PushRun PushOnce(PushSetup& p, bool one_per_request, const std::string& bin) {
  TempDir dir;
  RelayExe relay(bin, dir.File("relay"));
  {
    auto admin = CheckNet(net::RelayClient::Open(relay.url, p.admin_node->trust().workspace()),
                          "relay client");
    auto control = p.admin_node->ControlMessages();
    CheckNet(admin->Register(control.front()), "register");
    RequireNoRejections(CheckNet(admin->PostControl(control), "post control").rejected, "control");
    for (PushDevice& dev : p.devices) {
      RequireNoRejections(
          CheckNet(admin->PostControl(dev.node->ControlMessages()), "post control").rejected,
          "control");
    }
    CheckNet(admin->SignIn(p.admin_keys.id(), p.admin_keys.sign.sk), "sign in");
    auto pushed = CheckNet(admin->Push(p.admin_envelopes), "push");
    RequireNoRejections(pushed.rejected, "push");
  }
  std::latch ready(kPushDevices + 1);
  std::atomic<int64_t> accepted{0}, requests{0};
  std::vector<std::thread> threads;
  for (PushDevice& dev : p.devices) {
    threads.emplace_back([&] {
      net::ClientOptions o;
      auto client =
          CheckNet(net::RelayClient::Open(relay.url, dev.node->trust().workspace(), o), "client");
      // The device's own envelopes, read from its log before the clock starts: the figure is
      // the relay's (a device reading its log one envelope per request measured the device).
      std::vector<Bytes> mine = BytesOf(
          Check(dev.node->ChangesAfter({{p.admin_keys.id(), UINT64_MAX}}), "changes after"));
      ready.arrive_and_wait();
      CheckNet(client->SignIn(dev.keys.id(), dev.keys.sign.sk), "sign in");
      CheckNet(client->GetFrontier(), "frontier");
      std::size_t per_request = one_per_request ? 1 : mine.size();
      for (std::size_t at = 0; at < mine.size(); at += per_request) {
        std::vector<Bytes> batch(mine.begin() + static_cast<std::ptrdiff_t>(at),
                                 mine.begin() + static_cast<std::ptrdiff_t>(
                                                    std::min(mine.size(), at + per_request)));
        auto r = CheckNet(client->Push(batch), "push");
        RequireNoRejections(r.rejected, "push");
        accepted += static_cast<int64_t>(r.accepted);
        ++requests;
      }
    });
  }
  double cpu0 = CpuMs(), relay_cpu0 = testing::ProcCpuMs(relay.pid);
  auto start = Clock_::now();
  ready.arrive_and_wait();
  for (std::thread& t : threads) t.join();
  PushRun r;
  r.ms = MsSince(start);
  r.cpu_ms = CpuMs() - cpu0;
  r.relay_cpu_ms = testing::ProcCpuMs(relay.pid) - relay_cpu0;
  r.accepted = accepted;
  r.requests = requests;
  if (r.accepted != int64_t{kPushDevices} * kPushEnvelopes) {
    Note("the relay accepted " + std::to_string(r.accepted) + " envelopes, not " +
         std::to_string(kPushDevices * kPushEnvelopes));
    std::exit(1);
  }
  return r;
}

void BenchRelayPush() {
  const std::string after_bin = ThisRelayBin();
  const std::string before_bin = Opts().relay_bin_before;
  if (after_bin.empty()) {
    Note("relay_push_per_s: no dosti-relay executable in this build; skipped");
    return;
  }
  auto p = MakePushSetup();
  int runs = Runs(kPushRuns);
  std::vector<double> single, batch, before, before_batch;
  // The relay process's CPU per envelope accepted, µs (one per request; after, before).
  std::vector<double> cpu_us, before_cpu_us;
  for (int r = 0; r < runs; ++r) {
    // The ways alternate which goes first; the relay before (when given) runs beside each.
    for (int k = 0; k < 2; ++k) {
      bool one = (k == 0) == (r % 2 == 0);
      auto rate = [&](const std::string& bin) {
        PushRun run = PushOnce(*p, one, bin);
        if (one)
          (bin == after_bin ? cpu_us : before_cpu_us)
              .push_back(run.relay_cpu_ms * 1000 / static_cast<double>(run.accepted));
        return run.accepted / (run.ms / 1000);
      };
      if (!before_bin.empty() && r % 2 == 1) (one ? before : before_batch).push_back(rate(before_bin));
      (one ? single : batch).push_back(rate(after_bin));
      if (!before_bin.empty() && r % 2 == 0) (one ? before : before_batch).push_back(rate(before_bin));
    }
  }
  const double per_envelope = kPushChangesPerEnvelope;
  auto [lo, hi] = std::minmax_element(single.begin(), single.end());
  auto [blo, bhi] = std::minmax_element(batch.begin(), batch.end());
  Detail d;
  d.Add("devices", kPushDevices)
      .Add("envelopes_per_device", kPushEnvelopes)
      .Add("changes_per_envelope", per_envelope)
      .Add("envelope_kib", p->envelope_bytes / 1024.0 / kPushEnvelopes)
      .Add("changes_per_s", Median(single) * per_envelope)
      .Add("min", *lo)
      .Add("max", *hi)
      .AddList("runs", single)
      .Add("batched_envelopes_per_s", Median(batch))
      .Add("batched_changes_per_s", Median(batch) * per_envelope)
      .Add("batched_min", *blo)
      .Add("batched_max", *bhi)
      .Add("relay_cpu_us_per_envelope", Median(cpu_us));
  if (!before.empty()) {
    d.Add("before_relay_cpu_us_per_envelope", Median(before_cpu_us));
    d.Add("before_relay", before_bin)
        .Add("before_envelopes_per_s", Median(before))
        .AddList("before_runs", before)
        .Add("before_batched_envelopes_per_s", Median(before_batch))
        .Add("after_over_before", Median(single) / Median(before));
  }
  d.Add("relay", after_bin)
      .Add("budget", ">= 2000 envelopes/s")
      .Add("how",
           "20 threads, each its own RelayClient and its device's 25 envelopes (read from its "
           "log beforehand), start together: sign in, frontier, then one push request per "
           "envelope (batched_*: all 25 in one request); a fresh dosti-relay process (--quiet) "
           "per run");
  Emit("relay_push_per_s", Median(single), "envelopes/s", runs, d);
}

#endif  // __EMSCRIPTEN__

}  // namespace

void BenchSync() {
  bool seal = Wanted("seal_open_vs_raw_ratio", "sync");
#ifndef __EMSCRIPTEN__
  bool relay_sync = Wanted("relay_sync_100k_s", "sync");
  bool relay_push = Wanted("relay_push_per_s", "sync");
#else
  bool relay_sync = false, relay_push = false;
#endif
  if (!seal && !relay_sync && !relay_push) return;
  Check(sync::InitCrypto(), "libsodium");
  if (seal || relay_sync) {
    auto w = MakeWorkload();
    if (seal) BenchSealOpen(*w);
#ifndef __EMSCRIPTEN__
    if (relay_sync) BenchRelaySync(*w);
#endif
  }
#ifndef __EMSCRIPTEN__
  if (relay_push) BenchRelayPush();
#endif
}

}  // namespace dosti::bench
