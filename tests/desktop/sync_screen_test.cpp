// The desktop's sync screen, headless, driven by scripts as a user would: a bundle imported
// through the file chooser, a pending device approved with the code its user reads out (and a
// wrong code refused, changing nothing), an invite made and saved, sync now with a real relay on
// loopback, and cancel. What each did is checked through the sync layer on the database file.
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "desktop/desktop_fixture.h"
#include "dosti/file.h"
#include "dosti/sync/identity.h"
#include "dosti/sync/node.h"
#include "qr.h"
#if DOSTI_WITH_NET
#include "sync/local_relay.h"
#endif

using dosti::desktop::ScreenId;
using dosti::testing::Headless;
using dosti::testing::Must;
using dosti::testing::Script;
using dosti::testing::TempDir;
namespace dsync = dosti::sync;  // (::sync is unistd.h's)

namespace {

// A device's database with its keys beside it, as `dosti init` and `dosti join` leave them.
struct DeviceFile {
  std::string path;
  std::unique_ptr<dosti::Session> session;
  std::unique_ptr<dsync::KeyStore> keys;
  std::unique_ptr<dsync::Node> node;

  explicit DeviceFile(std::string p) : path(std::move(p)), keys(dsync::KeyFileBeside(path)) {
    session = Must(dosti::Session::Open(path));
  }
  dsync::DeviceSetup Setup() {
    dsync::DeviceSetup setup;
    setup.keys = keys.get();
    return setup;
  }
  // The admin of a new workspace, with a few enterprises written (changes waiting).
  void Create() {
    node = Must(dsync::CreateWorkspace(*session, Setup(), "beijing", "Dosti test"));
    Must(dosti::SeedDemo(*session, 5, 1));
  }
  void Join(const std::string& invite, const std::string& passphrase) {
    node = Must(dsync::JoinWorkspace(*session, Setup(), invite, passphrase));
  }
  // Closes the Session, so that the app has the file to itself.
  void Close() {
    node.reset();
    session.reset();
  }
  // The device as the database says now (another Session, opened afresh).
  std::unique_ptr<dsync::Node> Reopen(std::unique_ptr<dosti::Session>& s) {
    s = Must(dosti::Session::Open(path));
    return Must(dsync::OpenDevice(*s, Setup()));
  }
};

std::string StatusOf(const std::vector<dsync::DeviceView>& devices, const std::string& id) {
  for (const dsync::DeviceView& d : devices) {
    if (d.id == id) return d.status;
  }
  return "absent";
}

}  // namespace

TEST_CASE("The sync screen imports a join from a bundle and approves it only with its code",
          "[desktop][sync]") {
  TempDir dir;
  DeviceFile admin(dir.File("admin.db"));
  admin.Create();
  dsync::Node::InviteOptions options;
  options.role = dsync::Role::kOffice;
  options.office = dsync::Office::kIslamabad;
  std::string invite = Must(admin.node->CreateInvite(options, "correct horse"));
  admin.Close();

  DeviceFile joiner(dir.File("joiner.db"));
  joiner.Join(invite, "correct horse");
  const std::string code = joiner.node->verification_code();
  const std::string joiner_id = joiner.node->Self().id;
  const std::string bundle = dir.File("join.bundle");
  Must(dosti::WriteFileAtomic(bundle, Must(joiner.node->ExportBundle())));
  joiner.Close();

  {
    // The bundle through the file chooser, then a code that is not the device's.
    Headless h(admin.path, "en", ScreenId::kSync, Script(R"(
screen sync
click sync.bundles
fill sync.import.path )" + bundle + R"(
click sync.import
expect sync.pending.0.code
fill sync.pending.0.code 0000-0000
click sync.pending.0.approve
expect sync.outcome.error
)"));
    h.RunScript();
  }
  std::unique_ptr<dosti::Session> s;
  CHECK(StatusOf(admin.Reopen(s)->Devices(), joiner_id) == "pending");  // nothing changed
  s.reset();
  {
    // The code the new device shows (typed as read out: with a space instead of the dash).
    std::string typed = code.substr(0, 4) + " " + code.substr(5);
    Headless h(admin.path, "ur", ScreenId::kSync, Script(R"(
expect sync.pending.0.code
fill sync.pending.0.code )" + typed + R"(
click sync.pending.0.approve
expect sync.outcome
)"));
    h.RunScript();
  }
  CHECK(StatusOf(admin.Reopen(s)->Devices(), joiner_id) == "active");
}

TEST_CASE("The sync screen exports a bundle and makes an invite that a new device joins with",
          "[desktop][sync]") {
  TempDir dir;
  DeviceFile admin(dir.File("admin.db"));
  admin.Create();
  admin.Close();
  const std::string bundle = dir.File("out.bundle"), invite = dir.File("new.invite");
  Headless h(admin.path, "zh", ScreenId::kSync, Script(R"(
screen sync
click sync.bundles
fill sync.export.path )" + bundle + R"(
click sync.export
expect sync.outcome
# The bundles folded again, so that the invite's form is in sight.
click sync.bundles
click sync.invite
fill sync.invite.passphrase open sesame
fill sync.invite.passphrase2 open sesame
click sync.invite.create
expect sync.invite.qr
fill sync.invite.file.path )" + invite + R"(
click sync.invite.save
wait 5
)"));
  h.RunScript();
  // The bundle carries this device's changes: a new device of the workspace takes them in.
  CHECK(Must(dosti::ReadFile(bundle)).size() > 1000);
  DeviceFile joiner(dir.File("joiner.db"));
  joiner.Join(Must(dosti::ReadFile(invite)), "open sesame");
  CHECK(joiner.node->Self().role == "office");
  CHECK(joiner.node->Self().office == "islamabad");  // the form's default
  CHECK(joiner.node->pending());
}

TEST_CASE("The conflicts inbox shows what two offices wrote and Keep resolves it",
          "[desktop][sync]") {
  TempDir dir;
  DeviceFile admin(dir.File("admin.db"));
  admin.Create();
  DeviceFile office(dir.File("office.db"));
  office.Join(Must(admin.node->CreateInvite({}, "correct horse")), "correct horse");
  // The join goes to the admin, the approval and the records come back: two members.
  Must(admin.node->ImportBundle(Must(office.node->ExportBundle())));
  Must(admin.node->Approve(office.node->Self().id, office.node->verification_code()));
  Must(office.node->ImportBundle(Must(admin.node->ExportBundle())));
  REQUIRE(office.node->approved());
  // Both offices change one enterprise's city before they hear of each other.
  dosti::EnterpriseQuery first;
  first.limit = 1;
  const std::string id = Must(admin.session->QueryEnterprises(first)).rows.front().id;
  Must(admin.session->SetEnterpriseField(id, "city", "Beijing"));
  Must(office.session->SetEnterpriseField(id, "city", "Islamabad"));
  Must(admin.node->ImportBundle(Must(office.node->ExportBundle())));
  auto conflicts = Must(admin.session->ListConflicts());
  REQUIRE(conflicts.size() == 1);
  REQUIRE(conflicts[0].values.size() == 2);
  // The value not shown now (the loser) is the one the admin keeps.
  const std::string kept = dosti::ValueText(conflicts[0].values[1].value);
  admin.Close();
  office.Close();

  Headless h(admin.path, "en", ScreenId::kSync, Script(R"(
screen sync
expect sync.conflict.0
click sync.conflict.0.keep.2
wait 3
)"));
  h.RunScript();
  CHECK(Must(h.app().session().ListConflicts()).empty());
  CHECK(Must(h.app().session().GetEnterprise(id)).record.Text("city") == kept);
}

TEST_CASE("A QR code holds the text it encodes, and a text too long for one is refused",
          "[desktop][sync]") {
  auto qr = dosti::desktop::EncodeQr("https://relay.example.org/#invite=abc");
  REQUIRE(qr);
  CHECK(qr->size >= 21);  // version 1 is 21 × 21 modules
  CHECK(qr->dark.size() == static_cast<size_t>(qr->size * qr->size));
  // The three finder patterns: dark corners at the top left, top right and bottom left.
  CHECK(qr->at(0, 0));
  CHECK(qr->at(qr->size - 1, 0));
  CHECK(qr->at(0, qr->size - 1));
  CHECK_FALSE(qr->at(qr->size - 1, qr->size - 1));  // no finder at the bottom right
  CHECK_FALSE(dosti::desktop::EncodeQr(std::string(3000, 'x')));
}

#if DOSTI_WITH_NET
TEST_CASE("Sync now runs a round with a relay on the Worker and nothing waits afterwards",
          "[desktop][sync][relay]") {
  dsync::testing::LocalRelay relay;
  TempDir dir;
  DeviceFile admin(dir.File("admin.db"));
  admin.Create();
  std::unique_ptr<dosti::Session> s;
  REQUIRE(Must(admin.node->Status()).pending_changes > 0);
  admin.Close();
  {
    Headless h(admin.path, "en", ScreenId::kSync, Script(R"(
screen sync
fill sync.relay )" + relay.url + R"(
click sync.now
)"));
    h.RunScript();  // and waits until the Worker is idle: the round has ended
    h.Frame();
    CHECK(h.app().ui().targets().count("sync.outcome") == 1);
    CHECK(h.app().ui().targets().count("sync.outcome.error") == 0);
  }
  auto node = admin.Reopen(s);
  auto status = Must(node->Status());
  CHECK(status.pending_changes == 0);
  CHECK(status.last_synced_ms > 0);
  CHECK(node->RelayUrl().value_or("") == relay.url);
}

TEST_CASE("Cancel stops a sync round that waits to retry a relay that does not answer",
          "[desktop][sync]") {
  // Port 1 of loopback (tcpmux, privileged, unused): every attempt is refused at once and the
  // round waits to retry.
  const std::string url = "http://127.0.0.1:1";

  TempDir dir;
  DeviceFile admin(dir.File("admin.db"));
  admin.Create();
  admin.Close();
  Headless h(admin.path, "en", ScreenId::kSync, Script(R"(
screen sync
fill sync.relay )" + url + R"(
click sync.now
click sync.cancel
expect sync.outcome.cancelled
)"));
  h.RunScript();
}

TEST_CASE("Closing the app stops a sync round that waits to retry, instead of waiting for it",
          "[desktop][sync]") {
  TempDir dir;
  DeviceFile admin(dir.File("admin.db"));
  admin.Create();
  admin.Close();
  auto h = std::make_unique<Headless>(admin.path, "en", ScreenId::kSync, Script(R"(
screen sync
fill sync.relay http://127.0.0.1:1
click sync.now
expect sync.cancel
)"));
  // The script ends as the round starts; the round runs on, refused and retrying, until well
  // into its retries (250, 500, 1000, 2000 ms apart: seconds of waiting still to come).
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(600)) {
    h->Frame();
    usleep(2000);
  }
  REQUIRE(h->app().script_done());
  REQUIRE_FALSE(h->app().script_failure());
  REQUIRE(h->app().worker().Busy());
  const auto closing = std::chrono::steady_clock::now();
  h.reset();
  CHECK(std::chrono::steady_clock::now() - closing < std::chrono::milliseconds(1500));
}
#endif
