// Bundle files, for a peer with no link (node.h; the layout in sync/README.md, "Bundle file").
#include "dosti/replica.h"
#include "dosti/sync/wire.h"
#include "node_state.h"

namespace dosti::sync {
namespace {

constexpr std::string_view kBundleMagic = "DHBUNDL1";

}  // namespace

Result<Bytes> Node::ExportBundle(std::string_view for_device) {
  State& s = *s_;
  if (auto sealed = SealOutgoing(); !sealed && sealed.error().code != ErrorCode::kRevoked) {
    return sealed.error();
  }
  // What the others have, by their receipts: for one device, its receipt; for everyone, the
  // least any other device has acknowledged (nothing, for a device that sent no receipt).
  std::vector<Bytes> peers;
  if (!for_device.empty()) {
    auto id = s.ResolveDevice(for_device);
    if (!id) return id.error();
    peers.push_back(*id);
  } else {
    for (const Member& m : s.trust->Members()) {
      if (m.id != s.device && m.status == Status::kActive) peers.push_back(m.id);
    }
  }
  EnvelopeFrontier base;
  bool first = true;
  for (const Bytes& peer : peers) {
    EnvelopeFrontier theirs;
    auto rc = s.replica.LocalGet(kReceiptSpace, peer);
    if (!rc) return rc.error();
    if (rc->has_value()) {
      auto env = ParseEnvelope(**rc);
      auto body = env ? DecodeReceipt(env->body()) : Result<ReceiptBody>(env.error());
      if (body) theirs = body->applied;
    }
    if (first) {
      base = theirs;
      first = false;
      continue;
    }
    for (auto it = base.begin(); it != base.end();) {
      auto t = theirs.find(it->first);
      if (t == theirs.end()) {
        it = base.erase(it);
      } else {
        it->second = std::min(it->second, t->second);
        ++it;
      }
    }
  }
  auto changes = ChangesAfter(base);
  if (!changes) return changes.error();
  std::vector<Bytes> control = ControlMessages();
  Bytes receipt = MakeReceipt();

  Writer w;
  w.Raw(kBundleMagic).Raw(s.workspace()).Raw(s.device).I64(s.Now());
  w.U32(static_cast<uint32_t>(control.size() + changes->size() + 1));
  for (const Bytes& env : control) w.Sized(env);
  for (const Outgoing& env : *changes) w.Sized(env.bytes);
  w.Sized(receipt);
  Bytes hash = Hash("DH-bundle-v1", {w.bytes()});
  w.Raw(hash).Raw(Sign(s.keys.sign.sk, "DH-bundle-v1" + hash));
  return w.Take();
}

Result<BundleReport> Node::ImportBundle(std::string_view file, const Progress& progress) {
  State& s = *s_;
  BundleReport out;
  Reader r(file);
  if (r.Raw(kBundleMagic.size()) != kBundleMagic) {
    return MakeError(ErrorCode::kDamaged, "sync.bundle_not_a_bundle");
  }
  Bytes ws(r.Raw(kIdBytes)), exporter(r.Raw(kIdBytes));
  r.I64();
  uint32_t count = r.U32();
  if (!r.ok()) return MakeError(ErrorCode::kDamaged, "sync.bundle_header_truncated");
  if (ws != s.workspace()) {
    return MakeError(ErrorCode::kWrongWorkspace, "sync.bundle_other_workspace",
                     {{"workspace", ToHex(ws)}});
  }
  out.exporter = ToHex(exporter);
  std::vector<std::string_view> envelopes;
  for (uint32_t i = 0; i < count; ++i) {
    std::string_view env = r.Sized(kMaxEnvelopeBytes);
    if (!r.ok()) {
      out.damaged = true;
      out.damage = MakeMessage("sync.bundle_truncated",
                               {{"read", std::to_string(i)}, {"count", std::to_string(count)}});
      break;
    }
    envelopes.push_back(env);
  }
  std::size_t signed_len = r.position();
  std::string_view hash = r.Raw(32), sig = r.Raw(kSignatureBytes);
  if (!out.damaged) {
    if (!r.done()) {
      out.damaged = true;
      out.damage = MakeMessage("sync.bundle_end_missing");
    } else if (!SameBytes(hash, Hash("DH-bundle-v1", {file.substr(0, signed_len)}))) {
      out.damaged = true;
      out.damage = MakeMessage("sync.bundle_altered");
    }
  }
  auto received = Receive(envelopes, progress);
  if (!received) return received.error();
  out.received = std::move(*received);
  if (!out.damaged) {
    // The exporter's key: a member's, or a pending device's (whose join came in this bundle).
    auto key = s.trust->SigningKeyOf(exporter);
    if (!key || !Verify(*key, "DH-bundle-v1" + Bytes(hash), sig)) {
      out.damaged = true;
      out.damage = MakeMessage("sync.bundle_signature", {{"device", ToHex(exporter)}});
    }
  }
  return out;
}

}  // namespace dosti::sync
