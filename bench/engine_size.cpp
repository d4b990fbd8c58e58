// The engine the booth's browser loads, for its size (scripts/bench prints
// wasm_core_brotli_bytes): SQLite, the core, the sync layer and libsodium, linked the way the
// booth's wasm front end links them, with nothing of the CLI, the demo generator or the tests.
// The booth's calls are those of its workflows (DESIGN.md §5, DOMAIN.md workflows 1, 2, 6, 8):
// quick capture of an enterprise and its contacts, "already ours?" search, lists, service
// notes, follow-ups, join by invite and approval, sync through a relay or bundle files, sync
// status; JSON both ways and the catalog's text. Each is reachable from main() behind a
// condition the linker cannot see through, so static linking keeps exactly what the booth
// can call. Built by the wasm preset, on demand (bench/CMakeLists.txt); not meant to be run.
#include <cstdio>
#include <string>
#include <vector>

#include "dosti/catalog.h"
#include "dosti/json.h"
#include "dosti/json_parse.h"
#include "dosti/session.h"
#include "dosti/sync/identity.h"
#include "dosti/sync/node.h"
#include "dosti/sync/round.h"

namespace {

using namespace dosti;

// Each call once, with arguments the compiler cannot know; results folded into one number.
int Exercise(const std::string& a, const std::string& b) {
  int n = 0;
  auto count = [&n](const auto& r) { n += r ? 1 : 0; };
  auto opened = Session::Open(a);
  if (!opened) return 1;
  Session& s = **opened;
  Fields f{{"country", a}, {"name", b}};
  count(s.Init(a, b, b));
  count(s.Info());
  count(s.RequireWorkspace());
  n += static_cast<int>(s.NowMs() & 1) + s.Today().day;
  count(s.AddEnterprise(f, {{IdentifierType::kCnUscc, a}}));
  count(s.GetEnterprise(a));
  count(s.SetEnterpriseField(a, b, a));
  EnterpriseQuery q;
  q.search = a;
  count(s.QueryEnterprises(q));
  count(s.AddIdentifier(a, {IdentifierType::kPkNtn, b}));
  count(s.Search(a, 20));
  count(s.AddContact(f));
  count(s.ListContacts(a));
  count(s.GetContact(a));
  count(s.AddServiceLog(f, 3));
  count(s.ListServiceLogs({}));
  count(s.AddFollowUp(f));
  count(s.ListFollowUps({}));
  count(s.CompleteFollowUp(a));
  count(s.ListHeld());
  count(s.ListConflicts());
  auto id = s.AddObserver([&n](const ChangeEvent& e) { n += e.local ? 1 : 0; });
  s.RemoveObserver(id);

  // The sync layer as a front end uses it: identity, node, bundles, a round.
  auto keys = sync::KeysInMemory();
  sync::DeviceSetup setup;
  setup.keys = keys.get();
  setup.key_passphrase = b;
  auto node = a.size() > 5 ? sync::JoinWorkspace(s, setup, a, b) : sync::OpenDevice(s, setup);
  if (!node) return n;
  sync::Node& d = **node;
  count(d.ExportBundle(a));
  count(d.ImportBundle(b));
  count(d.Receive({a}));
  count(d.Quarantine());
  n += static_cast<int>(d.Devices().size()) + d.approved() + d.pending();
  n += static_cast<int>(d.verification_code().size());
  sync::SyncRound round(d, {});
  while (auto request = round.Next()) {
    sync::HttpResponse r;
    r.status = static_cast<int>(request->body.size());
    round.Take(r);
  }
  count(round.Finish());

  // What crosses into JavaScript: JSON both ways, and the catalog's text.
  json::Writer w;
  json::Write(w, *s.QueryEnterprises(q));
  json::Write(w, *s.Search(b, 5));
  json::Write(w, *s.GetEnterprise(b));
  count(json::Parse(w.Take()));
  n += static_cast<int>(Translate(a, b).size() + CatalogKeys().size());
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 100) return Exercise(argv[1], argv[2]);  // never: the linker keeps it all
  std::puts("engine_size: built to be measured, not run");
  return 0;
}
