// Trust::CheckSigner (trust.h): who may sign each control kind, checked before the body is
// decoded, and its guarantee that whatever passes is judged by Offer at once (never parked).
// Also the tail and waiting accessors the relay uses instead of rescanning the whole history.
#include <algorithm>
#include <catch2/catch.hpp>
#include <random>

#include "dosti/catalog.h"
#include "sync/sync_fixture.h"

using namespace dosti::sync;
using namespace dosti::sync::testing;
using dosti::ErrorCode;

namespace {

template <typename T>
ErrorCode CodeOf(const dosti::Result<T>& r) {
  return r ? ErrorCode::kOk : r.error().code;
}

ErrorCode Signer(const Trust& t, std::string_view bytes) {
  auto env = ParseEnvelope(bytes);
  REQUIRE(env);
  auto r = t.CheckSigner(*env);
  INFO((r ? std::string("ok") : r.error().key + ": " + r.error().message));
  return r ? ErrorCode::kOk : r.error().code;
}

std::string SignerKey(const Trust& t, std::string_view bytes) {
  auto env = ParseEnvelope(bytes);
  REQUIRE(env);
  auto r = t.CheckSigner(*env);
  return r ? std::string() : r.error().key;
}

Trust::Outcome Offered(Trust& t, std::string_view envelope) {
  auto r = t.Offer(envelope, kT0);
  INFO((r ? std::string("ok") : r.error().message));
  REQUIRE(r);
  return *r;
}

// A roster version that follows `t`'s, signed by `signer`, with `edit` applied to it.
template <typename Edit>
Bytes NextRoster(const Trust& t, const Cast& c, const Device& signer, Edit edit) {
  RosterBody r = t.NextRoster(kT0 + 1000 * (t.roster_version() + 1));
  edit(r);
  return SignRoster(c.ws, signer, r);
}

// A roster of 4,096 members that all hash right (what a stranger posts to make a relay work).
Bytes BigRosterBy(const Cast& c, const Device& author, uint32_t version) {
  RosterBody r;
  r.version = version;
  r.prev = Filled(kHashBytes, 0x11);
  r.nonce = Filled(16, 0x6e);
  r.issued_ms = kT0;
  for (int i = 0; i < 4096; ++i) {
    Member m;
    m.ed_pk = Filled(32, 0);
    m.ed_pk[0] = static_cast<char>(i & 0xff);
    m.ed_pk[1] = static_cast<char>(i >> 8);
    m.x_pk = Filled(32, 0x55);
    m.id = DeviceIdOf(m.ed_pk, m.x_pk);
    m.invite = Filled(kIdBytes, 0);
    r.members.push_back(m);
  }
  return SignRoster(c.ws, author, r);
}

}  // namespace

TEST_CASE(
    "CheckSigner: an active admin's roster, invite and epoch pass, others are refused "
    "before their body is read",
    "[sync][trust][signer]") {
  Cast c;
  Trust t = c.Fresh();
  Invitation inv = MakeInvite(c.ws, c.admin, 0x21, Role::kBooth, Office::kBeijing, kT0 + kDay);
  Bytes epoch = MakeEpoch(c.ws, c.admin, 1, t.roster_id(), Filled(32, 0x77), t.Members());
  Bytes v2 = NextRoster(t, c, c.admin, [](RosterBody&) {});
  CHECK(Signer(t, inv.envelope) == ErrorCode::kOk);
  CHECK(Signer(t, epoch) == ErrorCode::kOk);
  CHECK(Signer(t, v2) == ErrorCode::kOk);
  CHECK(Signer(t, c.genesis) == ErrorCode::kOk);  // a known one: its signer is still an admin

  // A stranger: not in the roster. Nothing about its (large, well-formed) body matters.
  Bytes stranger = BigRosterBy(c, c.outsider, 2);
  CHECK(stranger.size() > 470000);
  CHECK(Signer(t, stranger) == ErrorCode::kUnknownDevice);
  CHECK(SignerKey(t, stranger) == "signer.unknown");
  // The same with garbage where its body should be: refused alike (the body is not read).
  Bytes garbage =
      SignControl(Kind::kRoster, c.ws, c.outsider.id, c.outsider.ed.sk, Filled(200000, 0xee));
  CHECK(Signer(t, garbage) == ErrorCode::kUnknownDevice);
  // A member that is not an admin.
  Bytes by_office = MakeInvite(c.ws, c.office, 0x22, Role::kBooth, Office::kBeijing, kT0).envelope;
  CHECK(Signer(t, by_office) == ErrorCode::kNotPermitted);
  CHECK(SignerKey(t, by_office) == "signer.not_admin");
  // The admin's id with someone else's signature: a forgery.
  Bytes forged =
      SignControl(Kind::kInvite, c.ws, c.admin.id, c.outsider.ed.sk, EncodeInvite(inv.body));
  CHECK(Signer(t, forged) == ErrorCode::kUnauthentic);
  // Another workspace, a changes envelope, a receipt.
  Bytes foreign = SignControl(Kind::kInvite, Filled(kIdBytes, 0x99), c.admin.id, c.admin.ed.sk,
                              EncodeInvite(inv.body));
  CHECK(Signer(t, foreign) == ErrorCode::kWrongWorkspace);
  Bytes changes = SealChanges(c.ws, 1, Filled(32, 1), c.admin.id, c.admin.ed.sk, 1, {}, "x");
  CHECK(Signer(t, changes) == ErrorCode::kDamaged);
  Bytes receipt = SignControl(Kind::kReceipt, c.ws, c.admin.id, c.admin.ed.sk,
                              EncodeReceipt(ReceiptBody{kT0, {}}));
  CHECK(Signer(t, receipt) == ErrorCode::kDamaged);
  CHECK(SignerKey(t, receipt) == "signer.not_control");

  // CheckSigner changed nothing.
  CHECK(t.ControlMessages() == std::vector<Bytes>{c.genesis});
  CHECK(t.waiting_count() == 0);
}

TEST_CASE("CheckSigner: a roster version beyond the next is refused, not parked",
          "[sync][trust][signer]") {
  Cast c;
  Trust t = c.Fresh();
  Bytes v2 = NextRoster(t, c, c.admin, [](RosterBody&) {});
  Trust t2 = c.Fresh();
  REQUIRE(Offered(t2, v2) == Trust::Outcome::kAdded);
  Bytes v3 = NextRoster(t2, c, c.admin, [](RosterBody&) {});
  // Offer would park v3 (it waits for v2); CheckSigner says what is missing instead.
  CHECK(Signer(t, v3) == ErrorCode::kNotFound);
  CHECK(SignerKey(t, v3) == "signer.roster_ahead");
  Trust parked = c.Fresh();
  CHECK(Offered(parked, v3) == Trust::Outcome::kWaiting);
  CHECK(parked.waiting_count() == 1);
  CHECK(parked.waiting_bytes() == v3.size());
  // In order, both pass and fold.
  CHECK(Signer(t, v2) == ErrorCode::kOk);
  REQUIRE(Offered(t, v2) == Trust::Outcome::kAdded);
  CHECK(Signer(t, v3) == ErrorCode::kOk);
  REQUIRE(Offered(t, v3) == Trust::Outcome::kAdded);
  CHECK(t.roster_version() == 3);
  // A roster whose body is too short to hold a version number, signed by the admin.
  Bytes stub = SignControl(Kind::kRoster, c.ws, c.admin.id, c.admin.ed.sk, "ab");
  CHECK(Signer(t, stub) == ErrorCode::kDamaged);
}

TEST_CASE("CheckSigner: a revoked admin or a pending device may not sign", "[sync][trust][signer]") {
  Cast c;
  Trust t = c.Fresh();
  // A second admin, then the first one revoked by it.
  Bytes v2 = NextRoster(t, c, c.admin, [&](RosterBody& r) {
    r.members.push_back(c.booth.AsMember(Role::kAdmin, Office::kIslamabad));
  });
  REQUIRE(Offered(t, v2) == Trust::Outcome::kAdded);
  Bytes v3 = NextRoster(t, c, c.booth, [&](RosterBody& r) {
    for (auto& m : r.members) {
      if (m.id == c.admin.id) m.status = Status::kRevoked;
    }
  });
  CHECK(Signer(t, v3) == ErrorCode::kOk);
  REQUIRE(Offered(t, v3) == Trust::Outcome::kAdded);
  Bytes late = MakeInvite(c.ws, c.admin, 0x31, Role::kBooth, Office::kBeijing, kT0).envelope;
  CHECK(Signer(t, late) == ErrorCode::kNotPermitted);
  // History it signed while it was an admin is known by id to the callers that stored it; as
  // a new message it is refused, which is what Offer says too.
  CHECK(CodeOf(t.Offer(late, kT0)) == ErrorCode::kNotPermitted);

  // A device that joined (pending, with an invite for an office role) cannot sign: it is no
  // member.
  Invitation inv = MakeInvite(c.ws, c.booth, 0x32, Role::kOffice, Office::kBeijing, kT0 + kDay);
  REQUIRE(Offered(t, inv.envelope) == Trust::Outcome::kAdded);
  REQUIRE(Offered(t, MakeJoin(c.ws, inv, c.booth2, kT0)) == Trust::Outcome::kAdded);
  REQUIRE(t.FindPending(c.booth2.id));
  Bytes by_joined = MakeInvite(c.ws, c.booth2, 0x33, Role::kBooth, Office::kBeijing, kT0).envelope;
  CHECK(Signer(t, by_joined) == ErrorCode::kUnknownDevice);
}

TEST_CASE("CheckSigner: a join needs its own keys, a known invite and the invite key's proof",
          "[sync][trust][signer]") {
  Cast c;
  Trust t = c.Fresh();
  Invitation inv = MakeInvite(c.ws, c.admin, 0x41, Role::kBooth, Office::kBeijing, kT0 + kDay);
  Bytes join = MakeJoin(c.ws, inv, c.booth, kT0);
  // Before its invite: refused with what to send, not parked.
  CHECK(Signer(t, join) == ErrorCode::kNotFound);
  CHECK(SignerKey(t, join) == "signer.join_unknown_invite");
  REQUIRE(Offered(t, inv.envelope) == Trust::Outcome::kAdded);
  CHECK(Signer(t, join) == ErrorCode::kOk);

  SigningKeys thief = SigningKeys::FromSeed(Filled(32, 0x5a));
  Bytes no_key = MakeJoin(c.ws, inv, c.booth2, kT0, &thief);
  CHECK(Signer(t, no_key) == ErrorCode::kUnauthentic);
  CHECK(SignerKey(t, no_key) == "signer.join_no_invite_key");

  // Authored by another device than its keys'.
  JoinBody j;
  j.invite = inv.body.id;
  j.ed_pk = c.booth2.ed.pk;
  j.x_pk = c.booth2.x.pk;
  j.joined_ms = kT0;
  j.invite_sig = Sign(inv.key.sk, JoinProof(j.invite, j.ed_pk, j.x_pk));
  Bytes not_self = SignControl(Kind::kJoin, c.ws, c.booth.id, c.booth.ed.sk, EncodeJoin(j));
  CHECK(Signer(t, not_self) == ErrorCode::kUnauthentic);
  CHECK(SignerKey(t, not_self) == "signer.join_not_self");
  // Its keys' device as author, but the envelope signed by someone else.
  Bytes wrong_sig = SignControl(Kind::kJoin, c.ws, c.booth2.id, c.booth.ed.sk, EncodeJoin(j));
  CHECK(Signer(t, wrong_sig) == ErrorCode::kUnauthentic);
  // A join body of the wrong size is refused unread.
  Bytes stub = SignControl(Kind::kJoin, c.ws, c.booth2.id, c.booth2.ed.sk, EncodeJoin(j) + "x");
  CHECK(Signer(t, stub) == ErrorCode::kDamaged);
  CHECK(t.waiting_count() == 0);
}

TEST_CASE(
    "Whatever passes CheckSigner is judged by Offer at once: a shuffled history folds "
    "without anything parked, to the in-order view",
    "[sync][trust][signer]") {
  Cast c;
  // A history: invite, join, roster v2 (with the joined device and a second admin), an
  // epoch, an invite by the second admin, roster v3 by it.
  Trust honest = c.Fresh();
  std::vector<Bytes> history;
  auto add = [&](Bytes m) {
    REQUIRE(Offered(honest, m) == Trust::Outcome::kAdded);
    history.push_back(std::move(m));
  };
  Invitation inv = MakeInvite(c.ws, c.admin, 0x51, Role::kBooth, Office::kBeijing, kT0 + kDay);
  add(inv.envelope);
  add(MakeJoin(c.ws, inv, c.booth, kT0));
  add(NextRoster(honest, c, c.admin, [&](RosterBody& r) {
    r.members.push_back(c.booth2.AsMember(Role::kAdmin, Office::kIslamabad));
  }));
  add(MakeEpoch(c.ws, c.admin, 1, honest.roster_id(), Filled(32, 0x71), honest.Members()));
  add(MakeInvite(c.ws, c.booth2, 0x52, Role::kOffice, Office::kIslamabad, kT0 + kDay).envelope);
  add(NextRoster(honest, c, c.booth2, [](RosterBody&) {}));

  std::mt19937 rng(20261128);
  for (int round = 0; round < 20; ++round) {
    std::vector<Bytes> order = history;
    std::shuffle(order.begin(), order.end(), rng);
    Trust t = c.Fresh();
    std::size_t seen = t.control_count();
    // Offer only what passes, as the relay does; repeat until nothing more passes (a client
    // that sends its history again). Nothing may ever wait inside.
    for (bool progress = true; progress;) {
      progress = false;
      for (const Bytes& m : order) {
        auto env = ParseEnvelope(m);
        REQUIRE(env);
        if (!t.CheckSigner(*env)) continue;
        auto outcome = t.Offer(m, kT0);
        REQUIRE(outcome);
        CHECK(*outcome != Trust::Outcome::kWaiting);
        CHECK(t.waiting_count() == 0);
        if (*outcome == Trust::Outcome::kAdded) {
          progress = true;
          // The tail since the last look is exactly the message just folded.
          CHECK(t.ControlMessages(seen) == std::vector<Bytes>{m});
          seen = t.control_count();
        }
      }
    }
    CHECK(t.roster_version() == honest.roster_version());
    CHECK(t.roster_id() == honest.roster_id());
    CHECK(t.control_count() == honest.control_count());
    CHECK(t.Members().size() == honest.Members().size());
    CHECK(t.ControlMessages(0) == t.ControlMessages());
  }
}

TEST_CASE("Every signer and relay message has its English, Chinese and Urdu text",
          "[sync][trust][signer]") {
  for (std::string_view key : dosti::CatalogKeys()) {
    if (key.rfind("signer.", 0) != 0 && key.rfind("relay.", 0) != 0 && key.rfind("json.", 0) != 0)
      continue;
    INFO(std::string(key));
    for (std::string_view lang : dosti::kLanguages) CHECK_FALSE(dosti::Template(key, lang).empty());
  }
  for (const char* key :
       {"signer.wrong_workspace", "signer.unknown", "signer.not_admin", "signer.roster_ahead",
        "signer.join_not_self", "signer.join_unknown_invite", "signer.join_no_invite_key",
        "signer.not_control", "relay.parked_full", "relay.busy.address", "relay.busy.device",
        "relay.busy.relay", "relay.busy.bodies", "relay.body_too_large", "relay.body_json",
        "relay.rate_limited"}) {
    INFO(key);
    CHECK(dosti::HasKey(key));
  }
}
