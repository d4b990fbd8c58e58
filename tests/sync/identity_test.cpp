// The browser's side of a device's identity (identity.h): keys in the database's file pool,
// invite links and pasted invite text.
#include <catch2/catch.hpp>

#include <string>

#include "core/memory_slots.h"
#include "core/session_fixture.h"
#include "dosti/base64.h"
#include "dosti/sync/identity.h"
#include "dosti/sync/keys.h"

namespace dosti::sync {
namespace {

using dosti::testing::LossySlots;
using dosti::testing::Must;

TEST_CASE("Keys kept in the database's file pool are created once and survive a crash",
          "[sync][identity]") {
  REQUIRE(InitCrypto());
  LossySlots slots(6);
  ManualClock clock(testing::MsAt({2024, 6, 15}));
  SeededRandom random(3);
  std::string device;
  {
    auto pool = Must(FilePool::Open(slots, "keys-pool"));
    SessionOptions o{&clock, &random};
    o.vfs = pool->vfs();
    auto session = Must(Session::Open("dosti.db", o));
    auto store = KeyFileInPool(*pool, "dosti.db.key");
    CHECK(store->Where() == "dosti.db.key");
    DeviceSetup setup;
    setup.keys = store.get();
    setup.clock = &clock;
    auto node = Must(CreateWorkspace(*session, setup, "beijing", "Booth keys"));
    device = ToHex(node->device());
    // Never overwritten: a second identity in the same pool is refused.
    auto again = store->Create("other bytes");
    REQUIRE_FALSE(again);
    CHECK(again.error().key == "sync.keys_exist");
  }
  slots.Crash();  // everything reported done was flushed
  auto pool = Must(FilePool::Open(slots, "keys-pool"));
  SessionOptions o{&clock, &random};
  o.vfs = pool->vfs();
  auto session = Must(Session::Open("dosti.db", o));
  auto store = KeyFileInPool(*pool, "dosti.db.key");
  DeviceSetup setup;
  setup.keys = store.get();
  setup.clock = &clock;
  auto node = Must(OpenDevice(*session, setup));
  CHECK(ToHex(node->device()) == device);
}

TEST_CASE("An invite link carries the invite file in its fragment and reads back",
          "[sync][identity]") {
  std::string file("DHINVIT2\x00\x01\xfe\xff invite bytes", 24);
  std::string link = InviteLink("http://127.0.0.1:8787/", file);
  CHECK(link == "http://127.0.0.1:8787/#invite=" + Base64UrlEncode(file));
  CHECK(Must(InviteFromText(link)) == file);
  // The bare text, with the line breaks and spaces a chat or an e-mail adds.
  std::string text = Base64UrlEncode(file);
  CHECK(Must(InviteFromText("  " + text.substr(0, 10) + "\n" + text.substr(10) + " \r\n")) == file);
  // Other fields of the fragment do not confuse it.
  CHECK(Must(InviteFromText("https://booth.example/#lang=zh&invite=" + text + "&x=1")) == file);
}

TEST_CASE("Text that is not an invite is refused with words a booth can show", "[sync][identity]") {
  for (std::string bad : {"", "   ", "http://127.0.0.1:8787/", "http://relay/#lang=ur",
                          "http://relay/#xinvite=Zm9v", "not base64!", "Zg=="}) {
    INFO(bad);
    auto r = InviteFromText(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kDamaged);
    CHECK(r.error().key == "sync.invite_not_text");
  }
}

}  // namespace
}  // namespace dosti::sync
