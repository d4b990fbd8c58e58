// The state of a Node (node.h) and the steps of receiving, shared by the files that implement
// it: node.cpp (receiving, outgoing, administration), invite.cpp (invites and joining) and
// bundle.cpp (bundle files). Each kind of state is its own small unit: the author logs, the
// waiting room, the quarantine, the keyring. Internal to sync/src.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "author_logs.h"
#include "dosti/replica.h"
#include "dosti/sync/node.h"
#include "keyring.h"
#include "quarantine.h"
#include "waiting_room.h"

namespace dosti::sync {

// Local spaces of the node itself (the units keep their own): "sync" (workspace, out_commit,
// relay, relay cursors), "ctl" (u32 BE index → control envelope, in folding order) and "rcpt"
// (device → its newest receipt envelope).
inline constexpr std::string_view kSyncSpace = "sync";
inline constexpr std::string_view kControlSpace = "ctl";
inline constexpr std::string_view kReceiptSpace = "rcpt";

struct Node::State {
  Session& session;
  Replica replica;  // the replication side of `session`: changesets in and out, local blobs
  DeviceKeys keys;
  Clock* clock;
  Bytes device;
  std::optional<Trust> trust;
  AuthorLogs logs;
  WaitingRoom waiting;
  sync::Quarantine quarantine;
  Keyring keyring;
  std::size_t persisted_control = 0;  // control messages stored in "ctl"

  State(Session& s, DeviceKeys k, Clock* c)
      : session(s),
        replica(s),
        keys(std::move(k)),
        clock(c ? c : &SystemClock()),
        device(keys.id()),
        logs(s),
        waiting(s),
        quarantine(s),
        keyring(s, keys.box) {}

  int64_t Now() const { return clock->NowMs(); }
  const Bytes& workspace() const { return trust->workspace(); }
  bool approved() const;
  // "device 1a2b3c4d (booth, beijing)"-style descriptions of an envelope, for reports.
  Message What(const Header& h) const;

  // Opens the stored state (Node::Open).
  Result<void> Load();
  // Stores the control messages the trust folded in since the last call and learns the
  // secrets they hold for this device, in one transaction.
  Result<void> SaveTrust();
  Result<const Member*> RequireAdmin() const;
  // A member's (or, with `pending`, a pending device's) full id from a hex prefix of ≥ 6.
  Result<Bytes> ResolveDevice(std::string_view hex, bool pending = false) const;

  // [SECTION] Receiving, cheapest checks first (sync/README.md, "Receiving").
  Received ReceiveOne(std::string_view bytes, ReceiveReport& report);
  Received ReceiveControl(const Envelope& env);
  Received ReceiveReceipt(const Envelope& env, ReceiveReport& report);
  Received ReceiveChanges(const Envelope& env, ReceiveReport& report);
  // Retries the waiting room after a receive: each author's lowest waiting envelope, while it
  // can apply.
  void DrainWaiting(ReceiveReport& report);
  // Alarms for envelopes of revoked devices applied here past their cut-off.
  void RevocationAlarms(ReceiveReport& report);
};

}  // namespace dosti::sync
