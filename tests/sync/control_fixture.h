// Devices and signed control messages made by hand, for the tests and benchmarks that speak to
// a relay below the Node (relay_test, relay_abuse_test, bench/relay_abuse): the same keys,
// genesis roster and oversize "stranger" roster everywhere.
#pragma once

#include <cstdint>
#include <vector>

#include "dosti/sync/envelope.h"
#include "dosti/sync/protocol.h"
#include "dosti/sync/trust.h"
#include "dosti/sync/crypto.h"
#include "dosti/sync/wire.h"

namespace dosti::testing {

struct TestDevice {
  sync::SigningKeys ed = sync::SigningKeys::Generate();
  sync::BoxKeys x = sync::BoxKeys::Generate();
  sync::Bytes id = sync::DeviceIdOf(ed.pk, x.pk);

  // Its entry in a genesis roster (no invite).
  sync::Member As(sync::Role role, sync::Office office = sync::Office::kBeijing) const {
    sync::Member m;
    m.id = id;
    m.ed_pk = ed.pk;
    m.x_pk = x.pk;
    m.role = role;
    m.office = office;
    m.invite = sync::Bytes(sync::kIdBytes, '\0');
    return m;
  }
};

// Roster version 1 of `members`, signed by `admin`: the workspace id is the hash of its body.
struct Genesis {
  sync::Bytes ws, envelope;
};
inline Genesis MakeGenesis(const TestDevice& admin, std::vector<sync::Member> members,
                           int64_t issued_ms) {
  sync::RosterBody r;
  r.version = 1;
  r.prev = sync::Bytes(sync::kHashBytes, '\0');
  r.nonce = sync::RandomBytes(16);
  r.issued_ms = issued_ms;
  r.members = std::move(members);
  sync::Bytes body = sync::EncodeRoster(r);
  Genesis g;
  g.ws = sync::WorkspaceIdOf(body);
  g.envelope = sync::SignControl(sync::Kind::kRoster, g.ws, admin.id, admin.ed.sk, body);
  return g;
}

// Roster `version` of 4,096 well-formed members (each id the hash of its keys, as the decoder
// checks) authored by `author`, whoever that is: about 471 KB, the largest a roster can be;
// `salt` makes each one different.
inline sync::Bytes StrangerRoster(const sync::Bytes& ws, const TestDevice& author,
                                  uint32_t version, uint32_t salt, int64_t issued_ms) {
  sync::RosterBody r;
  r.version = version;
  r.prev = sync::Bytes(sync::kHashBytes, '\x11');
  r.nonce = sync::Bytes(16, '\x22');
  r.issued_ms = issued_ms;
  for (uint32_t i = 0; i < 4096; ++i) {
    sync::Member m;
    sync::Writer w;
    w.U32(i).U32(salt);
    m.ed_pk = w.Take() + sync::Bytes(24, '\x33');
    m.x_pk = sync::Bytes(32, '\x44');
    m.id = sync::DeviceIdOf(m.ed_pk, m.x_pk);
    m.invite = sync::Bytes(sync::kIdBytes, '\0');
    r.members.push_back(m);
  }
  return sync::SignControl(sync::Kind::kRoster, ws, author.id, author.ed.sk,
                           sync::EncodeRoster(r));
}

// A body of frames (u32 length ‖ bytes)*, as the relay's POST routes take.
inline sync::Bytes Framed(const std::vector<sync::Bytes>& items) {
  std::vector<std::string_view> views(items.begin(), items.end());
  return sync::EncodeFrames(views);
}

}  // namespace dosti::testing
