// Envelope v1 (envelope.h): golden vectors that the native and the wasm build must decode
// identically, the layout checks of ParseEnvelope, and the tamper matrix (every bit of a
// changes and of control envelopes flipped, every truncation, appended and oversize input).
//
// Byte layout (sync/README.md, "Envelope v1"; tests/data/sync/README.md describes the vectors):
//   0 magic "DHC1" | 4 u8 version 1 | 5 u8 kind | 6 u16 flags 0 | 8 workspace[16] | 24 u32 epoch
//   | 28 author[16] | 44 u64 seq | 52 prev[32] | 84 nonce[24] | 108 u32 body_len | 112 body
//   | 112+body_len signature[64]                                      (integers little-endian)
// id = BLAKE2b-256("DH-env-v1" ‖ header ‖ body); signature = Ed25519("DH-sig-v1" ‖ id);
// a changes body = XChaCha20-Poly1305(kdf(S_e, 1, "DHenvlp1"), nonce, AD = header,
//                                     u8 1 ‖ u32 len ‖ changeset ‖ ISO 7816-4 padding to 256).
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <tuple>

#include "dosti/replica.h"
#include "core/session_fixture.h"
#include "sync/sync_fixture.h"

using namespace dosti::sync;
using namespace dosti::sync::testing;
using dosti::ErrorCode;

namespace {

// ---- helpers ------------------------------------------------------------------------------

std::string VectorPath(const std::string& name) {
  return std::string(DOSTI_TEST_DATA) + "/sync/" + name + ".hex";
}

Bytes ReadVector(const std::string& name) {
  std::ifstream in(VectorPath(name));
  REQUIRE(in.good());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string hex;
  for (char c : text) {
    if (c != '\n' && c != '\r' && c != ' ') hex.push_back(c);
  }
  auto bytes = FromHex(hex);
  REQUIRE(bytes);
  return *bytes;
}

void WriteVector(const std::string& name, std::string_view bytes) {
  std::ofstream out(VectorPath(name), std::ios::binary | std::ios::trunc);
  REQUIRE(out.good());
  std::string hex = ToHex(bytes);
  for (std::size_t i = 0; i < hex.size(); i += 64) out << hex.substr(i, 64) << '\n';
  REQUIRE(out.good());
}

uint64_t LeAt(std::string_view b, std::size_t at, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= uint64_t{static_cast<uint8_t>(b[at + i])} << (8 * i);
  return v;
}

void PutLe(Bytes& b, std::size_t at, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) b[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

// Signs an envelope's header and body again (the author's key), so that a layout check can be
// tested apart from the signature check.
Bytes Resign(Bytes env, const SigningKeys& key) {
  std::size_t signed_len = env.size() - kSignatureBytes;
  Bytes sig = Sign(key.sk, SignatureInput(Hash("DH-env-v1", {env.substr(0, signed_len)})));
  env.replace(signed_len, kSignatureBytes, sig);
  return env;
}

// ---- the golden vectors -------------------------------------------------------------------

// Everything the vectors are made from: fixed seeds, secrets, times.
struct Golden {
  Device admin = Device::FromSeed(0x01);   // Beijing admin, author of the genesis
  Device office = Device::FromSeed(0x02);  // Islamabad office device, author of the changes
  Device booth = Device::FromSeed(0x03);   // joins with the invite
  Bytes s1 = Filled(32, 0xe1);             // epoch secrets
  Bytes s2 = Filled(32, 0xe2);
  int64_t office_expires = kT0 + 365 * kDay;
  Bytes genesis, invite, join, receipt;  // deterministic: remade and compared byte for byte
  Bytes ws;
  Invitation inv;

  Golden() {
    RequireCrypto();
    genesis = MakeGenesis(admin, {admin.AsMember(Role::kAdmin, Office::kBeijing),
                                  office.AsMember(Role::kOffice, Office::kIslamabad,
                                                  office_expires)});
    ws = WorkspaceOf(genesis);
    inv = MakeInvite(ws, admin, 0x21, Role::kBooth, Office::kIslamabad, kT0 + 7 * kDay,
                     kT0 + 30 * kDay);
    invite = inv.envelope;
    join = MakeJoin(ws, inv, booth, kT0 + kDay);
    ReceiptBody r;
    r.made_ms = kT0 + 2 * kDay;
    r.applied[office.id] = 2;
    r.applied[booth.id] = 0;
    receipt = SignControl(Kind::kReceipt, ws, admin.id, admin.ed.sk, EncodeReceipt(r));
  }
};

constexpr const char* kPayload2 = "DH golden payload 2: any bytes \x00\xff";
const Bytes kPayload2Bytes(kPayload2, 33);

// A real changeset: one enterprise and its contact, written by a session with a fixed clock
// and seeded ids.
Bytes RealChangeset() {
  dosti::testing::Workspace w("islamabad");
  w.CompleteEnterprise("CN", "乙科技有限公司", "91110108772551611J");
  auto sets = dosti::Replica(*w.session).ChangesetsFor({});
  REQUIRE(sets);
  REQUIRE(!sets->empty());
  return (*sets)[0];
}

struct Expected {
  Kind kind;
  uint32_t epoch;
  Bytes author;
  uint64_t seq;
  Bytes prev;
  uint32_t body_len;
  const char* id;
};

// Checks the clear header of a vector byte by byte (independently of ParseEnvelope) and as
// parsed, its id and its author's signature.
Envelope CheckHeader(const Bytes& bytes, const Bytes& ws, const Expected& x,
                     const SigningKeys& author) {
  REQUIRE(bytes.size() == kHeaderBytes + x.body_len + kSignatureBytes);
  CHECK(bytes.substr(0, 4) == "DHC1");
  CHECK(LeAt(bytes, 4, 1) == 1);
  CHECK(LeAt(bytes, 5, 1) == static_cast<uint8_t>(x.kind));
  CHECK(LeAt(bytes, 6, 2) == 0);
  CHECK(bytes.substr(8, 16) == ws);
  CHECK(LeAt(bytes, 24, 4) == x.epoch);
  CHECK(bytes.substr(28, 16) == x.author);
  CHECK(LeAt(bytes, 44, 8) == x.seq);
  CHECK(bytes.substr(52, 32) == (x.prev.empty() ? Filled(32, 0) : x.prev));
  if (x.kind != Kind::kChanges) CHECK(bytes.substr(84, 24) == Filled(24, 0));
  CHECK(LeAt(bytes, 108, 4) == x.body_len);

  auto env = ParseEnvelope(bytes);
  REQUIRE(env);
  const Header& h = env->header;
  CHECK(h.kind == x.kind);
  CHECK(h.workspace == ws);
  CHECK(h.epoch == x.epoch);
  CHECK(h.author == x.author);
  CHECK(h.seq == x.seq);
  CHECK(h.prev == bytes.substr(52, 32));
  CHECK(h.nonce == bytes.substr(84, 24));
  CHECK(h.body_len == x.body_len);
  CHECK(env->body() == bytes.substr(kHeaderBytes, x.body_len));
  CHECK(ToHex(env->Id()) == x.id);
  CHECK(env->Id() == Hash("DH-env-v1", {bytes.substr(0, kHeaderBytes + x.body_len)}));
  CHECK(CheckSignature(*env, author.pk));
  CHECK(Verify(author.pk,
               SignatureInput(Hash("DH-env-v1", {bytes.substr(0, kHeaderBytes + x.body_len)})),
               bytes.substr(kHeaderBytes + x.body_len)));
  return *env;
}

// Recorded when the vectors were made (the [.generate] case prints them).
constexpr const char* kWorkspace = "eeb744b01119f06c823defdcb8e0fcc6";
constexpr const char* kAdminId = "dcbd120fe1b35db008474d307981147d";
constexpr const char* kOfficeId = "ba42f88dd2b5fe81b644b587d4d9ebb4";
constexpr const char* kBoothId = "bbb7a1f8b2abafdcca8b94cb9cac6535";
constexpr const char* kGenesisId = "c67470151a01b87a6d73f0de1bb3c3d883c78a5f7bdd0279f95036e51115d0f8";
constexpr const char* kInviteId = "8390f887a12827362a0d4295366924bafdefa1c643fd4161fa3fb2c026949859";
constexpr const char* kJoinId = "98779c29438d1e962b494d659a9ad3841ff49b1608f2e91e6c400b9d392c2767";
constexpr const char* kEpochId = "be0a1edbc1cea56a8c419198257b79e89df3beee8cdff326ca9664eaf92b165f";
constexpr const char* kChanges1Id = "3b787c5adf398b768193a9e5de372a936cdb972c2e06768e000beb28b82ec49d";
constexpr const char* kChanges2Id = "166f2fc9c1c3e3f1fafc8f5f13446bc485ef45b3f4c0c20d8d641a91ee00e430";
constexpr const char* kReceiptId = "49c4d3480ee960a7682d8e53fd16d72158b803ba90e73f3e5c995a6a1b7fb798";
constexpr const char* kPayload1Hash = "31be95ffbdca13ba32e2a5116df99ed005ca93e1022016ae83d3d4eba1e8e705";  // BLAKE2b-256 of the real changeset
constexpr std::size_t kPayload1Size = 2399;

}  // namespace

// Signs the committed vectors again in place, keeping every header and body byte (and so every
// id): for a change of what is signed, not of what is sent.
TEST_CASE("Golden vectors are signed again in place", "[.resign][native]") {
  std::map<Bytes, SigningKeys> keys;
  for (uint8_t n : {0x01, 0x02, 0x03}) {
    Device d = Device::FromSeed(n);
    keys[d.id] = d.ed;
  }
  for (const char* name : {"genesis", "invite", "join", "epoch", "changes1", "changes2", "receipt"}) {
    Bytes bytes = ReadVector(name);
    auto env = ParseEnvelope(bytes);
    REQUIRE(env);
    REQUIRE(keys.count(env->header.author));
    WriteVector(name, Resign(bytes, keys.at(env->header.author)));
  }
}

TEST_CASE("Golden vectors are written once from fixed seeds", "[.generate][native]") {
  Golden g;
  Bytes payload1 = RealChangeset();
  Bytes genesis_id = EnvelopeId(g.genesis);
  Bytes epoch = MakeEpoch(g.ws, g.admin, 2, genesis_id, g.s2,
                          {g.admin.AsMember(Role::kAdmin, Office::kBeijing),
                           g.office.AsMember(Role::kOffice, Office::kIslamabad)},
                          g.s1);
  Bytes changes1 = SealChanges(g.ws, 1, g.s1, g.office.id, g.office.ed.sk, 1, "", payload1);
  Bytes changes2 = SealChanges(g.ws, 2, g.s2, g.office.id, g.office.ed.sk, 2,
                               EnvelopeId(changes1), kPayload2Bytes);
  std::map<std::string, Bytes> files{{"genesis", g.genesis}, {"invite", g.invite},
                                     {"join", g.join},       {"epoch", epoch},
                                     {"changes1", changes1}, {"changes2", changes2},
                                     {"receipt", g.receipt}};
  for (const auto& [name, bytes] : files) {
    WriteVector(name, bytes);
    WARN(name << " " << bytes.size() << " bytes, id " << ToHex(EnvelopeId(bytes)));
  }
  WARN("workspace " << ToHex(g.ws) << "\nadmin " << ToHex(g.admin.id) << "\noffice "
                    << ToHex(g.office.id) << "\nbooth " << ToHex(g.booth.id) << "\npayload1 "
                    << payload1.size() << " bytes, " << ToHex(Hash("", {payload1})));
}

TEST_CASE("Golden vectors: the genesis, invite, join and receipt decode to their fields and are "
          "remade byte for byte",
          "[sync][envelope][golden]") {
  Golden g;
  CHECK(ToHex(g.ws) == kWorkspace);
  CHECK(ToHex(g.admin.id) == kAdminId);
  CHECK(ToHex(g.office.id) == kOfficeId);
  CHECK(ToHex(g.booth.id) == kBoothId);

  SECTION("genesis") {
    Bytes bytes = ReadVector("genesis");
    CHECK(bytes == g.genesis);
    Envelope env = CheckHeader(bytes, g.ws, {Kind::kRoster, 0, g.admin.id, 0, {}, 292, kGenesisId},
                               g.admin.ed);
    CHECK(WorkspaceIdOf(env.body()) == g.ws);
    auto roster = DecodeRoster(env.body());
    REQUIRE(roster);
    CHECK(roster->version == 1);
    CHECK(roster->prev == Filled(32, 0));
    CHECK(roster->nonce == Filled(16, 0x6e));
    CHECK(roster->issued_ms == kT0);
    REQUIRE(roster->members.size() == 2);
    const Member& a = roster->members[0];
    CHECK(a.id == g.admin.id);
    CHECK(a.ed_pk == g.admin.ed.pk);
    CHECK(a.x_pk == g.admin.x.pk);
    CHECK(a.role == Role::kAdmin);
    CHECK(a.office == Office::kBeijing);
    CHECK(a.status == Status::kActive);
    CHECK(a.expires_ms == 0);
    CHECK(a.cutoff == 0);
    CHECK(a.invite == Filled(16, 0));
    const Member& o = roster->members[1];
    CHECK(o.id == g.office.id);
    CHECK(o.role == Role::kOffice);
    CHECK(o.office == Office::kIslamabad);
    CHECK(o.expires_ms == g.office_expires);
    auto trust = Trust::FromGenesis(bytes);
    REQUIRE(trust);
    CHECK(trust->workspace() == g.ws);
    CHECK(ToHex(trust->roster_id()) == kGenesisId);
  }
  SECTION("invite") {
    Bytes bytes = ReadVector("invite");
    CHECK(bytes == g.invite);
    Envelope env = CheckHeader(bytes, g.ws, {Kind::kInvite, 0, g.admin.id, 0, {}, 66, kInviteId},
                               g.admin.ed);
    auto invite = DecodeInvite(env.body());
    REQUIRE(invite);
    CHECK(invite->id == Filled(16, 0x21));
    CHECK(invite->key_pk == SigningKeys::FromSeed(Filled(32, 0x21)).pk);
    CHECK(invite->role == Role::kBooth);
    CHECK(invite->office == Office::kIslamabad);
    CHECK(invite->expires_ms == kT0 + 7 * kDay);
    CHECK(invite->device_expires_ms == kT0 + 30 * kDay);
  }
  SECTION("join") {
    Bytes bytes = ReadVector("join");
    CHECK(bytes == g.join);
    Envelope env = CheckHeader(bytes, g.ws, {Kind::kJoin, 0, g.booth.id, 0, {}, 152, kJoinId},
                               g.booth.ed);
    auto join = DecodeJoin(env.body());
    REQUIRE(join);
    CHECK(join->invite == Filled(16, 0x21));
    CHECK(join->ed_pk == g.booth.ed.pk);
    CHECK(join->x_pk == g.booth.x.pk);
    CHECK(join->joined_ms == kT0 + kDay);
    CHECK(Verify(g.inv.key.pk, JoinProof(join->invite, join->ed_pk, join->x_pk),
                 join->invite_sig));
    CHECK(JoinProof(join->invite, join->ed_pk, join->x_pk) ==
          "DH-join-v1" + Filled(16, 0x21) + g.booth.ed.pk + g.booth.x.pk);
  }
  SECTION("receipt") {
    Bytes bytes = ReadVector("receipt");
    CHECK(bytes == g.receipt);
    Envelope env = CheckHeader(bytes, g.ws,
                               {Kind::kReceipt, 0, g.admin.id, 0, {}, 60, kReceiptId}, g.admin.ed);
    auto receipt = DecodeReceipt(env.body());
    REQUIRE(receipt);
    CHECK(receipt->made_ms == kT0 + 2 * kDay);
    REQUIRE(receipt->applied.size() == 2);
    CHECK(receipt->applied.at(g.office.id) == 2);
    CHECK(receipt->applied.at(g.booth.id) == 0);
  }
  SECTION("the four fold into one trust and replay") {
    auto trust = Trust::FromGenesis(ReadVector("genesis"));
    REQUIRE(trust);
    CHECK(*trust->Offer(ReadVector("join"), kT0) == Trust::Outcome::kWaiting);
    CHECK(*trust->Offer(ReadVector("invite"), kT0) == Trust::Outcome::kAdded);
    CHECK(!trust->Find(g.booth.id));  // a join makes a pending device, for an admin to approve
    const PendingJoin* booth = trust->FindPending(g.booth.id);
    REQUIRE(booth);
    CHECK(booth->expires_ms == kT0 + 30 * kDay);
    Bytes receipt_bytes = ReadVector("receipt");
    auto receipt = ParseEnvelope(receipt_bytes);
    REQUIRE(receipt);
    CHECK(trust->CheckAuthor(*receipt, kT0 + 2 * kDay));
  }
}

TEST_CASE("Golden vectors: the epoch message opens with each member's key and chains back",
          "[sync][envelope][golden]") {
  Golden g;
  Bytes bytes = ReadVector("epoch");
  Envelope env = CheckHeader(bytes, g.ws, {Kind::kEpoch, 0, g.admin.id, 0, {}, 343, kEpochId},
                             g.admin.ed);
  auto epoch = DecodeEpoch(env.body());
  REQUIRE(epoch);
  CHECK(epoch->epoch == 2);
  CHECK(ToHex(epoch->roster) == kGenesisId);
  REQUIRE(epoch->sealed.size() == 2);
  CHECK(epoch->sealed[0].first == g.admin.id);
  CHECK(epoch->sealed[1].first == g.office.id);
  Bytes grant = EpochGrant(g.s2, 2, g.ws);
  CHECK(OpenSealed(g.admin.x, epoch->sealed[0].second) == grant);
  CHECK(OpenSealed(g.office.x, epoch->sealed[1].second) == grant);
  CHECK(!OpenSealed(g.booth.x, epoch->sealed[0].second));
  CHECK(!OpenSealed(g.office.x, epoch->sealed[0].second));
  CHECK(epoch->prev_nonce == Filled(24, 0x4e));
  CHECK(Decrypt(PreviousEpochKey(g.s2), epoch->prev_nonce, PrevSecretAd(g.ws, 2),
                epoch->prev_secret) == g.s1);
  CHECK(!Decrypt(PreviousEpochKey(g.s1), epoch->prev_nonce, PrevSecretAd(g.ws, 2),
                 epoch->prev_secret));
  CHECK(!Decrypt(PreviousEpochKey(g.s2), epoch->prev_nonce, PrevSecretAd(g.ws, 3),
                 epoch->prev_secret));
  auto trust = Trust::FromGenesis(ReadVector("genesis"));
  REQUIRE(trust);
  CHECK(*trust->Offer(bytes, kT0) == Trust::Outcome::kAdded);
  CHECK(trust->epochs().at(2) == bytes);
}

TEST_CASE("Golden vectors: the changes envelopes decrypt to their exact payloads",
          "[sync][envelope][golden]") {
  Golden g;
  Bytes c1 = ReadVector("changes1");
  Bytes c2 = ReadVector("changes2");
  std::size_t padded1 = ((5 + kPayload1Size) / 256 + 1) * 256;
  Envelope e1 =
      CheckHeader(c1, g.ws,
                  {Kind::kChanges, 1, g.office.id, 1, {}, uint32_t(padded1 + 16), kChanges1Id},
                  g.office.ed);
  Envelope e2 = CheckHeader(
      c2, g.ws, {Kind::kChanges, 2, g.office.id, 2, e1.Id(), 256 + 16, kChanges2Id}, g.office.ed);
  CHECK(ToHex(e2.header.prev) == kChanges1Id);

  auto p1 = OpenChanges(e1, g.s1);
  REQUIRE(p1);
  CHECK(p1->size() == kPayload1Size);
  CHECK(ToHex(Hash("", {*p1})) == kPayload1Hash);
  auto p2 = OpenChanges(e2, g.s2);
  REQUIRE(p2);
  CHECK(*p2 == kPayload2Bytes);

  // The layout, remade by hand: the inner frame, its padding, the header as associated data.
  for (auto [env, secret, payload] :
       {std::tuple{&e1, &g.s1, &*p1}, std::tuple{&e2, &g.s2, &*p2}}) {
    Bytes inner(env->header.body_len - kTagBytes, '\0');
    inner[0] = 1;
    PutLe(inner, 1, payload->size(), 4);
    inner.replace(5, payload->size(), *payload);
    inner[5 + payload->size()] = static_cast<char>(0x80);
    CHECK(Encrypt(DeriveKey(*secret, 1, "DHenvlp1"), env->header.nonce, env->header_bytes(),
                  inner) == env->body());
  }

  // Record text travels only inside the ciphertext.
  CHECK(p1->find("乙科技有限公司") != std::string::npos);
  CHECK(c1.find("乙科技有限公司") == std::string::npos);
  CHECK(c1.find("91110108772551611J") == std::string::npos);
  // The wrong epoch's secret opens neither.
  auto wrong = OpenChanges(e1, g.s2);
  REQUIRE(!wrong);
  CHECK(wrong.error().code == ErrorCode::kUnauthentic);
  CHECK(!OpenChanges(e2, g.s1));

  // And the receiver's checks accept both from the office device.
  auto trust = Trust::FromGenesis(ReadVector("genesis"));
  REQUIRE(trust);
  CHECK(trust->CheckAuthor(e1, kT0));
  CHECK(trust->CheckAuthor(e2, kT0));
  auto expired = trust->CheckAuthor(e2, g.office_expires + 1);
  REQUIRE(!expired);
  CHECK(expired.error().code == ErrorCode::kRevoked);
}

// ---- layout checks --------------------------------------------------------------------------

TEST_CASE("ParseEnvelope refuses each broken layout rule, even when validly signed",
          "[sync][envelope]") {
  Cast c;
  Bytes s1 = Filled(32, 0xe1);
  Bytes changes = SealChanges(c.ws, 1, s1, c.office.id, c.office.ed.sk, 1, "", "payload");
  Bytes control = MakeInvite(c.ws, c.admin, 0x21, Role::kBooth, Office::kBeijing, kT0).envelope;
  REQUIRE(ParseEnvelope(changes));
  REQUIRE(ParseEnvelope(control));
  // Resign leaves a valid envelope valid: what the cases below break is only the rule named.
  Bytes resigned_bytes = Resign(changes, c.office.ed);
  auto resigned = ParseEnvelope(resigned_bytes);
  REQUIRE(resigned);
  REQUIRE(CheckSignature(*resigned, c.office.ed.pk));

  auto refused = [](const Bytes& bytes, const char* reason) {
    auto env = ParseEnvelope(bytes);
    INFO(reason);
    REQUIRE(!env);
    CHECK(env.error().code == ErrorCode::kDamaged);
    CHECK_THAT(env.error().message, Catch::Contains(reason));
  };
  auto edit = [](Bytes b, std::size_t at, uint64_t v, int n) {
    PutLe(b, at, v, n);
    return b;
  };
  const SigningKeys& o = c.office.ed;
  const SigningKeys& a = c.admin.ed;
  refused(Resign(edit(changes, 0, 'X', 1), o), "wrong magic");
  refused(Resign(edit(changes, 4, 2, 1), o), "version 2");
  refused(Resign(edit(changes, 4, 0, 1), o), "version 0");
  refused(Resign(edit(changes, 5, 0, 1), o), "unknown kind 0");
  refused(Resign(edit(changes, 5, 8, 1), o), "unknown kind 8");
  refused(Resign(edit(changes, 6, 1, 2), o), "flags must be 0");
  refused(Resign(edit(control, 6, 0x100, 2), a), "flags must be 0");
  refused(Resign(edit(changes, 44, 0, 8), o), "sequence number 0");
  refused(Resign(edit(changes, 24, 0, 4), o), "epoch 0");
  refused(Resign(edit(changes, 52, 1, 1), o), "sequence 1 with a previous link");
  refused(Resign(edit(control, 44, 1, 8), a), "has a sequence, epoch, link or nonce");
  refused(Resign(edit(control, 24, 1, 4), a), "has a sequence, epoch, link or nonce");
  refused(Resign(edit(control, 83, 1, 1), a), "has a sequence, epoch, link or nonce");
  refused(Resign(edit(control, 107, 0x80, 1), a), "has a sequence, epoch, link or nonce");
  // A changes envelope with seq 2 may carry any link; kind 1 with a clear-text body may not.
  CHECK(ParseEnvelope(Resign(edit(edit(changes, 44, 2, 8), 52, 1, 1), o)));
  refused(Resign(edit(control, 5, 1, 1), a), "sequence number 0");

  // Bodies: the length field must say exactly what is there; changes bodies are padded.
  Bytes shorter = changes.substr(0, kHeaderBytes + 16) + changes.substr(changes.size() - 64);
  refused(Resign(edit(shorter, 108, 16, 4), o), "too short");
  Bytes odd = changes.substr(0, kHeaderBytes + 272) + "x" + changes.substr(changes.size() - 64);
  refused(Resign(edit(odd, 108, 273, 4), o), "not padded");
  Bytes empty_body = control.substr(0, kHeaderBytes) + control.substr(control.size() - 64);
  refused(Resign(edit(empty_body, 108, 0, 4), a), "an empty body");
  refused(edit(changes, 108, 271, 4), "truncated or padded");
  refused(edit(changes, 108, 0xffffffff, 4), "truncated or padded");
  refused(edit(control, 108, 0, 4), "truncated or padded");

  // A changes envelope padded out by one block with its length field to match passes the
  // layout checks but not the signature.
  Bytes longer = changes.substr(0, changes.size() - 64) + Filled(256, 0) +
                 changes.substr(changes.size() - 64);
  PutLe(longer, 108, 272 + 256, 4);
  auto env = ParseEnvelope(longer);
  REQUIRE(env);
  auto sig = CheckSignature(*env, c.office.ed.pk);
  REQUIRE(!sig);
  CHECK(sig.error().code == ErrorCode::kUnauthentic);
}

TEST_CASE("The header is the associated data: a validly re-signed header does not decrypt",
          "[sync][envelope]") {
  Cast c;
  Bytes s1 = Filled(32, 0xe1);
  Bytes changes = SealChanges(c.ws, 1, s1, c.office.id, c.office.ed.sk, 2, Filled(32, 9), "abc");
  for (auto [at, n] : std::initializer_list<std::pair<std::size_t, int>>{
           {8, 16}, {28, 16}, {44, 8}, {52, 32}, {84, 24}}) {
    Bytes b = changes;
    b[at + n - 1] ^= 0x01;  // the workspace, author, seq, prev or nonce changed
    b = Resign(b, c.office.ed);
    auto env = ParseEnvelope(b);
    REQUIRE(env);
    REQUIRE(CheckSignature(*env, c.office.ed.pk));
    auto opened = OpenChanges(*env, s1);
    INFO("header byte " << at + n - 1);
    REQUIRE(!opened);
    CHECK(opened.error().code == ErrorCode::kUnauthentic);
  }
  // The epoch field selects nothing by itself: the secret does. Another epoch number with the
  // same secret is still refused, because the header is authenticated.
  Bytes b = changes;
  PutLe(b, 24, 2, 4);
  b = Resign(b, c.office.ed);
  auto env = ParseEnvelope(b);
  REQUIRE(env);
  CHECK(!OpenChanges(*env, s1));
  auto good = ParseEnvelope(changes);
  REQUIRE(good);
  CHECK(OpenChanges(*good, s1) == Bytes("abc"));
}

TEST_CASE("OpenChanges refuses a badly framed inner changeset from a valid author",
          "[sync][envelope]") {
  Cast c;
  Bytes s1 = Filled(32, 0xe1);
  Bytes model = SealChanges(c.ws, 1, s1, c.office.id, c.office.ed.sk, 1, "", "abc");
  // Re-encrypts `inner` under the model's header and signs it as the office device would.
  auto seal = [&](const Bytes& inner) {
    Bytes header = model.substr(0, kHeaderBytes);
    PutLe(header, 108, inner.size() + kTagBytes, 4);
    Bytes body = Encrypt(EnvelopeKey(s1), header.substr(84, 24), header, inner);
    return Resign(header + body + Filled(64, 0), c.office.ed);
  };
  auto frame = [](uint8_t version, uint32_t len, const Bytes& payload, std::size_t pad_at) {
    Bytes inner(256, '\0');
    inner[0] = static_cast<char>(version);
    PutLe(inner, 1, len, 4);
    inner.replace(5, payload.size(), payload);
    if (pad_at < inner.size()) inner[pad_at] = static_cast<char>(0x80);
    return inner;
  };
  auto opened = [&](const Bytes& inner) {
    Bytes sealed = seal(inner);
    auto env = ParseEnvelope(sealed);
    REQUIRE(env);
    REQUIRE(CheckSignature(*env, c.office.ed.pk));
    return OpenChanges(*env, s1);
  };
  CHECK(opened(frame(1, 3, "abc", 8)) == Bytes("abc"));  // the model frame opens
  Bytes after_mark = frame(1, 3, "abc", 8);
  after_mark[200] = 0x01;
  struct Bad {
    const char* what;
    Bytes inner;
  };
  for (const Bad& bad : {Bad{"inner version 2", frame(2, 3, "abc", 8)},
                         Bad{"inner version 0", frame(0, 3, "abc", 8)},
                         Bad{"length past the data", frame(1, 4, "abc", 8)},
                         Bad{"length short of the data", frame(1, 2, "abc", 8)},
                         Bad{"a huge length", frame(1, 0xffffffffu, "abc", 8)},
                         Bad{"no padding mark", frame(1, 3, "abc", 256)},
                         Bad{"a byte after the padding mark", after_mark},
                         Bad{"the mark inside the length", frame(1, 3, "", 3)},
                         Bad{"nothing but padding", frame(0x80, 0, "", 256)}}) {
    INFO(bad.what);
    auto r = opened(bad.inner);
    REQUIRE(!r);
    CHECK(r.error().code == ErrorCode::kDamaged);
  }
}

// ---- size limits --------------------------------------------------------------------------

TEST_CASE("Envelopes up to 1 MiB pass, and one byte more is kTooLarge before any other check",
          "[sync][envelope]") {
  Cast c;
  Bytes s1 = Filled(32, 0xe1);
  // The largest changeset that fits: 4095 blocks of 256 bytes, with the frame and the tag.
  Bytes biggest(1048314, 'z');
  Bytes env_bytes = SealChanges(c.ws, 1, s1, c.office.id, c.office.ed.sk, 1, "", biggest);
  CHECK(env_bytes.size() == 1048512);
  auto env = ParseEnvelope(env_bytes);
  REQUIRE(env);
  Trust trust = c.Fresh();
  REQUIRE(trust.CheckAuthor(*env, kT0));
  CHECK(OpenChanges(*env, s1) == biggest);

  Bytes over =
      SealChanges(c.ws, 1, s1, c.office.id, c.office.ed.sk, 1, "", biggest + "z");
  CHECK(over.size() == 1048512 + 256);
  auto too_large = [](const Bytes& b) {
    auto e = ParseEnvelope(b);
    return !e && e.error().code == ErrorCode::kTooLarge;
  };
  CHECK(too_large(over));
  CHECK(too_large(Bytes(kMaxEnvelopeBytes + 1, 'x')));  // garbage: the size is checked first
  CHECK(too_large(Bytes(4 * kMaxEnvelopeBytes, '\0')));
  Bytes padded = env_bytes + Bytes(kMaxEnvelopeBytes + 1 - env_bytes.size(), '\0');
  CHECK(too_large(padded));

  // A control message's body may use everything up to the limit.
  Bytes control = SignControl(Kind::kInvite, c.ws, c.admin.id, c.admin.ed.sk,
                              Bytes(kMaxBodyBytes, 'b'));
  CHECK(control.size() == kMaxEnvelopeBytes);
  auto parsed = ParseEnvelope(control);
  REQUIRE(parsed);
  CHECK(CheckSignature(*parsed, c.admin.ed.pk));
  CHECK(too_large(SignControl(Kind::kInvite, c.ws, c.admin.id, c.admin.ed.sk,
                              Bytes(kMaxBodyBytes + 1, 'b'))));
  // ... and Trust refuses it as an invite without folding anything.
  Trust t = c.Fresh();
  auto offered = t.Offer(control, kT0);
  REQUIRE(!offered);
  CHECK(offered.error().code == ErrorCode::kDamaged);
}

TEST_CASE("Another workspace's validly signed envelopes are kWrongWorkspace", "[sync][envelope]") {
  Cast c;
  // The same two devices start a second workspace.
  Bytes genesis2 = MakeGenesis(c.admin, {c.admin.AsMember(Role::kAdmin, Office::kBeijing),
                                         c.office.AsMember(Role::kOffice, Office::kIslamabad)},
                               kT0 + 1);
  Bytes ws2 = WorkspaceOf(genesis2);
  REQUIRE(ws2 != c.ws);
  Trust t = c.Fresh();
  Bytes s1 = Filled(32, 0xe1);
  Bytes changes = SealChanges(ws2, 1, s1, c.office.id, c.office.ed.sk, 1, "", "abc");
  auto env = ParseEnvelope(changes);
  REQUIRE(env);
  REQUIRE(CheckSignature(*env, c.office.ed.pk));
  auto author = t.CheckAuthor(*env, kT0);
  REQUIRE(!author);
  CHECK(author.error().code == ErrorCode::kWrongWorkspace);

  for (const Bytes& control :
       {genesis2, MakeInvite(ws2, c.admin, 0x21, Role::kBooth, Office::kBeijing, kT0).envelope}) {
    auto offered = t.Offer(control, kT0);
    REQUIRE(!offered);
    CHECK(offered.error().code == ErrorCode::kWrongWorkspace);
  }
  CHECK(t.roster_version() == 1);
  CHECK(!t.Invite(Filled(16, 0x21)));
}

// ---- the tamper matrix ----------------------------------------------------------------------

namespace {

// What became of one altered envelope.
struct Verdict {
  bool accepted = false;
  ErrorCode code = ErrorCode::kOk;
  Bytes content;
};

struct Tally {
  std::size_t variants = 0;
  std::size_t accepted = 0;
  std::size_t first_accepted = SIZE_MAX;
  std::map<int, std::size_t> by_code;
  void Add(std::size_t at, const Verdict& v) {
    ++variants;
    if (v.accepted) {
      ++accepted;
      if (first_accepted == SIZE_MAX) first_accepted = at;
    } else {
      ++by_code[static_cast<int>(v.code)];
    }
  }
  std::string Summary() const {
    std::string s = std::to_string(variants) + " variants:";
    for (auto [code, n] : by_code) s += " " + std::to_string(n) + "×" + std::to_string(code);
    return s;
  }
};

// Every single-bit flip, then every byte xor 0xff and xor 0x5a: `judge` sees each variant.
template <typename Judge>
Tally Matrix(const Bytes& sample, Judge judge) {
  Tally tally;
  Bytes v = sample;
  for (std::size_t i = 0; i < sample.size(); ++i) {
    for (uint8_t mask : {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff, 0x5a}) {
      v[i] = static_cast<char>(sample[i] ^ mask);
      tally.Add(i, judge(v));
    }
    v[i] = sample[i];
  }
  // Every truncation and some appended bytes.
  for (std::size_t n = 0; n < sample.size(); ++n) tally.Add(n, judge(sample.substr(0, n)));
  for (std::size_t extra : {1, 16, 63, 64, 256, 272}) {
    tally.Add(sample.size() + extra, judge(sample + Bytes(extra, '\0')));
    tally.Add(sample.size() + extra, judge(sample + sample.substr(0, extra)));
  }
  return tally;
}

}  // namespace

TEST_CASE("Tamper matrix: no altered, truncated or extended envelope is ever accepted",
          "[sync][envelope][tamper]") {
  Cast c;
  Bytes s1 = Filled(32, 0xe1);
  Bytes payload = "a changeset of one hundred bytes: " + Bytes(66, '.');
  Bytes changes = SealChanges(c.ws, 1, s1, c.office.id, c.office.ed.sk, 3,
                              Filled(32, 0xc3), payload);
  Trust base = c.Fresh();
  Invitation inv = MakeInvite(c.ws, c.admin, 0x21, Role::kBooth, Office::kBeijing, kT0 + kDay);
  Trust with_invite = c.Fresh();
  REQUIRE(with_invite.Offer(inv.envelope, kT0));
  Bytes join = MakeJoin(c.ws, inv, c.booth, kT0);
  auto start = std::chrono::steady_clock::now();

  // Changes: ParseEnvelope → CheckAuthor (roster, signature) → OpenChanges.
  auto judge_changes = [&](std::string_view bytes) {
    auto env = ParseEnvelope(bytes);
    if (!env) return Verdict{false, env.error().code, {}};
    auto author = base.CheckAuthor(*env, kT0);
    if (!author) return Verdict{false, author.error().code, {}};
    auto opened = OpenChanges(*env, s1);
    if (!opened) return Verdict{false, opened.error().code, {}};
    return Verdict{true, ErrorCode::kOk, *opened};
  };
  REQUIRE(judge_changes(changes).accepted);
  REQUIRE(judge_changes(changes).content == payload);
  Tally t_changes = Matrix(changes, judge_changes);

  // Control messages: the genesis through FromGenesis; an invite through CheckAuthor and
  // Offer (a fresh copy of the trust each time); a join, whose author is not yet a member,
  // through Offer. Offer may park a variant (kWaiting: its signer is unknown) but never fold it.
  auto judge_genesis = [&](std::string_view bytes) {
    auto t = Trust::FromGenesis(bytes);
    return t ? Verdict{true, ErrorCode::kOk, {}} : Verdict{false, t.error().code, {}};
  };
  std::size_t parked = 0;
  auto offer = [&](const Trust& trust, std::string_view bytes) {
    Trust copy = trust;
    auto outcome = copy.Offer(bytes, kT0);
    if (!outcome) return Verdict{false, outcome.error().code, {}};
    if (*outcome == Trust::Outcome::kWaiting) {
      ++parked;
      bool unchanged = copy.Members().size() == trust.Members().size() &&
                       copy.ControlMessages().size() == trust.ControlMessages().size();
      return Verdict{!unchanged, ErrorCode::kNotFound, {}};
    }
    return Verdict{true, ErrorCode::kOk, {}};
  };
  auto judge_invite = [&](std::string_view bytes) {
    auto env = ParseEnvelope(bytes);
    if (!env) return Verdict{false, env.error().code, {}};
    Verdict offered = offer(base, bytes);
    if (offered.accepted) return offered;
    auto author = base.CheckAuthor(*env, kT0);
    if (author) return Verdict{true, ErrorCode::kOk, {}};
    return offered;
  };
  auto judge_join = [&](std::string_view bytes) { return offer(with_invite, bytes); };
  REQUIRE(judge_genesis(c.genesis).accepted);
  REQUIRE(judge_invite(inv.envelope).accepted);
  REQUIRE(judge_join(join).accepted);
  Tally t_genesis = Matrix(c.genesis, judge_genesis);
  Tally t_invite = Matrix(inv.envelope, judge_invite);
  Tally t_join = Matrix(join, judge_join);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - start)
                .count();

  for (auto [name, tally, sample] :
       {std::tuple{"changes", &t_changes, &changes}, std::tuple{"genesis", &t_genesis, &c.genesis},
        std::tuple{"invite", &t_invite, &inv.envelope}, std::tuple{"join", &t_join, &join}}) {
    INFO(name << ": first accepted variant at byte " << tally->first_accepted);
    CHECK(tally->accepted == 0);
    // 10 masks per byte, every truncation, 12 extensions: each was judged.
    CHECK(tally->variants == 11 * sample->size() + 12);
  }
  // Every way of refusing is one of the receiving checks' codes (kNotFound: parked).
  for (const Tally* t : {&t_changes, &t_genesis, &t_invite, &t_join}) {
    for (auto [code, n] : t->by_code) {
      INFO("code " << code);
      CHECK((code == 400 || code == 401 || code == 402 || code == 403 || code == 410 ||
             code == 100));
    }
  }
  // The cheapest checks catch what they can: flipped workspace bits are kWrongWorkspace,
  // flipped author bits kUnknownDevice, before any signature is checked.
  CHECK(t_changes.by_code[402] == 16 * 10);
  CHECK(t_changes.by_code[403] == 16 * 10);
  std::size_t total = t_changes.variants + t_genesis.variants + t_invite.variants +
                      t_join.variants;
  WARN("tamper matrix: " << total << " variants refused in " << ms << " ms ("
                         << (ms * 1000.0 / total) << " µs each)\n  changes "
                         << t_changes.Summary() << "\n  genesis " << t_genesis.Summary()
                         << "\n  invite " << t_invite.Summary() << " (" << parked
                         << " parked in all)\n  join " << t_join.Summary());
}
