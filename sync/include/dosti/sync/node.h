// The replicator of one device (sync/README.md, "Node"): it turns the core's changesets into
// sealed envelopes and back, keeps the roster view, the epoch secrets, the per-author logs,
// the waiting queue, the quarantine and the receipts of peers. Bytes in, bytes out: transports
// (the relay round of round.h, bundle files, the browser's fetch) live at the edge.
// State lives in the Session's local blobs, so it commits with the changes it describes.
// Threading and lifetimes: one Node per Session, used from the Session's thread; the Session
// (and the Clock, when one is given) must outlive the Node.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dosti/catalog.h"
#include "dosti/platform.h"
#include "dosti/replication.h"
#include "dosti/result.h"
#include "dosti/session.h"
#include "dosti/sync/keys.h"
#include "dosti/sync/trust.h"

namespace dosti::sync {

// EnvelopeFrontier (author → the highest changes envelope applied) is in envelope.h.

// What became of one envelope offered to Receive.
struct Received {
  enum class Status {
    kApplied,   // applied (changes) or folded in (control messages, receipts)
    kKnown,     // already here: a replay is a no-op
    kWaiting,   // kept until what it needs arrives (its predecessor, its author, its key)
    kStale,     // valid once but no longer: a join arriving after its invite expired
    kRejected,  // refused: `code` and `reason` say why
  };
  Status status = Status::kApplied;
  Kind kind = Kind::kChanges;  // from the clear header (kChanges when it could not be read)
  Bytes author;                // 16, empty when the header could not be read
  uint64_t seq = 0;            // changes envelopes: the author's sequence number
  Message what;                // "changes 12 of device 1a2b3c4d (booth, beijing)"
  Message reason;              // kWaiting, kStale, kRejected: why
  ErrorCode code = ErrorCode::kOk;  // kRejected, kStale: the error
};

// Something an admin must look at: equivocation, forgery, a signed envelope that does not
// decrypt, envelopes of a revoked device past its cut-off. Never a reason to stop syncing.
struct Alarm {
  ErrorCode code = ErrorCode::kInternal;
  Message message;
};

struct ReceiveReport {
  int64_t applied = 0;
  int64_t known = 0;
  int64_t waiting = 0;
  int64_t stale = 0;
  int64_t rejected = 0;
  int64_t changes = 0;            // field changes applied by the core
  std::vector<Received> items;    // one per envelope offered, in order
  std::vector<Alarm> alarms;
  // Commits the core holds back after this receive (a gap, a dependency, a clock too far
  // ahead), with the core's reason for each: applied records may be missing pieces until then.
  std::vector<HeldCommit> held;
  // This device joined and waits for an admin's approval: it holds no epoch secret, so the
  // workspace's changes wait (or are not asked for) until then. `code` is its verification code.
  bool awaiting_approval = false;
  std::string code;
  void Add(Received r);
  // Adds another report's counts, items and alarms (several pages of one exchange); `held`
  // and the approval state are the other's (the newer).
  void Merge(const ReceiveReport& other);
};

struct BundleReport {
  ReceiveReport received;
  bool damaged = false;     // the file is truncated or altered (valid envelopes still count)
  Message damage;           // why
  std::string exporter;     // hex device id, when the header could be read
};

struct DeviceView {
  std::string id;  // hex
  std::string role, office;
  std::string status;  // "active", "revoked", "expired", "pending" (joined, not approved yet)
  std::string code;    // pending: the verification code to compare before approving
  int64_t expires_ms = 0;
  uint64_t cutoff = 0;
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
  // kExpired (by this device's clock), kDamaged. The device is then *pending*: its join travels
  // with its next bundle or sync, and an admin approves it after comparing verification codes.
  static Result<std::unique_ptr<Node>> Join(Session& session, DeviceKeys keys,
                                            std::string_view invite_file,
                                            std::string_view passphrase, Clock* clock = nullptr);
  // Opens the sync state of a database made by Create or Join with these keys.
  static Result<std::unique_ptr<Node>> Open(Session& session, DeviceKeys keys,
                                            Clock* clock = nullptr);
  ~Node();

  const Trust& trust() const;
  Bytes device() const;
  // This device as the roster (or its pending join) sees it.
  DeviceView Self();
  // True once this device is an active member holding an epoch secret. pending(): its join
  // waits for an admin's approval; its verification code meanwhile. A revoked device is
  // neither.
  bool approved() const;
  bool pending() const;
  std::string verification_code() const;
  uint32_t epoch() const;  // the epoch this device writes in (the newest whose secret it has)
  // Members first (by id), then pending devices.
  std::vector<DeviceView> Devices();
  // The envelopes kept in quarantine (equivocation, forgery, undecryptable), with the reason
  // each raised its alarm: evidence for an admin, never applied.
  struct Quarantined {
    std::string id;  // hex envelope id
    Message reason;
  };
  Result<std::vector<Quarantined>> Quarantine();
  // The relay this device syncs with (from the invite or the last sync), if any.
  std::optional<std::string> RelayUrl();
  Result<void> SetRelayUrl(std::string_view url);
  // Where this device stands with the relay at `url` (SyncRound keeps it): the relay's index of
  // the last control message taken from it, and how many of this device's control messages
  // (ControlMessages() order) it was sent. Both start at 0 for a relay not seen before.
  struct RelayCursor {
    uint64_t control_after = 0;
    uint64_t control_sent = 0;
  };
  RelayCursor relay_cursor(std::string_view url);
  Result<void> SetRelayCursor(std::string_view url, const RelayCursor& cursor);
  // Where this device stands for its user ("last synced, N changes waiting", DOMAIN.md
  // workflow 8). A change is one of this device's commits (one save: a captured enterprise
  // with its contact is one when saved together); it waits until a relay took the envelope
  // carrying it. Bundles do not count as synced: nothing says the file arrived.
  struct SyncStatus {
    int64_t pending_changes = 0;  // this device's commits no relay is known to hold
    int64_t last_synced_ms = 0;   // when a round with a relay last ended well; 0: never
  };
  Result<SyncStatus> Status();
  // SyncRound calls it when a round ends well: the time, and, when `relay_has_all`, that the
  // relay now holds every envelope this device has sealed.
  Result<void> NoteSynced(bool relay_has_all);
  // This device's clock (milliseconds since 1970).
  int64_t now_ms() const;
  // Any thread: stops a Receive or ImportBundle in progress before its next envelope
  // (Session::Interrupt; with none in progress, nothing happens).
  void Interrupt();

  // [SECTION] Administration (admins only: kNotPermitted otherwise)
  struct InviteOptions {
    Role role = Role::kBooth;
    Office office = Office::kBeijing;
    int expires_days = 7;          // the invite may be used until then (1..365)
    int device_expires_days = 0;   // the device expires then (0: booth 30 days, office never)
    std::string relay_url;         // travels in the invite, for the new device's first sync
  };
  // The invite file's bytes; the invite itself is a control message that syncs. The file
  // carries the workspace's public control messages and the invite's key, never an epoch
  // secret: who holds it can only ask to join.
  Result<Bytes> CreateInvite(const InviteOptions& options, std::string_view passphrase);
  // Approves a pending device (id or unique hex prefix ≥ 6) whose verification code is `code`
  // (as typed; kInvalid when it differs, and nothing changes): a roster version listing it,
  // and a grant of the current epoch secret sealed to its key.
  Result<void> Approve(std::string_view device, std::string_view code);
  // Revokes a device (id or unique hex prefix ≥ 6): a roster version marking it revoked past
  // `cutoff` (default: the last of its envelopes seen here), and a new epoch for everyone else.
  // On a device already revoked, a higher `cutoff` accepts more of its envelopes (those that
  // reached other members before they learnt of the revocation; their alarms name the number).
  // A pending device is refused for good (a roster version listing it revoked; no new epoch:
  // it never held a secret). True when a new epoch started.
  Result<bool> Revoke(std::string_view device, std::optional<uint64_t> cutoff = {});

  // [SECTION] Outgoing
  // Seals this device's new commits into changes envelopes (each ≤ 1 MiB); how many. A
  // pending device seals nothing yet (0): its commits wait for its epoch secret.
  Result<int64_t> SealOutgoing();
  EnvelopeFrontier Frontier();
  // The changes envelopes a peer at `peer` lacks, author by author in sequence order, up to
  // `max_bytes` in all (at least one when any).
  struct Outgoing {
    Bytes author;
    uint64_t seq = 0;
    Bytes bytes;
  };
  Result<std::vector<Outgoing>> ChangesAfter(const EnvelopeFrontier& peer,
                                             std::size_t max_bytes = SIZE_MAX);
  // Every control message (roster versions, invites, joins, epochs, grants), genesis first;
  // from index `from` of that order on.
  std::vector<Bytes> ControlMessages(std::size_t from = 0) const;
  // A receipt of what this device has applied, signed (kind 6).
  Bytes MakeReceipt();
  // What the relay needs to sign this device in (sync/relay/README.md, "Authentication"):
  // the Ed25519 signature over "DH-relay-auth-v1" ‖ relay id ‖ workspace ‖ nonce ‖ time.
  Bytes SignRelayAuth(std::string_view relay_id, std::string_view nonce, int64_t time_ms) const;

  // [SECTION] Incoming
  // Takes envelopes of any kind in any order: control messages fold into the roster view;
  // changes envelopes are checked (cheapest first), decrypted and applied per author in
  // sequence order, each in one transaction with its log entry; gaps wait (bounded).
  // Progress: envelopes taken so far, of all ("receiving"). Session::Interrupt() (any thread)
  // stops it before its next envelope with kCancelled; those taken before stay applied.
  Result<ReceiveReport> Receive(const std::vector<std::string_view>& envelopes,
                                const Progress& progress = {});

  // [SECTION] Bundles (files for a peer with no link)
  // Everything the others may not have (by their receipts), or what `for_device` may not have.
  Result<Bytes> ExportBundle(std::string_view for_device = {});
  // Imports a bundle: every valid envelope in it counts even when the file is damaged; a
  // bundle of another workspace changes nothing (kWrongWorkspace). Progress and cancelling as
  // for Receive.
  Result<BundleReport> ImportBundle(std::string_view file, const Progress& progress = {});

  struct State;

 private:
  explicit Node(std::unique_ptr<State> state);
  std::unique_ptr<State> s_;
};

}  // namespace dosti::sync
