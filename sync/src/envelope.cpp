// Envelope v1 (sync/README.md, "Envelope"). Layout after research/security-reliability.md §3.2:
// magic "DHC1", version 1, kind, flags 0, workspace, epoch, author, seq, prev, nonce, body
// length; the header is the AEAD's associated data and, with the body, what the author signs.
#include "dosti/sync/envelope.h"

#include <sodium.h>

#include <cstring>

#include "dosti/sync/wire.h"

namespace dosti::sync {
namespace {

constexpr std::string_view kMagic = "DHC1";
constexpr uint8_t kVersion = 1;
constexpr std::string_view kSigDomain = "DH-sig-v1";
constexpr std::size_t kPadBlock = 256;
constexpr uint8_t kInnerVersion = 1;

// The layout rule at fault stays in English (a detail for logs and bug reports); the sentence
// around it is translated.
Error Damaged(const std::string& why) {
  return MakeError(ErrorCode::kDamaged, "sync.envelope_malformed", {{"why", why}});
}

Bytes EncodeHeader(const Header& h) {
  Writer w;
  w.Raw(kMagic).U8(kVersion).U8(static_cast<uint8_t>(h.kind)).U16(0);
  w.Raw(h.workspace).U32(h.epoch).Raw(h.author).U64(h.seq);
  w.Raw(h.prev.empty() ? Bytes(kHashBytes, '\0') : h.prev);
  w.Raw(h.nonce.empty() ? Bytes(kNonceBytes, '\0') : h.nonce);
  w.U32(h.body_len);
  return w.Take();
}


bool AllZero(std::string_view b) {
  for (char c : b) if (c) return false;
  return true;
}

}  // namespace

// What the author signs: "DH-sig-v1" ‖ the envelope id (BLAKE2b-256 of header ‖ body). Signing
// the 32-byte id rather than the bytes spares the SHA-512 passes pure Ed25519 makes over its
// whole message (two to sign, one to verify): the id is computed anyway, once per side.
Bytes SignatureInput(std::string_view id) {
  Bytes in;
  in.reserve(kSigDomain.size() + id.size());
  in.append(kSigDomain).append(id);
  return in;
}

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kChanges: return "changes";
    case Kind::kEpoch: return "epoch";
    case Kind::kRoster: return "roster";
    case Kind::kInvite: return "invite";
    case Kind::kJoin: return "join";
    case Kind::kReceipt: return "receipt";
    case Kind::kGrant: return "grant";
  }
  return "unknown";
}

const Bytes& Envelope::Id() const {
  if (id_.empty()) id_ = Hash("DH-env-v1", {signed_part()});
  return id_;
}

Result<Envelope> ParseEnvelope(std::string_view bytes) {
  if (bytes.size() > kMaxEnvelopeBytes) {
    return MakeError(ErrorCode::kTooLarge, "sync.envelope_too_large",
                     {{"size", std::to_string(bytes.size())},
                      {"limit", std::to_string(kMaxEnvelopeBytes)}});
  }
  if (bytes.size() < kHeaderBytes + kSignatureBytes) {
    return Damaged("only " + std::to_string(bytes.size()) + " bytes");
  }
  Reader r(bytes);
  if (r.Raw(4) != kMagic) return Damaged("not a Dosti envelope (wrong magic)");
  uint8_t version = r.U8();
  if (version != kVersion) {
    return Damaged("version " + std::to_string(version) + " (this Dosti reads version 1)");
  }
  uint8_t kind = r.U8();
  if (kind < 1 || kind > 7) return Damaged("unknown kind " + std::to_string(kind));
  if (r.U16() != 0) return Damaged("flags must be 0 in version 1");
  Envelope env;
  Header& h = env.header;
  h.kind = static_cast<Kind>(kind);
  h.workspace = Bytes(r.Raw(kIdBytes));
  h.epoch = r.U32();
  h.author = Bytes(r.Raw(kIdBytes));
  h.seq = r.U64();
  h.prev = Bytes(r.Raw(kHashBytes));
  h.nonce = Bytes(r.Raw(kNonceBytes));
  h.body_len = r.U32();
  if (!r.ok() || r.position() != kHeaderBytes) return Damaged("short header");
  if (static_cast<uint64_t>(h.body_len) + kHeaderBytes + kSignatureBytes != bytes.size()) {
    return Damaged("its length field says " + std::to_string(h.body_len) +
                   " body bytes but it holds " +
                   std::to_string(bytes.size() - kHeaderBytes - kSignatureBytes) +
                   " (truncated or padded)");
  }
  if (h.kind == Kind::kChanges) {
    if (h.seq == 0) return Damaged("a changes envelope has sequence number 0");
    if (h.epoch == 0) return Damaged("a changes envelope has epoch 0");
    if (h.body_len < kTagBytes + kPadBlock) return Damaged("a changes body is too short");
    if ((h.body_len - kTagBytes) % kPadBlock != 0) return Damaged("a changes body is not padded");
    if (h.seq == 1 && !AllZero(h.prev)) return Damaged("sequence 1 with a previous link");
  } else {
    if (h.seq != 0 || h.epoch != 0 || !AllZero(h.prev) || !AllZero(h.nonce)) {
      return Damaged(std::string("a ") + KindName(h.kind) +
                     " message has a sequence, epoch, link or nonce");
    }
    if (h.body_len == 0) return Damaged("an empty body");
  }
  env.bytes = bytes;
  return env;
}

Result<void> CheckSignature(const Envelope& env, std::string_view author_ed_pk) {
  // The signature's input in a buffer each thread keeps (at most 1 MiB and 9 bytes): a fresh
  // megabyte for every check costs more in page faults than copying into it.
  if (!Verify(author_ed_pk, SignatureInput(env.Id()), env.signature())) {
    return MakeError(ErrorCode::kUnauthentic, "sync.signature_invalid",
                     {{"kind", KindName(env.header.kind)}, {"device", ToHex(env.header.author)}});
  }
  return {};
}

Bytes EnvelopeKey(std::string_view epoch_secret) { return DeriveKey(epoch_secret, 1, "DHenvlp1"); }
Bytes PreviousEpochKey(std::string_view epoch_secret) {
  return DeriveKey(epoch_secret, 3, "DHprevep");
}

Bytes SealChanges(std::string_view workspace, uint32_t epoch, std::string_view epoch_secret,
                  std::string_view author, std::string_view author_sk, uint64_t seq,
                  std::string_view prev, std::string_view changeset) {
  // Inner frame: u8 version ‖ u32 length ‖ changeset, then ISO/IEC 7816-4 padding to 256.
  std::size_t framed = 5 + changeset.size();
  std::size_t padded = (framed / kPadBlock + 1) * kPadBlock;
  Header h;
  h.kind = Kind::kChanges;
  h.workspace = Bytes(workspace);
  h.epoch = epoch;
  h.author = Bytes(author);
  h.seq = seq;
  h.prev = prev.empty() ? Bytes(kHashBytes, '\0') : Bytes(prev);
  h.nonce = RandomBytes(kNonceBytes);
  h.body_len = static_cast<uint32_t>(padded + kTagBytes);
  // One buffer, header ‖ body ‖ signature: the frame is built, padded and encrypted in place.
  // Separate buffers of up to 1 MiB each cost more in page faults than the crypto on this
  // kind of machine.
  std::size_t signed_len = kHeaderBytes + h.body_len;
  Bytes out;
  out.reserve(signed_len + kSignatureBytes);
  out.append(EncodeHeader(h));
  out.resize(signed_len + kSignatureBytes);  // zeros
  auto* inner = reinterpret_cast<unsigned char*>(out.data()) + kHeaderBytes;
  inner[0] = kInnerVersion;
  for (int i = 0; i < 4; ++i) {
    inner[1 + i] = static_cast<unsigned char>((changeset.size() >> (8 * i)) & 0xff);
  }
  std::memcpy(inner + 5, changeset.data(), changeset.size());
  std::size_t unused = 0;
  sodium_pad(&unused, inner, framed, kPadBlock, padded);
  Bytes key = EnvelopeKey(epoch_secret);
  EncryptInto(inner, key, h.nonce, std::string_view(out.data(), kHeaderBytes),
              std::string_view(reinterpret_cast<const char*>(inner), padded));  // in place
  sodium_memzero(key.data(), key.size());
  Bytes id = Hash("DH-env-v1", {std::string_view(out.data(), signed_len)});
  Bytes sig = Sign(author_sk, SignatureInput(id));
  std::memcpy(out.data() + signed_len, sig.data(), sig.size());
  return out;
}

Result<Bytes> OpenChanges(const Envelope& env, std::string_view epoch_secret) {
  std::string_view body = env.body();
  Bytes inner(body.size() - kTagBytes, '\0');
  Bytes key = EnvelopeKey(epoch_secret);
  bool ok = DecryptInto(reinterpret_cast<uint8_t*>(inner.data()), key, env.header.nonce,
                        env.header_bytes(), body);
  sodium_memzero(key.data(), key.size());
  if (!ok) {
    return MakeError(ErrorCode::kUnauthentic, "sync.undecryptable",
                     {{"seq", std::to_string(env.header.seq)},
                      {"device", ToHex(env.header.author)},
                      {"epoch", std::to_string(env.header.epoch)}});
  }
  std::size_t unpadded = 0;
  if (sodium_unpad(&unpadded, reinterpret_cast<const unsigned char*>(inner.data()), inner.size(),
                   kPadBlock) != 0 ||
      unpadded < 5 || static_cast<uint8_t>(inner[0]) != kInnerVersion) {
    return MakeError(ErrorCode::kDamaged, "sync.inner_malformed");
  }
  Reader r(std::string_view(inner.data(), unpadded));
  r.U8();
  std::string_view changeset = r.Sized(unpadded);
  if (!r.done()) {
    return MakeError(ErrorCode::kDamaged, "sync.inner_malformed");
  }
  // The changeset moves to the front of the buffer it was decrypted into (no second one).
  std::size_t offset = static_cast<std::size_t>(changeset.data() - inner.data());
  std::size_t length = changeset.size();
  std::memmove(inner.data(), inner.data() + offset, length);
  inner.resize(length);
  return inner;
}

Bytes SignControl(Kind kind, std::string_view workspace, std::string_view author,
                  std::string_view author_sk, std::string_view body) {
  Header h;
  h.kind = kind;
  h.workspace = Bytes(workspace);
  h.author = Bytes(author);
  h.body_len = static_cast<uint32_t>(body.size());
  Bytes out = EncodeHeader(h);
  out.append(body);
  out.append(Sign(author_sk, SignatureInput(Hash("DH-env-v1", {out}))));
  return out;
}

}  // namespace dosti::sync
