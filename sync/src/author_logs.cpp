#include "dosti/replica.h"
#include "author_logs.h"

#include "local_keys.h"

namespace dosti::sync {
namespace {

constexpr std::string_view kLog = "env";
constexpr std::string_view kHead = "head";
constexpr std::size_t kPage = 64;  // envelopes read at once (each up to 1 MiB)

}  // namespace

Result<void> AuthorLogs::Load() {
  auto all = replica_.LocalList(kHead);
  if (!all) return all.error();
  heads_.clear();
  for (const auto& [author, value] : *all) {
    heads_[author] = {local::ReadBigEndian(std::string_view(value).substr(0, 8)), value.substr(8)};
  }
  return {};
}

AuthorLogs::Head AuthorLogs::head(std::string_view author) const {
  auto it = heads_.find(Bytes(author));
  return it == heads_.end() ? Head{} : it->second;
}

Result<void> AuthorLogs::Append(const Envelope& env) {
  const Header& h = env.header;
  DOSTI_TRY(replica_.LocalPut(kLog, local::AuthorSeq(h.author, h.seq), env.bytes));
  return replica_.LocalPut(kHead, h.author, local::BigEndian(h.seq, 8) + env.Id());
}

Result<std::optional<Bytes>> AuthorLogs::Get(std::string_view author, uint64_t seq) {
  return replica_.LocalGet(kLog, local::AuthorSeq(author, seq));
}

Result<void> AuthorLogs::Scan(std::string_view author, uint64_t after, uint64_t last,
                              const std::function<bool(Bytes&&)>& fn) {
  Bytes from = local::AuthorSeq(author, after);
  for (;;) {
    auto page = replica_.LocalList(kLog, author, from, kPage);
    if (!page) return page.error();
    for (auto& [key, env] : *page) {
      if (local::ReadBigEndian(std::string_view(key).substr(kIdBytes)) > last) return {};
      if (!fn(std::move(env))) return {};
    }
    if (page->size() < kPage) return {};
    from = page->back().first;
  }
}

}  // namespace dosti::sync
