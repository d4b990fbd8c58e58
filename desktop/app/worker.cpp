#include "worker.h"

#include <utility>

namespace dosti::desktop {

Result<std::unique_ptr<Worker>> Worker::Start(const std::string& db_path, SessionOptions options) {
  auto session = Session::Open(db_path, std::move(options));
  if (!session) return session.error();
  std::unique_ptr<Worker> worker(new Worker());
  worker->session_ = std::move(*session);
  Worker* w = worker.get();
  w->session_->AddObserver([w](const ChangeEvent& event) {
    std::lock_guard<std::mutex> lock(w->mutex_);
    w->changes_.push_back(event);
  });
  w->thread_ = std::thread([w] { w->Run(); });
  return worker;
}

Worker::~Worker() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    jobs_.clear();
  }
  wake_.notify_all();
  session_->Interrupt();
  if (thread_.joinable()) thread_.join();
}

void Worker::Post(Job job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void Worker::Interrupt() { session_->Interrupt(); }

bool Worker::Busy() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return running_job_ || !jobs_.empty();
}

std::vector<ChangeEvent> Worker::TakeChanges() {
  std::lock_guard<std::mutex> lock(mutex_);
  return std::exchange(changes_, {});
}

void Worker::Run() {
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      running_job_ = false;
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
      running_job_ = true;
    }
    job(*session_);
  }
}

}  // namespace dosti::desktop
