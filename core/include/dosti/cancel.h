// Cancelling long calls from another thread, the way sqlite3_interrupt does: the thread that
// wants to stop the work calls Cancel(); the thread doing it checks at each step (a row, an
// envelope, a request) and returns kCancelled, having rolled back what it had not committed.
// Session::Interrupt (session.h) is built on this; the sync layer uses the same type for its
// rounds and bundle imports.
//
// Semantics (those of sqlite3_interrupt): Cancel() stops the long call in progress; with none
// in progress it has no effect on later calls. A call "is in progress" from the moment it took
// its Watch (first thing it does) until it returns, so a Cancel() that lands just before a call
// starts is lost: a front end that must never lose one starts the call and only then offers
// the cancel button, or cancels again when it sees progress.
// Threading: Cancel() and Watch::Cancelled() may be called from any thread at any time while
// the Cancellation exists; it must outlive every thread that may call Cancel().
#pragma once

#include <atomic>
#include <cstdint>

#include "dosti/result.h"

namespace dosti {

class Cancellation {
 public:
  Cancellation() = default;
  Cancellation(const Cancellation&) = delete;
  Cancellation& operator=(const Cancellation&) = delete;

  // Any thread: asks the long call in progress to stop at its next step.
  void Cancel() noexcept { requests_.fetch_add(1, std::memory_order_release); }

  // Taken by a long call when it starts; Cancelled() is true once Cancel() was called since.
  class Watch {
   public:
    explicit Watch(const Cancellation& c) noexcept
        : c_(&c), mark_(c.requests_.load(std::memory_order_acquire)) {}
    bool Cancelled() const noexcept {
      return c_->requests_.load(std::memory_order_acquire) != mark_;
    }

   private:
    const Cancellation* c_;
    uint64_t mark_;
  };

 private:
  std::atomic<uint64_t> requests_{0};
};

// The error a cancelled call returns: kCancelled, key "cancelled" ("cancelled; nothing was
// changed").
Error CancelledError();

}  // namespace dosti
