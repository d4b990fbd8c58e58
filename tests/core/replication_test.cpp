// Change capture and merge between replicas: the six properties of DESIGN.md §3.
#include <catch2/catch.hpp>

#include "dosti/replica.h"
#include "dosti/session.h"
#include "session_fixture.h"
#include "session_impl.h"

using namespace dosti;
using dosti::testing::MsAt;
using dosti::testing::Workspace;

namespace {

// A further device of the same workspace, on its own clock.
struct Peer {
  ManualClock clock{MsAt({2024, 6, 15})};
  SeededRandom random;
  std::unique_ptr<Session> session;
  Peer(uint64_t seed, std::string office) : random(seed) {
    session = std::move(*Session::Open(":memory:", {&clock, &random}));
    REQUIRE(dosti::Replica(*session).JoinAsReplica(office));
  }
  Session* operator->() { return session.get(); }
};

// Sends everything `from` has that `to` lacks; returns the changesets sent.
std::vector<std::string> Send(Session& from, Session& to) {
  auto frontier = dosti::Replica(to).GetFrontier();
  REQUIRE(frontier);
  auto changesets = dosti::Replica(from).ChangesetsFor(*frontier);
  REQUIRE(changesets);
  for (const std::string& cs : *changesets) REQUIRE(dosti::Replica(to).ApplyChangeset(cs));
  return *changesets;
}

std::string DigestOf(Session& s) {
  auto d = s.Digest();
  REQUIRE(d);
  return *d;
}

std::string Name(Session& s, const std::string& id) {
  auto e = s.GetEnterprise(id);
  REQUIRE(e);
  return e->record.Text("name");
}

}  // namespace

TEST_CASE("A new replica whose first changes arrive inside a larger transaction can write at once",
          "[core][replication]") {
  // The sync layer applies each envelope's changeset inside Session::Atomically (with its log
  // entry); the replica must know the programme as soon as that transaction commits, not only
  // after the next changeset or a reopen (the booth's browser keeps one Session open).
  Workspace a;
  Peer b(3, "beijing");
  auto frontier = dosti::Replica(*b.session).GetFrontier();
  REQUIRE(frontier);
  auto changesets = dosti::Replica(*a.session).ChangesetsFor(*frontier);
  REQUIRE(changesets);
  REQUIRE(b->Atomically([&]() -> Result<void> {
    for (const std::string& cs : *changesets) {
      auto applied = dosti::Replica(*b.session).ApplyChangeset(cs);
      if (!applied) return applied.error();
    }
    return {};
  }));
  CHECK(b->Info()->programme_id == a->Info()->programme_id);
  CHECK(b->RequireWorkspace());
  CHECK(b->AddEnterprise({{"country", std::string("CN")}, {"name", std::string("At once Ltd")}}));
}

TEST_CASE("A new replica receives the workspace and ends with the same digest",
          "[core][replication]") {
  Workspace a;
  Peer b(2, "islamabad");
  CHECK_FALSE(b->AddEnterprise({{"country", std::string("PK")}, {"name", std::string("X")}}));
  Send(*a.session, *b.session);
  Send(*b.session, *a.session);
  auto info = b->Info();
  REQUIRE(info);
  CHECK(info->programme_id == a->Info()->programme_id);
  CHECK(DigestOf(*a.session) == DigestOf(*b.session));
  CHECK(DigestOf(*a.session).size() == 64);
}

TEST_CASE("Concurrent edits to different fields of one record both survive",
          "[core][replication]") {
  Workspace a;
  Peer b(2, "islamabad");
  auto e = a->AddEnterprise({{"country", std::string("PK")}, {"name", std::string("Indus")}});
  REQUIRE(e);
  Send(*a.session, *b.session);
  REQUIRE(a->SetEnterpriseField(e->id, "city", "Lahore"));
  REQUIRE(b->SetEnterpriseField(e->id, "website", "indus.pk"));
  Send(*a.session, *b.session);
  Send(*b.session, *a.session);
  for (Session* s : {a.session.get(), b.session.get()}) {
    auto view = s->GetEnterprise(e->id);
    REQUIRE(view);
    CHECK(view->record.Text("city") == "Lahore");
    CHECK(view->record.Text("website") == "indus.pk");
    CHECK(s->ListConflicts()->empty());
  }
  CHECK(DigestOf(*a.session) == DigestOf(*b.session));
}

TEST_CASE("Concurrent edits to one field pick the same winner and keep the loser",
          "[core][replication]") {
  Workspace a;
  Peer b(2, "islamabad");
  auto e = a->AddEnterprise({{"country", std::string("CN")}, {"name", std::string("甲科技")}});
  REQUIRE(e);
  Send(*a.session, *b.session);
  REQUIRE(a->SetEnterpriseField(e->id, "city", "北京"));
  b.clock.Advance(1000);  // b's edit is later, so it wins
  REQUIRE(b->SetEnterpriseField(e->id, "city", "上海"));
  Send(*a.session, *b.session);
  Send(*b.session, *a.session);
  for (Session* s : {a.session.get(), b.session.get()}) {
    CHECK(s->GetEnterprise(e->id)->record.Text("city") == "上海");
    auto conflicts = s->ListConflicts();
    REQUIRE(conflicts);
    REQUIRE(conflicts->size() == 1);
    const Conflict& c = conflicts->front();
    CHECK(c.field == "city");
    REQUIRE(c.values.size() == 2);
    CHECK(c.values[0].winner);
    CHECK(ValueText(c.values[0].value) == "上海");
    CHECK(c.values[0].office == "islamabad");
    CHECK(ValueText(c.values[1].value) == "北京");
    CHECK(c.values[1].office == "beijing");
  }
  CHECK(DigestOf(*a.session) == DigestOf(*b.session));
  CHECK(a->ListConflicts()->front().id == b->ListConflicts()->front().id);

  SECTION("a resolution is a change that closes the conflict everywhere") {
    std::string id = a->ListConflicts()->front().id;
    REQUIRE(a->ResolveConflictKeep(id, 2));
    CHECK(a->ListConflicts()->empty());
    CHECK(a->GetEnterprise(e->id)->record.Text("city") == "北京");
    Send(*a.session, *b.session);
    CHECK(b->ListConflicts()->empty());
    CHECK(b->GetEnterprise(e->id)->record.Text("city") == "北京");
    CHECK(DigestOf(*a.session) == DigestOf(*b.session));
  }
  SECTION("a new value resolves it too, validated like an edit") {
    std::string id = b->ListConflicts()->front().id;
    CHECK_FALSE(b->ResolveConflict(id, "bad\u202Ecity"));
    REQUIRE(b->ResolveConflict(id, "深圳"));
    Send(*b.session, *a.session);
    CHECK(a->ListConflicts()->empty());
    CHECK(a->GetEnterprise(e->id)->record.Text("city") == "深圳");
  }
}

TEST_CASE("Applying a changeset twice changes nothing", "[core][replication]") {
  Workspace a;
  Peer b(2, "islamabad");
  auto sent = Send(*a.session, *b.session);
  std::string before = DigestOf(*b.session);
  for (const std::string& cs : sent) {
    auto again = dosti::Replica(*b.session).ApplyChangeset(cs);
    REQUIRE(again);
    CHECK(again->applied == 0);
    CHECK(again->known >= 1);
  }
  CHECK(DigestOf(*b.session) == before);
}

TEST_CASE("Changesets arriving out of order wait for the gap and then apply",
          "[core][replication]") {
  Workspace a;
  Peer b(2, "islamabad");
  std::vector<std::string> parts;
  auto first = dosti::Replica(*a.session).ChangesetsFor({});
  REQUIRE(first);
  parts.insert(parts.end(), first->begin(), first->end());
  Frontier after_first = *dosti::Replica(*a.session).GetFrontier();
  auto e = a->AddEnterprise({{"country", std::string("PK")}, {"name", std::string("Later")}});
  REQUIRE(e);
  auto second = dosti::Replica(*a.session).ChangesetsFor(after_first);
  REQUIRE(second);
  REQUIRE(second->size() == 1);
  auto held = dosti::Replica(*b.session).ApplyChangeset(second->front());
  REQUIRE(held);
  CHECK(held->applied == 0);
  CHECK(held->held == 1);
  REQUIRE(held->waiting.size() == 1);
  CHECK(held->waiting[0].reason.text.find("earlier changes") != std::string::npos);
  for (const std::string& cs : parts) REQUIRE(dosti::Replica(*b.session).ApplyChangeset(cs));
  CHECK(b->ListHeld()->empty());
  CHECK(Name(*b.session, e->id) == "Later");
  Send(*b.session, *a.session);  // b's own device record
  CHECK(DigestOf(*a.session) == DigestOf(*b.session));
}

TEST_CASE("A changeset stamped in the future is held with a diagnosis until its time",
          "[core][replication]") {
  Workspace a;
  Peer b(2, "islamabad");
  Send(*a.session, *b.session);
  Send(*b.session, *a.session);
  b.clock.Advance(int64_t{3} * 3'600'000 + 5 * 60'000);  // b's clock runs 3 h 5 min fast
  auto e = b->AddEnterprise({{"country", std::string("PK")}, {"name", std::string("Fast")}});
  REQUIRE(e);
  std::string digest_before = DigestOf(*a.session);
  auto r = dosti::Replica(*a.session).ApplyChangeset(dosti::Replica(*b.session).ChangesetsFor(*dosti::Replica(*a.session).GetFrontier())->front());
  REQUIRE(r);
  CHECK(r->held == 1);
  REQUIRE(r->waiting.size() == 1);
  CHECK(r->waiting[0].reason.text.find("(islamabad)'s clock is 3 h 5 min ahead") != std::string::npos);
  CHECK(DigestOf(*a.session) == digest_before);
  CHECK_FALSE(a->GetEnterprise(e->id));

  SECTION("released when that time comes") {
    a.clock.Advance(int64_t{3} * 3'600'000 + 1);
    auto released = a->ReleaseHeld();
    REQUIRE(released);
    CHECK(released->applied == 1);
    CHECK(Name(*a.session, e->id) == "Fast");
  }
  SECTION("or accepted by an admin now") {
    auto accepted = a->AcceptHeld(b->Info()->device_id.substr(0, 8));
    REQUIRE(accepted);
    CHECK(accepted->applied == 1);
    CHECK(Name(*a.session, e->id) == "Fast");
    CHECK(DigestOf(*a.session) == DigestOf(*b.session));
  }
}

TEST_CASE("A damaged changeset is refused whole and changes nothing", "[core][replication]") {
  Workspace a;
  Peer b(2, "islamabad");
  auto cs = dosti::Replica(*a.session).ChangesetsFor({});
  REQUIRE(cs);
  std::string bytes = cs->front();
  std::string before = DigestOf(*b.session);
  for (size_t cut : {size_t{0}, size_t{5}, bytes.size() / 2, bytes.size() - 1}) {
    CHECK_FALSE(dosti::Replica(*b.session).ApplyChangeset(bytes.substr(0, cut)));
  }
  for (size_t i = 0; i < bytes.size(); i += 7) {
    std::string flipped = bytes;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x5a);
    (void)dosti::Replica(*b.session).ApplyChangeset(flipped);  // either refused or a well-formed variant
  }
  CHECK_FALSE(dosti::Replica(*b.session).ApplyChangeset(std::string(2'000'000, 'x')));
  CHECK_FALSE(dosti::Replica(*b.session).ApplyChangeset("garbage"));
  // Flipped bytes in values may still decode; the untouched original must apply regardless.
  REQUIRE(dosti::Replica(*b.session).ApplyChangeset(bytes));
  (void)before;
}

TEST_CASE("A bulk write becomes several commits and changesets under the size cap",
          "[core][replication]") {
  Workspace a;
  auto e = a->AddEnterprise({{"country", std::string("CN")}, {"name", std::string("甲")}});
  REQUIRE(e);
  std::string summary(3000, 's');
  for (int i = 0; i < 400; ++i) {
    REQUIRE(a->AddServiceLog({{"enterprise_id", e->id}, {"category", std::string("legal")},
                              {"service_date", std::string("2024-06-01")},
                              {"minutes", std::string("60")}, {"summary", summary}}));
  }
  auto small = dosti::Replica(*a.session).ChangesetsFor({}, 200 * 1024);
  REQUIRE(small);
  CHECK(small->size() >= 6);
  for (const std::string& cs : *small) CHECK(cs.size() <= 200 * 1024);
  Peer b(2, "islamabad");
  for (auto it = small->rbegin(); it != small->rend(); ++it) REQUIRE(dosti::Replica(*b.session).ApplyChangeset(*it));
  Send(*b.session, *a.session);
  CHECK(DigestOf(*a.session) == DigestOf(*b.session));
  CHECK(b->ListServiceLogs()->size() == 400);
}

TEST_CASE("Archiving replicates as an ordinary field", "[core][replication]") {
  Workspace a;
  Peer b(2, "islamabad");
  auto e = a->AddEnterprise({{"country", std::string("PK")}, {"name", std::string("Indus")}});
  REQUIRE(e);
  Send(*a.session, *b.session);
  REQUIRE(b->ArchiveEnterprise(e->id, true));
  Send(*b.session, *a.session);
  CHECK(a->GetEnterprise(e->id)->record.Int("archived") == 1);
  REQUIRE(a->ArchiveEnterprise(e->id, false));
  Send(*a.session, *b.session);
  CHECK(b->GetEnterprise(e->id)->record.Int("archived") == 0);
  CHECK(DigestOf(*a.session) == DigestOf(*b.session));
}

TEST_CASE("Fields from a newer schema are kept and applied after the upgrade",
          "[core][replication]") {
  Workspace a;
  Peer newer(2, "islamabad");
  Peer older(3, "beijing");
  auto e = a->AddEnterprise({{"country", std::string("CN")}, {"name", std::string("甲")}});
  REQUIRE(e);
  for (Peer* r : {&newer, &older}) Send(*a.session, *r->session);
  // `newer` runs a later Dosti whose schema has a column and a table the others lack.
  Session::Impl& n = newer->impl();
  REQUIRE(n.db->Exec("ALTER TABLE enterprise ADD COLUMN wechat_official TEXT;"
                     "CREATE TABLE grant_award (id TEXT PRIMARY KEY NOT NULL,"
                     " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
                     " origin_device TEXT NOT NULL, archived INTEGER NOT NULL DEFAULT 0,"
                     " clock BLOB, enterprise_id TEXT, amount INTEGER);"));
  n.store->InvalidateTables();
  std::string award = n.store->NewId();
  REQUIRE(InTransaction(*n.db, [&]() -> Result<void> {
    DOSTI_TRY(n.store->Update("enterprise", e->id, {{"wechat_official", std::string("jia_gs")}}));
    return n.store->Insert("grant_award", award,
                           {{"enterprise_id", e->id}, {"amount", int64_t{50000}}});
  }));
  Send(*newer.session, *older.session);
  Send(*newer.session, *a.session);
  for (Peer* r : {&newer, &older}) Send(*r->session, *a.session);
  for (Peer* r : {&newer, &older}) Send(*a.session, *r->session);
  // Everyone holds the same fields, whether or not their schema can show them yet.
  CHECK(DigestOf(*a.session) == DigestOf(*newer.session));
  CHECK(DigestOf(*older.session) == DigestOf(*newer.session));
  CHECK_FALSE(older->GetEnterprise(e->id)->record.Find("wechat_official"));

  // `older` upgrades: the kept fields are written into the new column and table.
  Session::Impl& o = older->impl();
  REQUIRE(o.db->Exec("ALTER TABLE enterprise ADD COLUMN wechat_official TEXT;"
                     "CREATE TABLE grant_award (id TEXT PRIMARY KEY NOT NULL,"
                     " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
                     " origin_device TEXT NOT NULL, archived INTEGER NOT NULL DEFAULT 0,"
                     " clock BLOB, enterprise_id TEXT, amount INTEGER);"));
  auto materialised = o.Upgraded();
  REQUIRE(materialised);
  CHECK(*materialised == 2);
  CHECK(older->GetEnterprise(e->id)->record.Text("wechat_official") == "jia_gs");
  auto rows = o.store->Select("SELECT id, amount FROM grant_award");
  REQUIRE(rows);
  REQUIRE(rows->size() == 1);
  CHECK(rows->front().Int("amount") == 50000);
  CHECK(DigestOf(*older.session) == DigestOf(*newer.session));
}

TEST_CASE("Merging duplicates is a replicated link that references follow and can be undone",
          "[core][replication][duplicates]") {
  Workspace a;
  Peer b(2, "islamabad");
  Send(*a.session, *b.session);
  // Both offices met the same firm at a fair and entered it offline.
  auto at_a = a->AddEnterprise({{"country", std::string("CN")}, {"name", std::string("星河科技有限公司")}},
                               {{IdentifierType::kCnUscc, "91110000600037341L"}});
  auto at_b = b->AddEnterprise({{"country", std::string("CN")}, {"name", std::string("星河科技")}},
                               {{IdentifierType::kCnUscc, "91110000600037341L"}});
  REQUIRE((at_a && at_b));
  REQUIRE(b->AddContact({{"enterprise_id", at_b->id}, {"full_name", std::string("李雷")}}));
  Send(*a.session, *b.session);
  Send(*b.session, *a.session);
  auto pairs = a->ListDuplicates();
  REQUIRE(pairs);
  REQUIRE(pairs->size() == 1);
  CHECK(pairs->front().reasons.size() == 2);  // the USCC and the name

  REQUIRE(a->MergeDuplicates(at_a->id, at_b->id));
  CHECK_FALSE(a->MergeDuplicates(at_a->id, at_b->id));  // already merged
  Send(*a.session, *b.session);
  for (Session* s : {a.session.get(), b.session.get()}) {
    CHECK(s->ListEnterprises()->size() == 1);
    CHECK(s->ListContacts(at_a->id)->size() == 1);  // the other record's contact follows
    CHECK(s->ListDuplicates()->empty());
    auto hits = s->Search("91110000600037341L");
    REQUIRE(hits);
    REQUIRE(hits->size() == 1);
    CHECK(hits->front().enterprise_id == at_a->id);
    CHECK(s->GetEnterprise(at_b->id)->record.Text("merged_into") == at_a->id);  // nothing lost
  }
  CHECK(DigestOf(*a.session) == DigestOf(*b.session));

  REQUIRE(b->UnmergeDuplicate(at_b->id));
  Send(*b.session, *a.session);
  CHECK(a->ListEnterprises()->size() == 2);
  CHECK(a->ListContacts(at_a->id)->empty());
  CHECK(DigestOf(*a.session) == DigestOf(*b.session));
}

TEST_CASE("Merges made concurrently in both directions leave one live record everywhere",
          "[core][replication][duplicates]") {
  Workspace a;
  Peer b(2, "islamabad");
  auto x = a->AddEnterprise({{"country", std::string("PK")}, {"name", std::string("Indus")}});
  auto y = a->AddEnterprise({{"country", std::string("PK")}, {"name", std::string("Indus Ltd")}});
  REQUIRE((x && y));
  Send(*a.session, *b.session);
  Send(*b.session, *a.session);
  REQUIRE(a->MergeDuplicates(x->id, y->id));  // y into x at one office
  REQUIRE(b->MergeDuplicates(y->id, x->id));  // x into y at the other
  Send(*a.session, *b.session);
  Send(*b.session, *a.session);
  std::string smaller = std::min(x->id, y->id);
  for (Session* s : {a.session.get(), b.session.get()}) {
    auto live = s->ListEnterprises();
    REQUIRE(live);
    REQUIRE(live->size() == 1);
    CHECK(live->front().id == smaller);
  }
  CHECK(DigestOf(*a.session) == DigestOf(*b.session));
}

// [SECTION] Equivocation: one author, one sequence number, two contents.

namespace {

// The commits of `from` by its own device after `after`, as encoded commits.
std::vector<std::string> OwnCommitsAfter(Session& from, int64_t after) {
  auto info = from.Info();
  REQUIRE(info);
  Frontier peer;
  auto all = dosti::Replica(from).GetFrontier();
  REQUIRE(all);
  for (const auto& [device, seq] : *all) peer[device] = seq;
  peer[info->device_id] = after;
  auto changesets = dosti::Replica(from).ChangesetsFor(peer);
  REQUIRE(changesets);
  std::vector<std::string> out;
  for (const std::string& cs : *changesets) {
    auto view = DecodeChangeset(cs);
    REQUIRE(view);
    for (std::string_view c : view->commits) out.emplace_back(c);
  }
  return out;
}

// `commit` with every text value of the enterprise's name replaced: the same (device, seq),
// other content.
std::string Forged(const std::string& commit, const std::string& name) {
  auto c = DecodeCommit(commit);
  REQUIRE(c);
  bool changed = false;
  for (FieldChange& f : c->fields) {
    if (c->names[f.column] == "name" && std::holds_alternative<std::string>(f.value)) {
      f.value = name;
      changed = true;
    }
  }
  REQUIRE(changed);
  return EncodeCommit(*c);
}

}  // namespace

TEST_CASE("A known commit arriving again with other content is quarantined as equivocation",
          "[core][replication][equivocation]") {
  Workspace a;
  Peer b(2, "islamabad");
  Send(*a.session, *b.session);
  int64_t before = dosti::Replica(*a.session).GetFrontier()->at(a->Info()->device_id);
  auto e = a->AddEnterprise({{"country", std::string("PK")}, {"name", std::string("Indus")}});
  REQUIRE(e);
  Send(*a.session, *b.session);
  std::string digest = DigestOf(*b.session);
  std::vector<std::string> commits = OwnCommitsAfter(*a.session, before);
  REQUIRE(commits.size() == 1);

  // The same (device, seq) with another name, as a second history of the author would carry.
  std::string forged = Forged(commits[0], "Indus Forged");
  std::string bytes = EncodeChangeset({a->Info()->device_id, {forged}});
  auto report = dosti::Replica(*b.session).ApplyChangeset(bytes);
  REQUIRE(report);
  CHECK(report->known == 0);  // before: counted as known, and the fork went unnoticed
  CHECK(report->applied == 0);
  REQUIRE(report->equivocations.size() == 1);
  CHECK(report->equivocations[0].device == a->Info()->device_id);
  CHECK(report->equivocations[0].seq == before + 1);
  CHECK(report->equivocations[0].digest.size() == 64);
  // Never applied: the record and the digest are as they were.
  CHECK(Name(*b.session, e->id) == "Indus");
  CHECK(DigestOf(*b.session) == digest);
  // Kept as evidence, once however often it arrives.
  REQUIRE(dosti::Replica(*b.session).ApplyChangeset(bytes));
  auto kept = b->ListEquivocations();
  REQUIRE(kept);
  REQUIRE(kept->size() == 1);
  CHECK(kept->front().body == forged);
  CHECK(kept->front().seq == before + 1);

  // The genuine commit again is a replay, not equivocation.
  auto replay = dosti::Replica(*b.session).ApplyChangeset(EncodeChangeset({a->Info()->device_id, {commits[0]}}));
  REQUIRE(replay);
  CHECK(replay->known == 1);
  CHECK(replay->equivocations.empty());
}

TEST_CASE("Commits after an equivocating one in the same changeset are dropped, not applied",
          "[core][replication][equivocation]") {
  Workspace a;
  Peer b(2, "islamabad");
  Send(*a.session, *b.session);
  int64_t before = dosti::Replica(*a.session).GetFrontier()->at(a->Info()->device_id);
  auto e = a->AddEnterprise({{"country", std::string("PK")}, {"name", std::string("Indus")}});
  REQUIRE(e);
  Send(*a.session, *b.session);  // b has the genuine commit before + 1
  REQUIRE(a->SetEnterpriseField(e->id, "name", "Indus Two"));  // before + 2, not sent yet
  std::vector<std::string> commits = OwnCommitsAfter(*a.session, before);
  REQUIRE(commits.size() == 2);
  std::string bytes =
      EncodeChangeset({a->Info()->device_id, {Forged(commits[0], "Fork"), commits[1]}});
  auto report = dosti::Replica(*b.session).ApplyChangeset(bytes);
  REQUIRE(report);
  CHECK(report->equivocations.size() == 1);
  CHECK(report->discarded == 1);
  CHECK(report->applied == 0);
  CHECK(Name(*b.session, e->id) == "Indus");
  // Sent on its own, the genuine next commit applies.
  Send(*a.session, *b.session);
  Send(*b.session, *a.session);
  CHECK(Name(*b.session, e->id) == "Indus Two");
  CHECK(DigestOf(*a.session) == DigestOf(*b.session));
}

TEST_CASE("A commit contradicting one that is held is quarantined too",
          "[core][replication][equivocation]") {
  Workspace a;
  Peer b(2, "islamabad");
  Send(*a.session, *b.session);
  int64_t before = dosti::Replica(*a.session).GetFrontier()->at(a->Info()->device_id);
  REQUIRE(a->AddEnterprise({{"country", std::string("PK")}, {"name", std::string("One")}}));
  REQUIRE(a->AddEnterprise({{"country", std::string("PK")}, {"name", std::string("Two")}}));
  std::vector<std::string> commits = OwnCommitsAfter(*a.session, before);
  REQUIRE(commits.size() == 2);
  const std::string author = a->Info()->device_id;
  // The second alone waits for the first (a gap) ...
  auto held = dosti::Replica(*b.session).ApplyChangeset(EncodeChangeset({author, {commits[1]}}));
  REQUIRE(held);
  CHECK(held->held == 1);
  // ... and another version of it is equivocation, while the held one keeps waiting.
  auto forged = dosti::Replica(*b.session).ApplyChangeset(EncodeChangeset({author, {Forged(commits[1], "Other")}}));
  REQUIRE(forged);
  CHECK(forged->equivocations.size() == 1);
  CHECK(forged->waiting.size() == 1);
  auto both = dosti::Replica(*b.session).ApplyChangeset(EncodeChangeset({author, {commits[0]}}));
  REQUIRE(both);
  CHECK(both->applied == 2);
  Send(*b.session, *a.session);
  CHECK(DigestOf(*a.session) == DigestOf(*b.session));
}
