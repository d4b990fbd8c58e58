// The replicator of one device (sync/README.md, "Node"): it turns the core's changesets into
// sealed envelopes and back, keeps the roster view, the epoch secrets, the per-author logs,
// the waiting queue, the quarantine and the receipts of peers. Bytes in, bytes out: transports
// (relay client, bundle files, the browser's fetch) live at the edge.
// State lives in the Session's local blobs, so it commits with the changes it describes.
// Threading: one Node per Session, used from the Session's thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dosti/platform.h"
#include "dosti/result.h"
#include "dosti/session.h"
#include "dosti/sync/keys.h"
#include "dosti/sync/trust.h"

namespace dosti::sync {

// EnvelopeFrontier (author → the highest changes envelope applied) is in envelope.h.

struct Received {
  enum class Status { kApplied, kKnown, kWaiting, kRejected };
  Status status = Status::kApplied;
  std::string what;    // "changes 12 of device 1a2b3c4d", "roster version 3", …
  std::string reason;  // kWaiting / kRejected: why
  ErrorCode code = ErrorCode::kOk;  // kRejected: the error
};

struct ReceiveReport {
  int64_t applied = 0;
  int64_t known = 0;
  int64_t waiting = 0;
  int64_t rejected = 0;
  int64_t changes = 0;  // field changes applied by the core
  std::vector<Received> items;    // one per envelope offered, in order
  std::vector<std::string> alarms;  // equivocation, a signed envelope that does not decrypt
  void Add(Received r);
  // Adds another report's counts, items and alarms (several pages of one exchange).
  void Merge(const ReceiveReport& other);
};

struct BundleReport {
  ReceiveReport received;
  bool damaged = false;     // the file is truncated or altered (valid envelopes still count)
  std::string damage;       // why
  std::string exporter;     // hex device id, when the header could be read
};

struct DeviceView {
  std::string id;  // hex
  std::string role, office, status;
  int64_t expires_ms = 0;
  uint64_t cutoff = 0;
  bool provisional = false;  // joined; the next roster version will list it
  bool self = false;
  uint64_t applied = 0;  // its changes envelopes applied here
};

class Node {
 public:
  // Makes a new workspace: the core's Init with this device's id, the genesis roster (this
  // device its first admin) and epoch 1.
  static Result<std::unique_ptr<Node>> Create(Session& session, DeviceKeys keys,
                                              std::string_view office,
                                              std::string_view workspace_name,
                                              Clock* clock = nullptr);
  // Joins with an invite file into an empty database, with no network: kWrongPassphrase,
  // kExpired, kDamaged.
  static Result<std::unique_ptr<Node>> Join(Session& session, DeviceKeys keys,
                                            std::string_view invite_file,
                                            std::string_view passphrase, Clock* clock = nullptr);
  // Opens the sync state of a database made by Create or Join with these keys.
  static Result<std::unique_ptr<Node>> Open(Session& session, DeviceKeys keys,
                                            Clock* clock = nullptr);
  ~Node();

  const Trust& trust() const;
  Bytes device() const;
  const Member& self() const;
  uint32_t epoch() const;  // the epoch this device writes in (the newest whose secret it has)
  std::vector<DeviceView> Devices();
  // The envelopes kept in quarantine (equivocation, forgery, undecryptable), with the reason
  // each raised its alarm: evidence for an admin, never applied.
  struct Quarantined {
    std::string id;      // hex envelope id
    std::string reason;
  };
  Result<std::vector<Quarantined>> Quarantine();
  // The relay this device syncs with (from the invite or the last `sync --relay`), if any.
  std::optional<std::string> RelayUrl();
  Result<void> SetRelayUrl(std::string_view url);

  // [SECTION] Administration (admins only: kNotPermitted otherwise)
  struct InviteOptions {
    Role role = Role::kBooth;
    Office office = Office::kBeijing;
    int expires_days = 7;          // the invite may be used until then
    int device_expires_days = 0;   // the device expires then (0: booth 30 days, office never)
    std::string relay_url;         // travels in the invite, for the new device's first sync
  };
  // The invite file's bytes; the invite itself is a control message that syncs.
  Result<Bytes> CreateInvite(const InviteOptions& options, std::string_view passphrase);
  // Revokes a device (id or unique hex prefix ≥ 6): a roster version marking it revoked past
  // `cutoff` (default: the last of its envelopes seen here), and a new epoch for everyone else.
  // On a device already revoked, a higher `cutoff` accepts more of its envelopes (those that
  // reached other members before they learnt of the revocation; their alarms name the number).
  // True when a new epoch started; false when only the cut-off was raised.
  Result<bool> Revoke(std::string_view device, std::optional<uint64_t> cutoff = {});

  // [SECTION] Outgoing
  // Seals this device's new commits into changes envelopes (each ≤ 1 MiB); how many.
  Result<int64_t> SealOutgoing();
  EnvelopeFrontier Frontier();
  // The changes envelopes a peer at `peer` lacks, author by author in sequence order, up to
  // `max_bytes` in all (at least one when any).
  Result<std::vector<Bytes>> ChangesAfter(const EnvelopeFrontier& peer,
                                          std::size_t max_bytes = SIZE_MAX);
  // Every control message (roster versions, invites, joins, epochs), genesis first.
  std::vector<Bytes> ControlMessages() const;
  // A receipt of what this device has applied, signed (kind 6).
  Bytes MakeReceipt();

  // [SECTION] Incoming
  // Takes envelopes of any kind in any order: control messages fold into the roster view;
  // changes envelopes are checked (cheapest first), decrypted and applied per author in
  // sequence order, each in one transaction with its log entry; gaps wait (bounded).
  Result<ReceiveReport> Receive(const std::vector<std::string_view>& envelopes);

  // [SECTION] Bundles (files for a peer with no link)
  // Everything the others may not have (by their receipts), or what `for_device` may not have.
  Result<Bytes> ExportBundle(std::string_view for_device = {});
  // Imports a bundle: every valid envelope in it counts even when the file is damaged; a
  // bundle of another workspace changes nothing (kWrongWorkspace).
  Result<BundleReport> ImportBundle(std::string_view file);

  struct State;

 private:
  explicit Node(std::unique_ptr<State> state);
  std::unique_ptr<State> s_;
};

}  // namespace dosti::sync
