#include "dosti/replica.h"
#include "waiting_room.h"

#include "local_keys.h"

namespace dosti::sync {
namespace {

constexpr std::string_view kPending = "pend";

}  // namespace

Result<void> WaitingRoom::Load() {
  auto all = replica_.LocalList(kPending);
  if (!all) return all.error();
  index_.clear();
  count_ = bytes_ = 0;
  for (const auto& [key, value] : *all) {
    if (key.size() != kIdBytes + 8) continue;
    index_[key.substr(0, kIdBytes)][local::ReadBigEndian(std::string_view(key).substr(kIdBytes))] =
        value.size();
    ++count_;
    bytes_ += value.size();
  }
  return {};
}

Result<void> WaitingRoom::Keep(const Envelope& env) {
  const Header& h = env.header;
  auto& seqs = index_[h.author];
  if (seqs.count(h.seq)) return {};
  if (count_ >= kMaxEnvelopes || bytes_ + env.bytes.size() > kMaxBytes) {
    if (seqs.empty()) index_.erase(h.author);
    return MakeError(ErrorCode::kTooLarge, "sync.waiting_full");
  }
  if (auto r = replica_.LocalPut(kPending, local::AuthorSeq(h.author, h.seq), env.bytes); !r) {
    if (seqs.empty()) index_.erase(h.author);
    return r.error();
  }
  seqs[h.seq] = env.bytes.size();
  ++count_;
  bytes_ += env.bytes.size();
  return {};
}

Result<void> WaitingRoom::Drop(std::string_view author, uint64_t seq) {
  auto a = index_.find(Bytes(author));
  if (a == index_.end()) return {};
  auto s = a->second.find(seq);
  if (s == a->second.end()) return {};
  DOSTI_TRY(replica_.LocalDelete(kPending, local::AuthorSeq(author, seq)));
  --count_;
  bytes_ -= std::min(bytes_, s->second);
  a->second.erase(s);
  if (a->second.empty()) index_.erase(a);
  return {};
}

std::vector<Bytes> WaitingRoom::Authors() const {
  std::vector<Bytes> out;
  for (const auto& [author, seqs] : index_) out.push_back(author);
  return out;
}

std::optional<uint64_t> WaitingRoom::Lowest(std::string_view author) const {
  auto a = index_.find(Bytes(author));
  if (a == index_.end() || a->second.empty()) return std::nullopt;
  return a->second.begin()->first;
}

std::size_t WaitingRoom::CountOf(std::string_view author) const {
  auto a = index_.find(Bytes(author));
  return a == index_.end() ? 0 : a->second.size();
}

Result<std::optional<Bytes>> WaitingRoom::Get(std::string_view author, uint64_t seq) {
  return replica_.LocalGet(kPending, local::AuthorSeq(author, seq));
}

}  // namespace dosti::sync
