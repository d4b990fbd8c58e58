#include "enterprise_list.h"

#include <atomic>
#include <mutex>
#include <utility>
#include <vector>

namespace dosti::desktop {

// Between the UI thread and the Worker's fetches.
struct EnterpriseList::Shared {
  std::atomic<uint64_t> generation{1};  // the current query's; older fetches are skipped
  std::mutex mutex;
  struct Fetched {
    uint64_t generation = 0, version = 0;
    int64_t page = 0;
    Result<EnterprisePage> result;
  };
  std::vector<Fetched> fetched;
};

namespace {

bool SameQuery(const EnterpriseQuery& a, const EnterpriseQuery& b) {
  return a.country == b.country && a.stage == b.stage && a.sector == b.sector &&
         a.office == b.office && a.archived == b.archived && a.search == b.search &&
         a.sort == b.sort && a.descending == b.descending;
}

}  // namespace

EnterpriseList::EnterpriseList(Worker& worker)
    : worker_(worker), shared_(std::make_shared<Shared>()) {
  query_.limit = PageRows();
  Request(0);
}

int EnterpriseList::PageRows() const { return query_.search.empty() ? kPageRows : kMaxQueryHits; }

void EnterpriseList::SetQuery(const EnterpriseQuery& query) {
  if (SameQuery(query, query_)) return;
  query_ = query;
  query_.offset = 0;
  query_.limit = PageRows();
  ++generation_;
  shared_->generation.store(generation_);
  requested_.clear();
  error_.reset();
  Request(0);  // the total, even when the table shows no row of the old query
}

void EnterpriseList::Invalidate() {
  ++version_;
  requested_.clear();
  Request(0);
}

void EnterpriseList::Poll() {
  std::vector<Shared::Fetched> fetched;
  {
    std::lock_guard<std::mutex> lock(shared_->mutex);
    fetched.swap(shared_->fetched);
  }
  for (Shared::Fetched& f : fetched) {
    if (f.generation != generation_) continue;  // an old query's
    if (f.version == version_) requested_.erase(f.page);
    if (!f.result) {
      error_ = f.result.error();
      continue;
    }
    error_.reset();
    // An answer to the new query: the old query's rows go.
    std::erase_if(pages_, [&](const auto& p) { return p.second.generation != generation_; });
    total_ = f.result->total;
    pages_[f.page] = Page{std::move(f.result->rows), f.generation, f.version};
  }
}

void EnterpriseList::Request(int64_t page) {
  if (!requested_.insert(page).second) return;
  EnterpriseQuery q = query_;
  q.limit = PageRows();
  q.offset = page * q.limit;
  uint64_t generation = generation_, version = version_;
  worker_.Post([shared = shared_, q, page, generation, version](Session& s) {
    // Typing a search queues a query per key: only the last one runs.
    if (shared->generation.load() != generation) return;
    Shared::Fetched f{generation, version, page, s.QueryEnterprises(q)};
    std::lock_guard<std::mutex> lock(shared->mutex);
    shared->fetched.push_back(std::move(f));
  });
}

const Record* EnterpriseList::Row(int64_t i) {
  if (i < 0) return nullptr;
  const int rows = PageRows();
  const int64_t page = i / rows;
  auto it = pages_.find(page);
  const bool current =
      it != pages_.end() && it->second.generation == generation_ && it->second.version == version_;
  if (!current) Request(page);
  if (pages_.size() > kMaxPages) {
    // Keep the pages near where the table is.
    std::erase_if(pages_, [&](const auto& p) {
      return p.first != page &&
             (p.first < page - int64_t{kMaxPages / 2} || p.first > page + int64_t{kMaxPages / 2});
    });
    it = pages_.find(page);
  }
  if (it == pages_.end()) return nullptr;
  const int64_t at = i - page * rows;
  if (at >= static_cast<int64_t>(it->second.rows.size())) return nullptr;
  return &it->second.rows[static_cast<std::size_t>(at)];
}

}  // namespace dosti::desktop
