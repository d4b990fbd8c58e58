// Who belongs to a workspace (sync/README.md, "Roster"): the admin-signed, hash-chained roster
// versions, invites, the joins made with them (pending until an admin approves them), epochs and
// grants, folded into one view. Used alike by devices (to accept authors) and by the relay (to
// authenticate devices); holds no secrets.
// Threading: a Trust is a plain value; one thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dosti/result.h"
#include "dosti/sync/envelope.h"

namespace dosti::sync {

enum class Role : uint8_t { kAdmin = 1, kOffice = 2, kBooth = 3 };
enum class Office : uint8_t { kBeijing = 1, kIslamabad = 2 };
enum class Status : uint8_t { kActive = 1, kRevoked = 2 };
const char* RoleName(Role role);      // "admin" | "office" | "booth"
const char* OfficeName(Office office);  // "beijing" | "islamabad"
const char* StatusName(Status status);  // "active" | "revoked"
std::optional<Role> ParseRole(std::string_view name);
std::optional<Office> ParseOffice(std::string_view name);

// A device listed in the roster.
struct Member {
  Bytes id;     // 16: BLAKE2b-128("DH-devid-v1" ‖ ed_pk ‖ x_pk)
  Bytes ed_pk;  // 32
  Bytes x_pk;   // 32
  Role role = Role::kOffice;
  Office office = Office::kBeijing;
  Status status = Status::kActive;
  int64_t expires_ms = 0;   // 0: never
  uint64_t cutoff = 0;      // revoked: the last of its changes envelopes still accepted
  Bytes invite;             // 16: the invite it joined with (zeros for the genesis admin)
};

// A device that joined with an invite and waits for an admin to approve it. It is not a member:
// its changes are not accepted, the relay does not let it sign in, and it holds no epoch secret
// until an admin, having compared `code` with the one the device shows, approves it.
struct PendingJoin {
  Bytes id, ed_pk, x_pk;
  Bytes invite;   // 16
  Role role = Role::kBooth;        // from the invite
  Office office = Office::kBeijing;
  int64_t expires_ms = 0;          // the device's expiry, from the invite (0: never)
  int64_t joined_ms = 0;           // as the device stamped it (informative only)
  std::string code;                // VerificationCode() of this join

  // The roster entry that approving (kActive) or refusing (kRevoked) this join lists.
  Member AsMember(Status status) const {
    return Member{id, ed_pk, x_pk, role, office, status, expires_ms, 0, invite};
  }
};

// The device id of a pair of public keys.
Bytes DeviceIdOf(std::string_view ed_pk, std::string_view x_pk);

// The short code both screens show before an admin approves a join: 8 decimal digits written
// "1234-5678", from BLAKE2b-256("DH-code-v1" ‖ workspace ‖ invite id ‖ the inviting admin's
// ed_pk ‖ the new device's ed_pk ‖ x_pk). A stranger who took the invite cannot make a device
// whose code matches the genuine one's without its keys.
std::string VerificationCode(std::string_view workspace, std::string_view invite_id,
                             std::string_view inviter_ed_pk, std::string_view ed_pk,
                             std::string_view x_pk);
// The digits of a code as typed ("1234 5678", "12345678", "１２３４-５６７８"): nullopt unless
// exactly 8 digits remain once spaces and dashes are dropped.
std::optional<std::string> NormaliseCode(std::string_view typed);

// A roster version's body (kind 3).
struct RosterBody {
  uint32_t version = 1;
  Bytes prev;        // 32: id of version-1's envelope (zeros for version 1)
  Bytes nonce;       // 16: random at genesis, copied into every later version
  int64_t issued_ms = 0;
  std::vector<Member> members;
};
Bytes EncodeRoster(const RosterBody& roster);
Result<RosterBody> DecodeRoster(std::string_view body);
// BLAKE2b-128("DH-ws-v1" ‖ body of roster version 1).
Bytes WorkspaceIdOf(std::string_view genesis_body);

// An invite's public half (kind 4).
struct InviteBody {
  Bytes id;      // 16
  Bytes key_pk;  // 32: Ed25519; its secret is in the invite file only
  Role role = Role::kBooth;
  Office office = Office::kBeijing;
  int64_t expires_ms = 0;         // the invite may not be used after this (receivers' clocks)
  int64_t device_expires_ms = 0;  // the joined device expires then (0: never)
};
Bytes EncodeInvite(const InviteBody& invite);
Result<InviteBody> DecodeInvite(std::string_view body);

// A join (kind 5), authored and signed by the new device; `invite_sig` proves it held the
// invite: Ed25519 by the invite key over "DH-join-v1" ‖ invite id ‖ ed_pk ‖ x_pk.
struct JoinBody {
  Bytes invite;  // 16
  Bytes ed_pk;   // 32
  Bytes x_pk;    // 32
  int64_t joined_ms = 0;  // the joiner's own clock: informative, never trusted for expiry
  Bytes invite_sig;  // 64
};
Bytes EncodeJoin(const JoinBody& join);
Result<JoinBody> DecodeJoin(std::string_view body);
Bytes JoinProof(std::string_view invite_id, std::string_view ed_pk, std::string_view x_pk);

// A new epoch (kind 2): its secret sealed to each member, the previous secret under K_prev.
struct EpochBody {
  uint32_t epoch = 1;
  Bytes roster;  // 32: id of the roster version it was made for
  std::vector<std::pair<Bytes, Bytes>> sealed;  // device id → SealTo(x_pk, S ‖ u32 epoch ‖ ws)
  Bytes prev_nonce;   // 24 (epoch > 1)
  Bytes prev_secret;  // 48: Encrypt(K_prev(S_e), nonce, ws ‖ u32 e-1 ‖ u32 e, S_{e-1})
};
Bytes EncodeEpoch(const EpochBody& epoch);
Result<EpochBody> DecodeEpoch(std::string_view body);

// A grant (kind 7): epoch e's secret sealed to one device an admin just approved
// (SealTo(x_pk, S_e ‖ u32 e ‖ ws), as in an epoch message); S_e opens every older epoch.
struct GrantBody {
  Bytes device;  // 16
  uint32_t epoch = 1;
  Bytes sealed;  // 100
};
Bytes EncodeGrant(const GrantBody& grant);
Result<GrantBody> DecodeGrant(std::string_view body);

// A receipt (kind 6): the highest changes envelope applied per author.
struct ReceiptBody {
  int64_t made_ms = 0;
  std::map<Bytes, uint64_t> applied;  // author id → seq
};
Bytes EncodeReceipt(const ReceiptBody& receipt);
Result<ReceiptBody> DecodeReceipt(std::string_view body);

// The folded view of a workspace's control messages (kinds 2–5 and 7). Messages are judged
// cheapest first: layout, workspace, then the signer and its signature, and only then is a
// body decoded. One that cannot be judged yet (a roster version whose predecessor is missing,
// a message of an admin listed by a version not here yet, a join whose invite is unknown) waits
// inside, bounded in count and bytes, and is retried when more arrive.
class Trust {
 public:
  // Starts from the genesis (roster version 1): kDamaged/kUnauthentic unless it is a valid,
  // self-consistent genesis signed by its admin. The workspace id is derived from it.
  static Result<Trust> FromGenesis(std::string_view envelope);

  const Bytes& workspace() const { return workspace_; }
  uint32_t roster_version() const { return version_; }
  const Bytes& roster_id() const { return roster_id_; }

  enum class Outcome { kAdded, kKnown, kWaiting };
  // Judges a control envelope that arrived now (`now_ms`, the receiver's clock) and folds it
  // in. Errors: kDamaged, kWrongWorkspace, kUnauthentic, kNotPermitted (signer not an active
  // admin), kUnknownDevice (a roster version signed by a device not in the roster),
  // kEquivocation (a second roster version or epoch of one number), kAlreadyUsed (a second
  // device for one invite), kExpired (a join that arrives after its invite expired, by this
  // receiver's clock, for a device not approved yet), kTooLarge (the waiting room is full).
  Result<Outcome> Offer(std::string_view envelope, int64_t now_ms);
  // Folds a message this holder judged and kept before (its own store, in folding order):
  // the same checks except those of time, so a join accepted in time stays accepted.
  Result<Outcome> Restore(std::string_view envelope);
  // When false, a message that cannot be judged yet is refused (kWaiting becomes an error
  // saying what to send first) instead of waiting: the relay's policy, since clients post
  // control messages in folding order.
  void set_park(bool park) { park_ = park; }

  // The member with this id (full 16 bytes), or nullptr. Pending devices are not members.
  const Member* Find(std::string_view device) const;
  std::vector<Member> Members() const;
  // The pending join of this device, or nullptr; all of them, by device id.
  const PendingJoin* FindPending(std::string_view device) const;
  std::vector<PendingJoin> Pending() const;
  // The Ed25519 key of a member or a pending device (its bundles are signed with it).
  std::optional<Bytes> SigningKeyOf(std::string_view device) const;
  // May `author` have written `env` (its kind, its seq) at time now_ms? kUnknownDevice,
  // kRevoked (past its cut-off, or expired), kWrongWorkspace. Checks the signature too.
  Result<const Member*> CheckAuthor(const Envelope& env, int64_t now_ms) const;
  // CheckAuthor without the signature: the roster's verdict alone (lookups). For a caller that
  // checks the signature itself, apart (the relay does so outside its lock, with the member's
  // ed_pk copied out).
  Result<const Member*> CheckAuthorStanding(const Envelope& env, int64_t now_ms) const;
  // May this device sign in (to the relay) now: a member, active, not expired.
  Result<const Member*> CheckActive(std::string_view device, int64_t now_ms) const;

  // Is a control envelope (kinds 2–5, 7) signed by someone who may sign it, according to this
  // view as it stands? Made for input from strangers (the relay calls it before Offer): it
  // costs a map lookup and one or two Ed25519 verifications over the envelope id, and reads
  // no variable-size body. `env` comes from ParseEnvelope (its id is computed here if it was
  // not yet). Rules, cheapest first:
  //   - epoch, roster, invite, grant (kinds 2, 3, 4, 7): the author is an active admin of the
  //     current roster and the signature is theirs; a roster version is at most
  //     roster_version() + 1 (its 4-byte version number, read after the signature);
  //   - join (kind 5; its body has a fixed size): the author is the device its two keys hash
  //     to, the invite it names is known here, the invite key signed the join proof, and the
  //     joining key signed the envelope.
  // Errors: kWrongWorkspace; kDamaged (not a control kind, a join body of the wrong size, a
  // roster body too short for its version); kUnknownDevice (the signer is not in the roster:
  // its roster version may not be here yet); kNotPermitted (a member but not an active admin);
  // kNotFound (a roster version beyond the next, a join whose invite is unknown: send the
  // history first); kUnauthentic (a signature or the join proof does not verify, a join whose
  // author is not its keys' device). Keys: signer.* (core/catalog/relay.cat).
  // Guarantees: an epoch, roster or invite whose author is not in the roster is refused
  // before anything is hashed (its id is not computed), so a stranger's large message costs a
  // lookup; and when it succeeds, Offer() of the same bytes, with nothing offered in between,
  // judges the envelope now (added, known or refused) and never parks it as kWaiting.
  // Const, like every other check here: it changes nothing.
  Result<void> CheckSigner(const Envelope& env) const;

  // Every control envelope folded in, in an order that Offer() accepts one by one (genesis
  // first), for forwarding to peers and the relay; and the number of them, so that a holder
  // can take only those folded since it last looked.
  std::vector<Bytes> ControlMessages(std::size_t from = 0) const;
  std::size_t control_count() const { return order_.size(); }
  // The epoch messages, by epoch number; the grants to `device`, by epoch.
  const std::map<uint32_t, Bytes>& epochs() const { return epochs_; }
  std::map<uint32_t, Bytes> GrantsTo(std::string_view device) const;
  // The invite, by id, if known; the device that used it, if any.
  std::optional<InviteBody> Invite(std::string_view id) const;
  std::optional<Bytes> InviteUsedBy(std::string_view id) const;
  // The next roster version as an admin would issue it: the current members; the caller
  // edits it (approvals, revocations) and signs it.
  // What waits inside (Offer() answered kWaiting and it is not folded yet): how many control
  // envelopes and their bytes.
  std::size_t waiting_count() const { return waiting_.size(); }
  std::size_t waiting_bytes() const { return waiting_bytes_; }
  RosterBody NextRoster(int64_t now_ms) const;

 private:
  Trust() = default;
  // `now_ms` < 0: restoring (no time checks).
  Result<Outcome> Take(std::string_view envelope, int64_t now_ms);
  Result<Outcome> Fold(const Envelope& env, int64_t now_ms);
  // The signer of an admin-signed kind, its role and its signature checked (nothing decoded):
  // the admin; nullptr when the signer is not in the roster (it may be listed by a version
  // that has not arrived).
  Result<const Member*> AdminSigner(const Envelope& env) const;
  void RetryWaiting();

  Bytes workspace_;
  uint32_t version_ = 0;
  Bytes roster_id_;
  Bytes nonce_;
  bool park_ = true;
  std::map<Bytes, Member> members_;       // by device id
  std::map<Bytes, PendingJoin> pending_;  // by device id
  std::map<Bytes, Bytes> control_;        // envelope id → bytes, everything folded in
  std::vector<Bytes> order_;              // envelope ids in folding order
  std::map<uint32_t, Bytes> epochs_;      // epoch → envelope bytes
  std::map<Bytes, std::map<uint32_t, Bytes>> grants_;  // device → epoch → grant envelope
  std::map<Bytes, InviteBody> invites_;   // by invite id
  std::map<Bytes, Bytes> inviters_;       // invite id → the admin device that signed it
  std::map<Bytes, Bytes> used_;           // invite id → device id
  struct Waiting {
    Bytes bytes;
    int64_t now_ms;
  };
  std::vector<Waiting> waiting_;          // envelopes that could not be judged yet
  std::size_t waiting_bytes_ = 0;
};

}  // namespace dosti::sync
