// The replicator end to end in one process: a workspace made by an admin, devices joining with
// invites, bundles carried in scrambled orders, revocation and the new epoch.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "core/session_fixture.h"
#include "session_impl.h"
#include <sqlite3.h>
#include "dosti/replica.h"
#include "dosti/replication.h"
#include "dosti/sync/envelope.h"
#include "dosti/sync/node.h"

using namespace dosti;
using namespace dosti::sync;

namespace {

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
  Session* operator->() { return session.get(); }
  std::string Digest() { return *session->Digest(); }
  // Imports a bundle and requires that nothing was rejected.
  BundleReport Import(const Bytes& bundle) {
    auto r = node->ImportBundle(bundle);
    REQUIRE(r);
    for (const auto& item : r->received.items) {
      INFO(item.what.text << ": " << item.reason.text);
      CHECK(item.status != Received::Status::kRejected);
    }
    CHECK(!r->damaged);
    return *r;
  }
  Bytes Export(std::string_view for_device = {}) {
    auto b = node->ExportBundle(for_device);
    REQUIRE(b);
    return *b;
  }
};

// `d` joins with `invite` and is approved by `admin` as a person would do it: d's bundle carries
// its join to the admin, who approves it with the code d shows; the admin's next bundle brings
// d its key and everything.
void JoinApproved(Device& admin, Device& d, const Bytes& invite, std::string_view passphrase,
                  DeviceKeys keys = DeviceKeys::Generate()) {
  auto joined = Node::Join(*d.session, std::move(keys), invite, passphrase, d.clock);
  REQUIRE(joined);
  d.node = std::move(*joined);
  REQUIRE(!d.node->approved());
  std::string code = d.node->verification_code();
  REQUIRE(!code.empty());
  admin.Import(d.Export());
  REQUIRE(admin.node->Approve(ToHex(d.node->device()), code));
  d.Import(admin.Export());
  REQUIRE(d.node->approved());
}

bool Mentions(const std::vector<Alarm>& alarms, std::string_view text) {
  for (const Alarm& a : alarms) {
    if (a.message.text.find(text) != std::string::npos) return true;
  }
  return false;
}

std::string AddEnterprise(Device& d, const std::string& name) {
  auto saved = d->AddEnterprise({{"country", std::string("CN")}, {"name", name}});
  REQUIRE(saved);
  return saved->id;
}

// Beijing's admin and an approved Islamabad office, and a bundle of Beijing's holding at least
// `envelopes` changes envelopes (one enterprise each, sealed one by one).
struct TwoOfficesAndABundle {
  ManualClock clock{testing::MsAt({2024, 6, 15})};
  Device beijing{clock, 1}, islamabad{clock, 2};
  Bytes bundle;
  explicit TwoOfficesAndABundle(int envelopes) {
    REQUIRE(InitCrypto());
    beijing.node =
        std::move(*Node::Create(*beijing.session, DeviceKeys::Generate(), "beijing", "DH", &clock));
    Node::InviteOptions o;
    o.role = Role::kOffice;
    o.office = Office::kIslamabad;
    JoinApproved(beijing, islamabad, *beijing.node->CreateInvite(o, "passphrase!"), "passphrase!");
    for (int i = 0; i < envelopes; ++i) {
      AddEnterprise(beijing, "公司 " + std::to_string(i));
      REQUIRE(beijing.node->SealOutgoing());
    }
    bundle = beijing.Export();
  }
};

}  // namespace

TEST_CASE("node: create, invite, join offline, exchange bundles, converge", "[sync][node]") {
  REQUIRE(InitCrypto());
  ManualClock clock(testing::MsAt({2024, 6, 15}));
  Device beijing(clock, 1), islamabad(clock, 2), booth(clock, 3);
  auto admin = Node::Create(*beijing.session, DeviceKeys::Generate(), "beijing", "DH", &clock);
  REQUIRE(admin);
  beijing.node = std::move(*admin);
  CHECK(beijing.node->Self().role == "admin");
  CHECK(beijing.node->epoch() == 1);
  std::string shared = AddEnterprise(beijing, "共享公司");

  Node::InviteOptions office;
  office.role = Role::kOffice;
  office.office = Office::kIslamabad;
  auto invite = beijing.node->CreateInvite(office, "correct horse battery");
  REQUIRE(invite);
  Node::InviteOptions booth_opts;  // booth, beijing, 7 days
  auto booth_invite = beijing.node->CreateInvite(booth_opts, "booth passphrase 1");
  REQUIRE(booth_invite);

  SECTION("a wrong passphrase is refused and changes nothing") {
    auto bad = Node::Join(*islamabad.session, DeviceKeys::Generate(), *invite, "wrong horse", &clock);
    REQUIRE(!bad);
    CHECK(bad.error().code == ErrorCode::kWrongPassphrase);
    CHECK(!islamabad->Info()->initialised);
    CHECK(islamabad->Info()->device_id.empty());
  }
  SECTION("an expired invite is refused") {
    clock.Advance(8 * 86'400'000LL);
    auto late = Node::Join(*islamabad.session, DeviceKeys::Generate(), *invite, "correct horse battery", &clock);
    REQUIRE(!late);
    CHECK(late.error().code == ErrorCode::kExpired);
  }
  SECTION("joined devices converge with bundles in any order; revocation cuts the booth off") {
    JoinApproved(beijing, islamabad, *invite, "correct horse battery");
    CHECK(islamabad.node->Self().role == "office");
    CHECK(islamabad.node->Self().status == "active");
    JoinApproved(beijing, booth, *booth_invite, "booth passphrase 1");

    // Everyone learns everything: bundles from each to each.
    islamabad.Import(beijing.Export());
    booth.Import(beijing.Export());
    beijing.Import(islamabad.Export());
    beijing.Import(booth.Export());
    islamabad.Import(beijing.Export());
    booth.Import(beijing.Export());
    CHECK(islamabad->GetEnterprise(shared));
    CHECK(beijing.Digest() == islamabad.Digest());
    CHECK(beijing.Digest() == booth.Digest());

    // Concurrent edits of one field on three devices, then bundles in scrambled orders.
    clock.Advance(60'000);
    REQUIRE(beijing->SetEnterpriseField(shared, "city", std::string("Beijing")));
    REQUIRE(islamabad->SetEnterpriseField(shared, "city", std::string("Islamabad")));
    REQUIRE(booth->SetEnterpriseField(shared, "city", std::string("Chongqing")));
    AddEnterprise(booth, "展台公司");
    std::vector<Bytes> bundles = {beijing.Export(), islamabad.Export(), booth.Export()};
    std::mt19937 rng(7);
    for (Device* d : {&beijing, &islamabad, &booth}) {
      std::vector<Bytes> order = bundles;
      std::shuffle(order.begin(), order.end(), rng);
      for (const Bytes& b : order) d->Import(b);
    }
    CHECK(beijing.Digest() == islamabad.Digest());
    CHECK(beijing.Digest() == booth.Digest());
    REQUIRE(beijing->ListConflicts()->size() == 1);
    CHECK(islamabad->ListConflicts()->size() == 1);

    // A replayed bundle is a no-op.
    auto again = islamabad.Import(bundles[0]);
    CHECK(again.received.applied == 0);

    // Revoke the booth: a new roster version and epoch 2.
    std::string booth_id = ToHex(booth.node->device());
    AddEnterprise(islamabad, "离线旧纪元公司");  // written offline, still in epoch 1
    Bytes old_epoch = islamabad.Export();
    REQUIRE(beijing.node->Revoke(booth_id.substr(0, 8)));
    CHECK(beijing.node->epoch() == 2);
    auto late_but_valid = beijing.Import(old_epoch);  // a non-revoked device's old epoch: accepted
    CHECK(late_but_valid.received.applied >= 1);
    islamabad.Import(beijing.Export());
    CHECK(islamabad.node->epoch() == 2);

    // The booth, offline and unaware, writes on; its envelopes past the cut-off are refused by
    // both offices and change nothing there.
    AddEnterprise(booth, "吊销后公司");
    Bytes late = booth.Export();
    for (Device* office_device : {&beijing, &islamabad}) {
      std::string before = office_device->Digest();
      auto r = office_device->node->ImportBundle(late);
      REQUIRE(r);
      CHECK(r->received.rejected == 2);  // the new changes and the booth's receipt
      for (const auto& item : r->received.items) {
        if (item.status == Received::Status::kRejected) CHECK(item.code == ErrorCode::kRevoked);
      }
      CHECK(office_device->Digest() == before);
    }
    // Once it hears of its revocation it learns no epoch 2 and seals nothing more.
    booth.Import(beijing.Export());
    CHECK(booth.node->epoch() == 1);
    AddEnterprise(booth, "再次吊销后公司");
    auto sealed = booth.node->SealOutgoing();
    REQUIRE(!sealed);
    CHECK(sealed.error().code == ErrorCode::kRevoked);

    // The offices keep syncing in epoch 2.
    AddEnterprise(islamabad, "新纪元公司");
    beijing.Import(islamabad.Export());
    CHECK(beijing.Digest() == islamabad.Digest());
  }
}

TEST_CASE("node: a bundle of another workspace changes nothing, a damaged one still counts", "[sync][node]") {
  REQUIRE(InitCrypto());
  ManualClock clock(testing::MsAt({2024, 6, 15}));
  Device a(clock, 1), b(clock, 2), other(clock, 3);
  a.node = std::move(*Node::Create(*a.session, DeviceKeys::Generate(), "beijing", "A", &clock));
  other.node = std::move(*Node::Create(*other.session, DeviceKeys::Generate(), "beijing", "B", &clock));
  Node::InviteOptions o;
  o.role = Role::kOffice;
  o.office = Office::kIslamabad;
  auto invite = a.node->CreateInvite(o, "passphrase!");
  REQUIRE(invite);
  JoinApproved(a, b, *invite, "passphrase!");
  AddEnterprise(other, "别的工作区");
  std::string before = b.Digest();
  auto foreign = b.node->ImportBundle(other.Export());
  REQUIRE(!foreign);
  CHECK(foreign.error().code == ErrorCode::kWrongWorkspace);
  CHECK(b.Digest() == before);

  AddEnterprise(a, "甲");
  Bytes bundle = a.Export();
  Bytes truncated = bundle.substr(0, bundle.size() - 100);
  auto r = b.node->ImportBundle(truncated);
  REQUIRE(r);
  CHECK(r->damaged);
  CHECK(r->received.applied > 0);  // the control messages and early envelopes still count
}

TEST_CASE("node: a member cannot pass off another device's commits as its own", "[sync][node]") {
  REQUIRE(InitCrypto());
  ManualClock clock(testing::MsAt({2024, 6, 15}));
  Device beijing(clock, 1), islamabad(clock, 2);
  DeviceKeys admin_keys = DeviceKeys::Generate(), office_keys = DeviceKeys::Generate();
  beijing.node = std::move(*Node::Create(*beijing.session, admin_keys, "beijing", "DH", &clock));
  AddEnterprise(beijing, "真公司");
  Node::InviteOptions o;
  o.role = Role::kOffice;
  o.office = Office::kIslamabad;
  auto invite = beijing.node->CreateInvite(o, "passphrase!");
  REQUIRE(invite);
  JoinApproved(beijing, islamabad, *invite, "passphrase!", office_keys);
  beijing.Import(islamabad.Export());

  // Islamabad (a member, with the epoch key) seals Beijing's commits under its own name.
  auto epoch_env = ParseEnvelope(beijing.node->trust().epochs().at(1));
  REQUIRE(epoch_env);
  auto epoch = DecodeEpoch(epoch_env->body());
  REQUIRE(epoch);
  auto sealed = OpenSealed(admin_keys.box, epoch->sealed[0].second);
  REQUIRE(sealed);
  Bytes secret = sealed->substr(0, 32);
  auto all = dosti::Replica(*beijing.session).ChangesetsFor({});
  REQUIRE(all);
  std::string theirs;
  for (const std::string& cs : *all) {
    if (*ChangesetAuthor(cs) == ToHex(admin_keys.id())) theirs = cs;
  }
  REQUIRE(!theirs.empty());
  EnvelopeFrontier f = islamabad.node->Frontier();
  uint64_t seq = f[office_keys.id()];
  auto mine = islamabad.node->ChangesAfter(
      {{office_keys.id(), seq - 1}, {admin_keys.id(), f[admin_keys.id()]}});
  REQUIRE(mine);
  REQUIRE(mine->size() == 1);
  Bytes prev = ParseEnvelope(mine->front().bytes)->Id();
  Bytes forged = SealChanges(beijing.node->trust().workspace(), 1, secret, office_keys.id(),
                             office_keys.sign.sk, seq + 1, prev, theirs);
  std::string before = beijing.Digest();
  auto r = beijing.node->Receive({forged});
  REQUIRE(r);
  CHECK(r->rejected == 1);
  CHECK(r->items[0].code == ErrorCode::kUnauthentic);
  REQUIRE(r->alarms.size() == 1);
  CHECK(Mentions(r->alarms, "forgery"));
  CHECK(beijing.Digest() == before);

  // Equivocation: Islamabad's envelope number `seq` again, with other content. Quarantined,
  // an alarm, nothing applied; the genuine one stays.
  auto own = dosti::Replica(*islamabad.session).ChangesetsFor({{ToHex(admin_keys.id()), 1 << 30}});
  REQUIRE(own);
  REQUIRE(!own->empty());
  Bytes twin_prev;
  if (seq > 1) {
    auto earlier = islamabad.node->ChangesAfter(
        {{office_keys.id(), seq - 2}, {admin_keys.id(), f[admin_keys.id()]}});
    REQUIRE(earlier);
    twin_prev = ParseEnvelope(earlier->front().bytes)->Id();
  }
  Bytes twin = SealChanges(beijing.node->trust().workspace(), 1, secret, office_keys.id(),
                           office_keys.sign.sk, seq, twin_prev, own->back());
  auto eq = beijing.node->Receive({twin});
  REQUIRE(eq);
  REQUIRE(eq->rejected == 1);  // a fresh nonce: other bytes, another id
  CHECK(eq->items[0].code == ErrorCode::kEquivocation);
  REQUIRE(eq->alarms.size() == 1);
  CHECK(Mentions(eq->alarms, "equivocation"));
  CHECK(beijing.Digest() == before);

  // Both stay as evidence, with their reasons (dosti roster show lists them).
  auto kept = beijing.node->Quarantine();
  REQUIRE(kept);
  REQUIRE(kept->size() == 2);
  std::string reasons = (*kept)[0].reason.text + (*kept)[1].reason.text;
  CHECK(reasons.find("forgery") != std::string::npos);
  CHECK(reasons.find("equivocation") != std::string::npos);
}

TEST_CASE("node: envelopes of a revoked device that reached an office first are named, and an admin may accept them", "[sync][node]") {
  REQUIRE(InitCrypto());
  ManualClock clock(testing::MsAt({2024, 6, 15}));
  Device beijing(clock, 1), islamabad(clock, 2), booth(clock, 3);
  beijing.node = std::move(*Node::Create(*beijing.session, DeviceKeys::Generate(), "beijing", "DH", &clock));
  Node::InviteOptions office;
  office.role = Role::kOffice;
  office.office = Office::kIslamabad;
  JoinApproved(beijing, islamabad, *beijing.node->CreateInvite(office, "office pass"),
               "office pass");
  JoinApproved(beijing, booth, *beijing.node->CreateInvite({}, "booth pass"), "booth pass");
  for (Device* d : {&islamabad, &booth}) d->Import(beijing.Export());
  beijing.Import(islamabad.Export());
  beijing.Import(booth.Export());
  islamabad.Import(beijing.Export());
  booth.Import(beijing.Export());

  // The booth's new record reaches Islamabad only; then Beijing revokes the booth.
  AddEnterprise(booth, "只到伊斯兰堡的公司");
  islamabad.Import(booth.Export());
  std::string booth_id = ToHex(booth.node->device());
  REQUIRE(beijing.node->Revoke(booth_id));
  auto learnt = islamabad.node->ImportBundle(beijing.Export());
  REQUIRE(learnt);
  REQUIRE(learnt->received.alarms.size() == 1);
  CHECK(learnt->received.alarms[0].message.key == "sync.alarm.applied_past_cutoff");
  // Islamabad no longer forwards them, so its bundles are not refused...
  auto back = beijing.Import(islamabad.Export());
  CHECK(back.received.rejected == 0);
  // ...but the two differ until an admin decides. Beijing hears of it from Islamabad's receipt.
  CHECK(beijing.Digest() != islamabad.Digest());
  bool told = false;
  for (const auto& a : back.received.alarms) {
    told = told || (a.message.key == "sync.alarm.peer_applied_past_cutoff" &&
                    a.message.text.find(" 2 ") != std::string::npos);
  }
  CHECK(told);
  REQUIRE(beijing.node->Revoke(booth_id.substr(0, 8), 2));
  CHECK(!beijing.node->Revoke(booth_id, 2));  // not higher: refused
  islamabad.Import(beijing.Export());
  beijing.Import(islamabad.Export());
  CHECK(beijing.Digest() == islamabad.Digest());
}

TEST_CASE("node: a cancel that comes as a bundle import ends leaves the session usable",
          "[sync][node]") {
  // A page's cancel reaches the engine a little late: at the last progress report, or after
  // the call returned. Whatever the call answers, the next calls must not be cancelled too.
  TwoOfficesAndABundle t(5);
  Device& beijing = t.beijing;
  Device& islamabad = t.islamabad;
  auto late =
      islamabad.node->ImportBundle(t.bundle, [&](int64_t done, int64_t total, std::string_view) {
        if (done == total) islamabad.node->Interrupt();
      });
  INFO((late ? std::string("imported") : late.error().message));
  // No statement is left running between calls (it would hold a read transaction and keep
  // the interrupt in force).
  sqlite3* h = islamabad.session->impl().db->handle();
  for (sqlite3_stmt* p = sqlite3_next_stmt(h, nullptr); p; p = sqlite3_next_stmt(h, p)) {
    INFO(sqlite3_sql(p));
    CHECK_FALSE(sqlite3_stmt_busy(p));
  }
  CHECK(islamabad->Digest());
  CHECK(islamabad->ListConflicts());
  islamabad.node->Interrupt();  // after the call: no call in progress, nothing happens
  CHECK(islamabad->Digest());
  auto again = islamabad.node->ImportBundle(t.bundle);
  REQUIRE(again);
  beijing.Import(islamabad.Export());
  CHECK(beijing.Digest() == islamabad.Digest());
}

TEST_CASE("node: a bundle import reports progress and stops when interrupted, keeping what it took",
          "[sync][node]") {
  TwoOfficesAndABundle t(40);
  Device& beijing = t.beijing;
  Device& islamabad = t.islamabad;
  const Bytes& bundle = t.bundle;
  std::vector<int64_t> seen;
  auto stopped = islamabad.node->ImportBundle(bundle, [&](int64_t done, int64_t total, std::string_view what) {
    CHECK(what == "receiving");
    CHECK(total > 40);
    seen.push_back(done);
    if (seen.size() == 1) islamabad.node->Interrupt();  // as a UI's cancel button would
  });
  REQUIRE(!stopped);
  CHECK(stopped.error().code == ErrorCode::kCancelled);
  REQUIRE(seen.size() == 1);
  CHECK(seen[0] == 16);
  // What it took stays; the same file again completes.
  auto resumed = islamabad.Import(bundle);
  CHECK(resumed.received.applied > 0);
  CHECK(resumed.received.known >= 16);
  beijing.Import(islamabad.Export());
  CHECK(beijing.Digest() == islamabad.Digest());
}

TEST_CASE("node: envelopes of unknown authors wait in a share of their own, which junk cannot overfill",
          "[sync][node]") {
  REQUIRE(InitCrypto());
  ManualClock clock{testing::MsAt({2024, 6, 15})};
  Device beijing{clock, 1};
  DeviceKeys keys = DeviceKeys::Generate();
  beijing.node = std::move(*Node::Create(*beijing.session, keys, "beijing", "DH", &clock));
  const Bytes ws = beijing.node->trust().workspace();
  const Bytes secret = RandomBytes(32);
  // Made-up authors (not in any roster): their signatures cannot be checked here, so anyone
  // can make them. 80 authors × 16 envelopes: more than the share of unknown authors allows.
  std::vector<Bytes> junk;
  for (int a = 0; a < 80; ++a) {
    DeviceKeys k = DeviceKeys::Generate();
    Bytes prev;
    for (uint64_t seq = 1; seq <= 16; ++seq) {
      junk.push_back(SealChanges(ws, 1, secret, k.id(), k.sign.sk, seq, prev, "junk"));
      prev = ParseEnvelope(junk.back())->Id();
    }
  }
  std::vector<std::string_view> views(junk.begin(), junk.end());
  auto r = beijing.node->Receive(views);
  REQUIRE(r);
  std::size_t waiting = 0, refused = 0;
  for (const Received& item : r->items) {
    if (item.status == Received::Status::kWaiting) ++waiting;
    if (item.status == Received::Status::kRejected) {
      ++refused;
      CHECK(item.reason.key == "sync.waiting_unknown_full");
    }
  }
  // At most 64 unknown authors, 1,024 envelopes: the rest is refused (a later sync brings
  // anything real again).
  CHECK(waiting == 64 * 16);
  CHECK(refused == 16 * 16);
  // The share is kept on disk: after reopening, the same junk is still counted, and no more
  // is taken.
  beijing.node.reset();
  beijing.node = std::move(*Node::Open(*beijing.session, keys, &clock));
  DeviceKeys other = DeviceKeys::Generate();
  junk.push_back(SealChanges(ws, 1, secret, other.id(), other.sign.sk, 1, {}, "junk"));
  views.assign(junk.begin(), junk.end());
  auto again = beijing.node->Receive(views);
  REQUIRE(again);
  std::size_t waiting_again = 0;
  for (const Received& item : again->items)
    waiting_again += item.status == Received::Status::kWaiting ? 1 : 0;
  CHECK(waiting_again == 64 * 16);  // the same ones (kept already), no more
}
