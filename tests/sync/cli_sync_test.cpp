// The sync commands through RunCli with a manual clock: what the shell tests cannot do, because
// the `dosti` executable always reads the system clock (tests/sync_security_test.sh says so).
// Invite expiry at `join`, and a booth device's own expiry at the receiving office.
// [native]: real files (database, key file, invite, bundle) and Argon2id at full cost.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "cli.h"
#include "cli/cli_fixture.h"
#include "core/session_fixture.h"
#include "dosti/file.h"
#include "dosti/platform.h"
#include "dosti/sync/identity.h"

namespace {

using dosti::testing::Run;
using dosti::testing::TempPath;

using dosti::cli::Environment;
using dosti::cli::RunCli;

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kDay = 24 * kHour;

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// One database (and its key file) on a clock of its own, driven through RunCli.
class Device {
 public:
  explicit Device(int64_t now_ms) : clock(now_ms), path(TempPath(".db")) {
    env_.dosti_db = path;
    env_.clock = &clock;
  }
  ~Device() {
    for (const char* suffix : {"", "-wal", "-shm", "-journal", ".key", ".key.part"}) {
      std::remove((path + suffix).c_str());
    }
  }
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  Run operator()(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    Run r;
    r.code = RunCli(args, out, err, env_);
    r.out = out.str();
    r.err = err.str();
    return r;
  }
  std::string Ok(const std::vector<std::string>& args) {
    Run r = (*this)(args);
    INFO("dosti " << args.front() << "…\nstdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE(r.code == 0);
    return r.out;
  }
  std::string Digest() { return Ok({"digest"}); }

  dosti::ManualClock clock;
  const std::string path;

 private:
  Environment env_;
};

// Removes a file at the end of a test.
struct TempFile {
  std::string path = TempPath(".bin");
  ~TempFile() { std::remove(path.c_str()); }
};

// The string value of "key" in a JSON text written by the CLI (pretty, one key per line).
std::string JsonString(const std::string& json, const std::string& key) {
  std::string needle = "\"" + key + "\": \"";
  auto at = json.find(needle);
  if (at == std::string::npos) return {};
  at += needle.size();
  return json.substr(at, json.find('"', at) - at);
}

// `device` joined with an invite; its join reaches `admin` in a bundle, the admin approves it
// with the code the device printed, and the admin's next bundle brings it everything.
void JoinAndApprove(Device& admin, Device& device, const std::string& invite,
                    const std::string& passphrase) {
  std::string joined = device.Ok({"join", invite, "--passphrase", passphrase, "--json"});
  std::string id = JsonString(joined, "device"), code = JsonString(joined, "code");
  REQUIRE(id.size() == 32);
  REQUIRE(code.size() == 9);
  TempFile to_admin, to_device;
  device.Ok({"bundle", "export", "--out", to_admin.path});
  admin.Ok({"bundle", "import", to_admin.path});
  admin.Ok({"device", "approve", id, "--code", code});
  admin.Ok({"bundle", "export", "--out", to_device.path});
  device.Ok({"bundle", "import", to_device.path});
}

}  // namespace

TEST_CASE("invite create with a relay prints the link a booth's browser joins from",
          "[sync][cli][native]") {
  const int64_t t0 = dosti::testing::MsAt({2024, 6, 15});
  Device admin(t0);
  admin.Ok({"init", "--office", "beijing"});
  TempFile invite;
  std::string json = admin.Ok({"--json", "invite", "create", "--role", "booth", "--office",
                               "beijing", "--passphrase", "booth-passphrase", "--out", invite.path,
                               "--relay", "http://127.0.0.1:8787"});
  std::string link = JsonString(json, "link");
  REQUIRE(link.rfind("http://127.0.0.1:8787/#invite=", 0) == 0);
  auto file = dosti::ReadFile(invite.path);
  REQUIRE(file);
  auto carried = dosti::sync::InviteFromText(link);
  REQUIRE(carried);
  CHECK(*carried == *file);  // the link is the file, nothing more
  // Plainly too; without a relay there is no link.
  TempFile plain, bare;
  std::string text =
      admin.Ok({"invite", "create", "--role", "booth", "--office", "beijing", "--passphrase",
                "booth-passphrase", "--out", plain.path, "--relay", "http://127.0.0.1:8787"});
  CHECK(text.find("http://127.0.0.1:8787/#invite=") != std::string::npos);
  std::string none = admin.Ok({"--json", "invite", "create", "--role", "booth", "--office",
                               "beijing", "--passphrase", "booth-passphrase", "--out", bare.path});
  CHECK(none.find("\"link\": null") != std::string::npos);
}

TEST_CASE("An invite used after it expired is refused at join and leaves no database or key",
          "[sync][cli][native]") {
  const int64_t t0 = dosti::testing::MsAt({2024, 6, 15});
  Device admin(t0);
  admin.Ok({"init", "--office", "beijing"});
  TempFile invite;
  admin.Ok({"invite", "create", "--role", "booth", "--office", "beijing", "--passphrase",
            "booth-passphrase", "--out", invite.path, "--expires-days", "1"});

  Device late(t0 + 2 * kDay);
  Run r = late({"join", invite.path, "--passphrase", "booth-passphrase"});
  CHECK(r.code == 1);
  CHECK(r.err.find("expired") != std::string::npos);
  CHECK(r.err.find("2024-06-16") != std::string::npos);  // the day it expired
  CHECK_FALSE(Exists(late.path));
  CHECK_FALSE(Exists(late.path + ".key"));

  // The same file within its day joins: the refusal above was the expiry, nothing else.
  Device in_time(t0 + 20 * kHour);
  in_time.Ok({"join", invite.path, "--passphrase", "booth-passphrase"});
  CHECK(Exists(in_time.path + ".key"));
}

TEST_CASE("A booth past its device expiry is refused by the office, which stays unchanged",
          "[sync][cli][native]") {
  const int64_t t0 = dosti::testing::MsAt({2024, 6, 15});
  Device admin(t0);
  admin.Ok({"init", "--office", "beijing"});
  admin.Ok({"demo", "seed", "--enterprises", "2"});
  TempFile invite, to_booth, from_booth, late_bundle;
  admin.Ok({"invite", "create", "--role", "booth", "--office", "beijing", "--passphrase",
            "booth-passphrase", "--out", invite.path, "--device-expires-days", "3"});
  Device booth(t0 + kHour);
  JoinAndApprove(admin, booth, invite.path, "booth-passphrase");
  admin.clock.Set(t0 + 2 * kHour);
  admin.Ok({"bundle", "export", "--out", to_booth.path});
  booth.clock.Set(t0 + 3 * kHour);
  booth.Ok({"bundle", "import", to_booth.path});

  // Within its three days the booth's work is accepted.
  booth.Ok({"enterprise", "add", "--country", "CN", "--name", "Booth Day One Co"});
  booth.Ok({"bundle", "export", "--out", from_booth.path});
  admin.clock.Set(t0 + kDay);
  admin.Ok({"bundle", "import", from_booth.path});
  CHECK(admin.Digest() == booth.Digest());

  // After it, the same device's new envelopes are refused and change nothing.
  booth.clock.Set(t0 + 4 * kDay);
  booth.Ok({"enterprise", "add", "--country", "CN", "--name", "Booth After Expiry Co"});
  booth.Ok({"bundle", "export", "--out", late_bundle.path});
  admin.clock.Set(t0 + 4 * kDay);
  std::string before = admin.Digest();
  Run r = admin({"bundle", "import", late_bundle.path});
  CHECK(r.code == 1);
  CHECK((r.out + r.err).find("expired") != std::string::npos);
  CHECK(admin.Digest() == before);
  std::string list = admin.Ok({"device", "list"});
  CHECK(list.find("expired") != std::string::npos);
}

TEST_CASE("A joined device waits for an admin's approval with matching codes, then gets everything",
          "[sync][cli][native]") {
  // Issue 8, §2.1: an invite file yields no data; a join needs an admin's approval after both
  // sides show the same verification code.
  const int64_t t0 = dosti::testing::MsAt({2024, 6, 15});
  Device admin(t0);
  admin.Ok({"init", "--office", "beijing"});
  admin.Ok({"demo", "seed", "--enterprises", "4"});
  TempFile invite, join_bundle, early, after, wrong;
  admin.Ok({"invite", "create", "--role", "office", "--office", "islamabad", "--passphrase",
            "office-passphrase", "--out", invite.path});

  Device office(t0 + kHour);
  std::string joined = office.Ok({"join", invite.path, "--passphrase", "office-passphrase", "--json"});
  CHECK(JsonString(joined, "status") == "pending");
  CHECK(JsonString(joined, "workspace").size() == 32);
  std::string id = JsonString(joined, "device"), code = JsonString(joined, "code");
  REQUIRE(id.size() == 32);
  REQUIRE(code.size() == 9);
  // The same invite again, for another database: the first join used it (here: refused by
  // the joiner only once it hears of the first; locally it cannot know).

  // Pending: no records, even with everything the admin has in hand.
  admin.Ok({"bundle", "export", "--out", early.path});
  std::string imported = office.Ok({"bundle", "import", early.path});
  CHECK(imported.find("waits for an admin's approval") != std::string::npos);
  CHECK(office({"enterprise", "list"}).code == 1);
  std::string own_list = office.Ok({"device", "list", "--json"});
  CHECK(own_list.find("\"status\": \"pending\"") != std::string::npos);
  CHECK(own_list.find(code) != std::string::npos);

  // Its bundle carries the join to the admin, whose device list shows it pending, with the code.
  std::string exported = office.Ok({"bundle", "export", "--out", join_bundle.path});
  CHECK(exported.find("approval") != std::string::npos);
  admin.Ok({"bundle", "import", join_bundle.path});
  std::string list = admin.Ok({"device", "list", "--json"});
  CHECK(list.find(id) != std::string::npos);
  CHECK(list.find("\"status\": \"pending\"") != std::string::npos);
  CHECK(list.find("\"code\": \"" + code + "\"") != std::string::npos);

  // A wrong code is refused and changes nothing.
  std::string roster = admin.Ok({"roster", "show", "--json"});
  std::string other = code.substr(0, 8) + (code.back() == '9' ? "0" : std::string(1, code.back() + 1));
  Run refused = admin({"device", "approve", id, "--code", other});
  CHECK(refused.code == 1);
  CHECK(refused.err.find("does not match") != std::string::npos);
  CHECK(admin.Ok({"roster", "show", "--json"}) == roster);
  // The right one approves it; one more exchange and it has everything.
  admin.Ok({"device", "approve", id.substr(0, 10), "--code", code});
  CHECK(admin.Ok({"device", "list", "--json"}).find("\"status\": \"pending\"") == std::string::npos);
  admin.Ok({"bundle", "export", "--out", after.path});
  std::string got = office.Ok({"bundle", "import", after.path});
  CHECK(got.find("approval") == std::string::npos);
  CHECK(office.Ok({"enterprise", "list", "--json"}) == admin.Ok({"enterprise", "list", "--json"}));
  // Its own first commit (its device record) waited for its key; now it travels too.
  TempFile back;
  office.Ok({"bundle", "export", "--out", back.path});
  admin.clock.Set(t0 + 2 * kHour);  // the office's clock ran an hour ahead of the admin's
  admin.Ok({"bundle", "import", back.path});
  CHECK(office.Digest() == admin.Digest());
}
