#include "dosti/replica.h"
#include "waiting_room.h"

#include "local_keys.h"

namespace dosti::sync {
namespace {

constexpr std::string_view kPending = "pend";
constexpr std::string_view kPendingUnknown = "penu";  // kept while their author was unknown

}  // namespace

Result<void> WaitingRoom::Load() {
  index_.clear();
  unknown_per_author_.clear();
  count_ = bytes_ = unknown_count_ = unknown_bytes_ = 0;
  for (std::string_view space : {kPending, kPendingUnknown}) {
    auto all = replica_.LocalList(space);
    if (!all) return all.error();
    bool unknown = space == kPendingUnknown;
    for (const auto& [key, value] : *all) {
      if (key.size() != kIdBytes + 8) continue;
      Bytes author = key.substr(0, kIdBytes);
      auto& seqs = index_[author];
      uint64_t seq = local::ReadBigEndian(std::string_view(key).substr(kIdBytes));
      if (seqs.count(seq)) continue;  // in both spaces (a crash between): one counts
      seqs[seq] = Entry{value.size(), unknown};
      ++count_;
      bytes_ += value.size();
      if (unknown) {
        ++unknown_count_;
        unknown_bytes_ += value.size();
        ++unknown_per_author_[author];
      }
    }
  }
  return {};
}

Result<void> WaitingRoom::Keep(const Envelope& env, bool author_known) {
  const Header& h = env.header;
  auto& seqs = index_[h.author];
  if (seqs.count(h.seq)) return {};
  auto refuse = [&](Error e) -> Result<void> {
    if (seqs.empty()) index_.erase(h.author);
    return e;
  };
  if (count_ >= kMaxEnvelopes || bytes_ + env.bytes.size() > kMaxBytes)
    return refuse(MakeError(ErrorCode::kTooLarge, "sync.waiting_full"));
  if (!author_known) {
    bool new_author = !unknown_per_author_.count(h.author);
    if (unknown_count_ >= kMaxUnknownEnvelopes ||
        unknown_bytes_ + env.bytes.size() > kMaxUnknownBytes ||
        (new_author && unknown_per_author_.size() >= kMaxUnknownAuthors))
      return refuse(MakeError(ErrorCode::kTooLarge, "sync.waiting_unknown_full",
                              {{"limit", std::to_string(kMaxUnknownEnvelopes)}}));
  }
  std::string_view space = author_known ? kPending : kPendingUnknown;
  if (auto r = replica_.LocalPut(space, local::AuthorSeq(h.author, h.seq), env.bytes); !r)
    return refuse(r.error());
  seqs[h.seq] = Entry{env.bytes.size(), !author_known};
  ++count_;
  bytes_ += env.bytes.size();
  if (!author_known) {
    ++unknown_count_;
    unknown_bytes_ += env.bytes.size();
    ++unknown_per_author_[h.author];
  }
  return {};
}

Result<void> WaitingRoom::Drop(std::string_view author, uint64_t seq) {
  auto a = index_.find(Bytes(author));
  if (a == index_.end()) return {};
  auto s = a->second.find(seq);
  if (s == a->second.end()) return {};
  const Entry e = s->second;
  DOSTI_TRY(replica_.LocalDelete(e.unknown ? kPendingUnknown : kPending,
                                 local::AuthorSeq(author, seq)));
  --count_;
  bytes_ -= std::min(bytes_, e.bytes);
  if (e.unknown) {
    --unknown_count_;
    unknown_bytes_ -= std::min(unknown_bytes_, e.bytes);
    auto u = unknown_per_author_.find(a->first);
    if (u != unknown_per_author_.end() && --u->second == 0) unknown_per_author_.erase(u);
  }
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
  auto a = index_.find(Bytes(author));
  bool unknown = false;
  if (a != index_.end()) {
    auto s = a->second.find(seq);
    if (s != a->second.end()) unknown = s->second.unknown;
  }
  return replica_.LocalGet(unknown ? kPendingUnknown : kPending, local::AuthorSeq(author, seq));
}

}  // namespace dosti::sync
