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

}  // namespace dosti::desktop
