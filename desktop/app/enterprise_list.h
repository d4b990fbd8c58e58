// The rows of the enterprise table: pages of Session::QueryEnterprises fetched by the Worker,
// so that neither a search typed nor 10,000 rows scrolled ever waits on the database. The table
// asks for the rows it shows (ImGuiListClipper); a page it lacks is fetched and shows a frame
// or two later. A new query (filters, order, search) supersedes the old: jobs still queued for
// the old one are skipped, and its rows stay on screen until the new ones arrive. Changed records
// (Invalidate) are fetched again the same way.
// Threading: the UI thread; the fetches run on the Worker and hand back under a lock.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "dosti/session.h"
#include "worker.h"

namespace dosti::desktop {

class EnterpriseList {
 public:
  // Rows a page holds. A search is one page of its hits (at most kMaxQueryHits).
  static constexpr int kPageRows = 100;
  // Pages kept; those farthest from the last row asked for go first.
  static constexpr std::size_t kMaxPages = 64;

  explicit EnterpriseList(Worker& worker);

  // The filters, order and search (offset and limit are the list's own). A different query
  // starts anew; the same one does nothing.
  void SetQuery(const EnterpriseQuery& query);
  const EnterpriseQuery& query() const { return query_; }
  // The records changed: every page is fetched again (and shown as it was meanwhile).
  void Invalidate();
  // Each frame, before the rows are read: takes in the pages fetched.
  void Poll();
  // The rows matching the query as far as known: the last answer's total (-1 before one).
  int64_t total() const { return total_; }
  // Row `i` (0 ≤ i < total()) if its page is here, perhaps from before a change; otherwise
  // nullptr, and its page is asked for.
  const Record* Row(int64_t i);
  // True while pages are being fetched.
  bool loading() const { return !requested_.empty(); }
  // Why the last fetch failed (a filter out of its domain, a database error), if it did.
  const std::optional<Error>& error() const { return error_; }

 private:
  struct Shared;
  struct Page {
    std::vector<Record> rows;
    uint64_t generation = 0, version = 0;
  };
  int PageRows() const;
  void Request(int64_t page);

  Worker& worker_;
  std::shared_ptr<Shared> shared_;
  EnterpriseQuery query_;
  uint64_t generation_ = 1;  // the query's: a new query, a new generation
  uint64_t version_ = 1;     // the records': Invalidate makes a new version
  std::map<int64_t, Page> pages_;
  std::set<int64_t> requested_;  // pages asked for in this generation and version
  int64_t total_ = -1;
  std::optional<Error> error_;
};

}  // namespace dosti::desktop
