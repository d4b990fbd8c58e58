// Envelope v1 (sync/README.md, "Envelope"): a clear 112-byte header, a body (encrypted for
// changes, clear and signed for control messages), an Ed25519 signature. Parsing and checking
// here use no state: who may author what (the roster) is trust.h's, ordering is the node's.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "dosti/result.h"
#include "dosti/sync/crypto.h"

namespace dosti::sync {

inline constexpr std::size_t kHeaderBytes = 112;
inline constexpr std::size_t kSignatureBytes = 64;
inline constexpr std::size_t kMaxEnvelopeBytes = 1024 * 1024;  // everything included
inline constexpr std::size_t kMaxBodyBytes = kMaxEnvelopeBytes - kHeaderBytes - kSignatureBytes;
inline constexpr std::size_t kIdBytes = 16;    // device, workspace and invite ids
inline constexpr std::size_t kHashBytes = 32;  // envelope ids, chain links

// Author (16-byte device id) → the highest changes envelope seq held: what a device has
// applied (Node::Frontier) or the relay has stored (its pull requests and frontier answers).
using EnvelopeFrontier = std::map<Bytes, uint64_t>;

// What an author signs for an envelope with this id: "DH-sig-v1" ‖ id.
std::string SignatureInput(std::string_view id);

enum class Kind : uint8_t {
  kChanges = 1,  // a core changeset of the author's own commits, encrypted; seq ≥ 1, chained
  kEpoch = 2,    // a new epoch secret sealed to each member (admin)
  kRoster = 3,   // a roster version (admin; version 1 is the workspace's genesis)
  kInvite = 4,   // an invite's public half (admin)
  kJoin = 5,     // a device joined with an invite (the new device, countersigned by the invite key)
  kReceipt = 6,  // what the author has applied (its frontier), for bundle exports
  kGrant = 7,    // an epoch secret sealed to one newly approved device (admin)
};
const char* KindName(Kind kind);

struct Header {
  Kind kind = Kind::kChanges;
  Bytes workspace;  // 16
  uint32_t epoch = 0;  // changes: the epoch whose key encrypts it; control messages: 0
  Bytes author;     // 16: the author's device id
  uint64_t seq = 0;  // changes: per author from 1; control messages: 0
  Bytes prev;       // 32: changes: id of the author's envelope seq-1 (zeros for seq 1)
  Bytes nonce;      // 24: changes: random; control messages: zeros
  uint32_t body_len = 0;
};

// An envelope whose layout checked out (lengths, magic, version, flags, kind, the rules of its
// kind) and whose signature has not been checked yet. It views the bytes given to
// ParseEnvelope, which must outlive it.
struct Envelope {
  Header header;
  std::string_view bytes;  // the whole envelope
  std::string_view signed_part() const { return bytes.substr(0, kHeaderBytes + header.body_len); }
  std::string_view header_bytes() const { return bytes.substr(0, kHeaderBytes); }
  std::string_view body() const { return bytes.substr(kHeaderBytes, header.body_len); }
  std::string_view signature() const { return bytes.substr(kHeaderBytes + header.body_len); }
  // BLAKE2b-256("DH-env-v1" ‖ header ‖ body): excludes the signature. Computed once.
  const Bytes& Id() const;

 private:
  mutable Bytes id_;
};

// Step 1 of receiving: size ≤ 1 MiB, exact length, magic, version, flags, kind and its
// field rules. kDamaged / kTooLarge with a reason; nothing is allocated for bad input.
Result<Envelope> ParseEnvelope(std::string_view bytes);
// The author's Ed25519 signature over "DH-sig-v1" ‖ the envelope id (kUnauthentic).
Result<void> CheckSignature(const Envelope& env, std::string_view author_ed_pk);

// The epoch keys: K_env = kdf(S_e, 1, "DHenvlp1"), K_prev = kdf(S_e, 3, "DHprevep").
Bytes EnvelopeKey(std::string_view epoch_secret);
Bytes PreviousEpochKey(std::string_view epoch_secret);

// Makes a changes envelope: the changeset is framed (u8 version 1, u32 length), padded to
// 256-byte blocks (ISO/IEC 7816-4, sodium_pad), encrypted with the epoch key (AD = header),
// signed. `prev` is the id of the author's envelope seq-1 (empty for seq 1).
Bytes SealChanges(std::string_view workspace, uint32_t epoch, std::string_view epoch_secret,
                  std::string_view author, std::string_view author_sk, uint64_t seq,
                  std::string_view prev, std::string_view changeset);
// Decrypts a parsed, signature-checked changes envelope and returns the changeset
// (kUnauthentic when the key does not open it; kDamaged for a bad inner frame).
Result<Bytes> OpenChanges(const Envelope& env, std::string_view epoch_secret);

// Makes a control envelope (kinds 2–6): clear body, signed.
Bytes SignControl(Kind kind, std::string_view workspace, std::string_view author,
                  std::string_view author_sk, std::string_view body);

}  // namespace dosti::sync
