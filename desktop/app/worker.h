// Work that must not stop the frames (DESIGN.md §5, issue 11: "never a frozen window"): a thread
// with its own Session on the app's database file, running jobs one after another. Sync, bundle
// and CSV imports, reports over the whole data set and the enterprise list's queries run here;
// the UI thread's Session does single-record reads and writes.
// Threading: Post, Interrupt, Busy and TakeChanges are for the UI thread; a job runs on the
// worker's thread and may touch only its Session and what it captured (hand results back
// under a lock, or through a shared state it owns). Destroying the Worker interrupts the
// running job, drops the queued ones and joins the thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "dosti/result.h"
#include "dosti/session.h"

namespace dosti::desktop {

class Worker {
 public:
  using Job = std::function<void(Session&)>;

  // Opens a Session on `db_path` (a file: ":memory:" would be another database) for the
  // thread, with `options` (the clock and random source; they outlive the Worker).
  static Result<std::unique_ptr<Worker>> Start(const std::string& db_path,
                                               SessionOptions options = {});
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Queues `job` behind the others.
  void Post(Job job);
  // Stops the job running now at its next step (Session::Interrupt: it returns kCancelled and
  // rolls back); the queued ones still run.
  void Interrupt();
  // True while a job runs or waits.
  bool Busy() const;
  // What the worker's writes changed since the last call (its Session's change observer), for
  // the UI to refresh: another Session's observers do not hear them.
  std::vector<ChangeEvent> TakeChanges();

 private:
  Worker() = default;
  void Run();

  std::unique_ptr<Session> session_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  bool running_job_ = false;
  bool stopping_ = false;
  std::vector<ChangeEvent> changes_;
  std::thread thread_;
};

// A read on the Worker that runs one at a time (UI thread): asked for again while it runs, it
// runs once more when its result has been taken in.
class OneAtATime {
 public:
  // True: post it now.
  bool Ask() {
    if (queued_) {
      again_ = true;
      return false;
    }
    queued_ = true;
    return true;
  }
  // Its result is in; true: ask again.
  bool Done() {
    queued_ = false;
    return std::exchange(again_, false);
  }

 private:
  bool queued_ = false, again_ = false;
};

// A screen's view of the data set read on the Worker (a report, the sync state): read when the
// screen draws after being marked stale, one read at a time (OneAtATime), the latest result
// taken in on the UI thread. The job holds only the shared result slot, never the screen.
// Threading: the UI thread; `read` runs on the Worker's thread.
template <typename T>
class WorkerRead {
 public:
  // `stale`: read at the first Poll (false: only once marked stale, for a view whose first
  // read was done another way).
  explicit WorkerRead(bool stale = true) : stale_(stale) {}
  // What changed since the last read makes it stale (a change event, an action's end).
  void MarkStale() { stale_ = true; }
  // Each frame: the result that arrived since the last call, if any; posts `read` (a callable
  // T(Session&)) when stale and no read is under way.
  template <typename Read>
  std::optional<T> Poll(Worker& worker, Read read) {
    std::optional<T> value;
    {
      std::lock_guard<std::mutex> lock(shared_->mutex);
      value = std::exchange(shared_->value, std::nullopt);
    }
    if (value && one_.Done()) stale_ = true;  // asked for again while it ran
    if (stale_) {
      stale_ = false;
      if (one_.Ask()) {
        worker.Post([shared = shared_, read = std::move(read)](Session& s) {
          T result = read(s);
          std::lock_guard<std::mutex> lock(shared->mutex);
          shared->value = std::move(result);
        });
      }
    }
    return value;
  }

 private:
  struct Shared {
    std::mutex mutex;
    std::optional<T> value;
  };
  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
  OneAtATime one_;
  bool stale_ = true;
};

}  // namespace dosti::desktop
