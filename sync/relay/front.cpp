#include "front.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "dosti/json.h"
#include "dosti/result.h"

namespace dosti::relay {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// How long a half-closed connection that was refused is read and dropped before it closes:
// closing with unread input would reset the connection and lose the answer on the way.
constexpr int64_t kLingerMs = 2000;
constexpr std::size_t kReadChunk = 16u << 10;

void PeerOf(int fd, bool local, std::string* ip, int* port) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  int rc = local ? getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len)
                 : getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  if (rc != 0) return;
  char buf[INET6_ADDRSTRLEN] = {};
  if (ss.ss_family == AF_INET) {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &a->sin_addr, buf, sizeof buf);
    *port = ntohs(a->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof buf);
    *port = ntohs(a->sin6_port);
  }
  *ip = buf;
}

// A short answer written without waiting (best effort: it is a few hundred bytes into an
// empty socket buffer), for connections refused before any worker sees them.
std::string Canned(int status, const char* reason, const Error& e, int retry_s) {
  json::Writer w;
  std::string body = w.BeginObject().Key("error").String(e.message).Key("key").String(e.key)
                         .EndObject().Take();
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason +
                    "\r\nContent-Type: application/json\r\nConnection: close\r\n";
  if (retry_s > 0) out += "Retry-After: " + std::to_string(retry_s) + "\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return out;
}

void SendCanned(int fd, int status, const char* reason, const Error& e, int retry_s) {
  std::string out = Canned(status, reason, e, retry_s);
  (void)send(fd, out.data(), out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

}  // namespace

// One client connection. Owned by exactly one of: the poller (waiting for a head), the ready
// queue, or a worker.
struct Conn {
  int fd = -1;
  std::string ip, local_ip;
  int port = 0, local_port = 0;
  std::string key;          // the address key the caps count ("" when exempt)
  std::string buf;          // bytes read and not consumed yet, from `pos`
  std::size_t pos = 0;
  std::size_t scanned = 0;  // buf was searched for the head's end up to here
  int64_t wait_start = 0;   // when waiting for this request's head began
  bool got_byte = false;    // of this request
  std::size_t requests = 0;
  int64_t linger_until = 0;  // > 0: refused and half-closed; input is dropped until then
  SSL* ssl = nullptr;        // TLS: the session (its handshake done once `handshaken`)
  bool handshaken = true;
  bool want_write = false;   // TLS: the handshake waits for the socket to take bytes

  // One read without waiting: > 0 bytes; 0 closed; -1 would block (*write: it waits for the
  // socket to take bytes, a TLS renegotiation); -2 failed.
  ssize_t Read(char* p, std::size_t n, bool* write) {
    *write = false;
    if (!ssl) {
      ssize_t r = recv(fd, p, n, 0);
      if (r >= 0) return r;
      return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? -1 : -2;
    }
    int r = SSL_read(ssl, p, static_cast<int>(std::min<std::size_t>(n, 1 << 30)));
    if (r > 0) return r;
    int e = SSL_get_error(ssl, r);
    if (e == SSL_ERROR_WANT_READ) return -1;
    if (e == SSL_ERROR_WANT_WRITE) return *write = true, -1;
    ERR_clear_error();
    return e == SSL_ERROR_ZERO_RETURN ? 0 : -2;
  }
  // One write without waiting: bytes written (> 0); -1 would block (*read: TLS wants input);
  // -2 failed.
  ssize_t Write(const char* p, std::size_t n, bool* read) {
    *read = false;
    if (!ssl) {
      ssize_t r = send(fd, p, n, MSG_NOSIGNAL);
      if (r > 0) return r;
      return r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? -1 : -2;
    }
    int r = SSL_write(ssl, p, static_cast<int>(std::min<std::size_t>(n, 1 << 30)));
    if (r > 0) return r;
    int e = SSL_get_error(ssl, r);
    if (e == SSL_ERROR_WANT_WRITE) return -1;
    if (e == SSL_ERROR_WANT_READ) return *read = true, -1;
    ERR_clear_error();
    return -2;
  }
  // Decrypted bytes TLS holds that the socket will not signal again.
  bool Pending() const { return ssl && SSL_pending(ssl) > 0; }

  std::size_t Buffered() const { return buf.size() - pos; }
  void Compact() {
    if (pos == 0) return;
    buf.erase(0, pos);
    scanned = scanned > pos ? scanned - pos : 0;
    pos = 0;
    if (buf.empty()) buf.shrink_to_fit();  // idle keep-alive connections hold no buffer
  }
  // The end of a complete request head in buf (the index after its "\r\n\r\n"), or npos.
  // Empty lines before a request line are skipped (RFC 9112 §2.2).
  std::size_t HeadEnd() {
    while (pos < buf.size() && (buf[pos] == '\r' || buf[pos] == '\n')) ++pos;
    std::size_t from = std::max(pos, scanned >= 3 ? scanned - 3 : 0);
    std::size_t end = buf.find("\r\n\r\n", from);
    scanned = buf.size();
    return end == std::string::npos ? end : end + 4;
  }
};

namespace {

// httplib's view of a connection while a worker serves one request on it: the head (and what
// came after it) from the buffer, then the socket. Reads and writes wait at most io_ms for
// progress, and the time spent waiting for the client is bounded by a grace period plus the
// bytes moved at the minimum rate.
class ConnStream : public httplib::Stream {
 public:
  ConnStream(Conn& c, const FrontOptions& o) : c_(c), o_(o) {}

  bool failed() const { return failed_; }

  bool is_readable() const override {
    return c_.Buffered() > 0 || c_.Pending() || Wait(POLLIN);
  }
  bool is_writable() const override { return Wait(POLLOUT); }

  ssize_t read(char* ptr, size_t size) override {
    if (c_.Buffered() == 0) {
      c_.Compact();
      if (size >= kReadChunk) return Recv(ptr, size);
      // Small reads (chunk-size lines) go through the buffer; what is read past this request
      // stays there for the next one.
      char tmp[kReadChunk];
      ssize_t n = Recv(tmp, sizeof tmp);
      if (n <= 0) return n;
      c_.buf.append(tmp, static_cast<std::size_t>(n));
    }
    std::size_t n = std::min(size, c_.Buffered());
    std::memcpy(ptr, c_.buf.data() + c_.pos, n);
    c_.pos += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    std::size_t sent = 0;
    while (sent < size) {
      bool read = false;
      ssize_t n = c_.Write(ptr + sent, size - sent, &read);
      if (n > 0) {
        sent += static_cast<std::size_t>(n);
        moved_ += static_cast<std::size_t>(n);
        continue;
      }
      if (n == -1 && Wait(read ? POLLIN : POLLOUT)) continue;
      failed_ = true;
      return -1;
    }
    return static_cast<ssize_t>(size);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = c_.ip;
    port = c_.port;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = c_.local_ip;
    port = c_.local_port;
  }
  socket_t socket() const override { return c_.fd; }

 private:
  ssize_t Recv(char* ptr, std::size_t size) {
    for (;;) {
      bool write = false;
      ssize_t n = c_.Read(ptr, size, &write);
      if (n > 0) {
        moved_ += static_cast<std::size_t>(n);
        return n;
      }
      if (n == -1 && Wait(write ? POLLOUT : POLLIN)) continue;
      failed_ = true;
      return -1;
    }
  }

  // Waits for the socket to be ready. False when io_ms passed without it, or when the time
  // this request has spent waiting for its client is over its allowance.
  bool Wait(short events) const {
    for (;;) {
      int64_t allowed = o_.rate_grace_ms +
                        static_cast<int64_t>(moved_ * 1000 / std::max<std::size_t>(1, o_.min_bytes_per_s));
      int64_t left = allowed - waited_ms_;
      if (left <= 0) return false;
      pollfd p{c_.fd, events, 0};
      int64_t t0 = NowMs();
      int rc = poll(&p, 1, static_cast<int>(std::min<int64_t>(o_.io_ms, left)));
      waited_ms_ += NowMs() - t0;
      if (rc > 0) return true;
      if (rc == 0) return false;
      if (errno != EINTR) return false;
    }
  }

  Conn& c_;
  const FrontOptions& o_;
  std::size_t moved_ = 0;
  mutable int64_t waited_ms_ = 0;
  bool failed_ = false;
};

}  // namespace

// [SECTION] The engine: one poller thread, the workers, and the counts they share.
struct FrontServer::Engine {
  FrontServer* server;
  FrontOptions o;
  SSL_CTX* tls = nullptr;  // HTTPS when set (the server's; it outlives the engine)
  int ep = -1;    // epoll: connections waiting for a head
  int wake = -1;  // eventfd: new work for the poller, or stop

  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  std::vector<std::unique_ptr<Conn>> incoming;  // for the poller
  std::deque<std::unique_ptr<Conn>> ready;      // heads complete, for the workers
  std::map<std::string, std::size_t> open_per_key, busy_per_key;
  std::size_t open = 0;

  std::map<int, std::unique_ptr<Conn>> waiting;  // the poller's own
  std::thread poller;
  std::vector<std::thread> workers;

  Engine(FrontServer* s, FrontOptions options, SSL_CTX* ctx)
      : server(s), o(std::move(options)), tls(ctx) {}

  void Start() {
    ep = epoll_create1(EPOLL_CLOEXEC);
    wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = wake;
    epoll_ctl(ep, EPOLL_CTL_ADD, wake, &ev);
    poller = std::thread([this] { PollLoop(); });
    for (std::size_t i = 0; i < std::max<std::size_t>(1, o.workers); ++i)
      workers.emplace_back([this] { WorkLoop(); });
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (stopping) return;
      stopping = true;
    }
    cv.notify_all();
    Wake();
    if (poller.joinable()) poller.join();
    for (auto& t : workers) t.join();
    workers.clear();
    std::lock_guard<std::mutex> lock(mu);
    auto drop = [](Conn& c) {
      if (c.ssl) SSL_free(c.ssl);
      close(c.fd);
    };
    for (auto& c : incoming) drop(*c);
    for (auto& c : ready) drop(*c);
    incoming.clear();
    ready.clear();
    if (ep >= 0) close(ep);
    if (wake >= 0) close(wake);
    ep = wake = -1;
  }

  void Wake() {
    uint64_t one = 1;
    if (wake >= 0) (void)::write(wake, &one, sizeof one);
  }

  // A new connection from httplib's accept loop: counted and handed to the poller, or refused
  // at once when over a cap.
  void Accept(int fd) {
    auto c = std::make_unique<Conn>();
    c->fd = fd;
    PeerOf(fd, false, &c->ip, &c->port);
    PeerOf(fd, true, &c->local_ip, &c->local_port);
    auto key_of = [&](const std::string& ip) { return o.address_key ? o.address_key(ip) : ip; };
    c->key = key_of(c->ip);
    if (!o.exempt_address.empty() && c->key == key_of(o.exempt_address)) c->key.clear();
    {
      std::unique_lock<std::mutex> lock(mu);
      auto count = [&](const std::string& k) {
        auto it = open_per_key.find(k);
        return it == open_per_key.end() ? std::size_t{0} : it->second;
      };
      bool all_full = open >= o.max_connections;
      bool mine_full = !c->key.empty() && count(c->key) >= o.max_connections_per_address;
      if (stopping || all_full || mine_full) {
        bool quiet = stopping;
        lock.unlock();
        if (!quiet) {
          Args args{{"retry_s", "5"}};
          if (!all_full) args.emplace_back("limit", std::to_string(o.max_connections_per_address));
          Error e = MakeError(ErrorCode::kTooLarge,
                              all_full ? "relay.busy.server" : "relay.busy.connections", args);
          if (all_full)
            SendCanned(fd, 503, "Service Unavailable", e, 5);
          else
            SendCanned(fd, 429, "Too Many Requests", e, 5);
          shutdown(fd, SHUT_WR);
        }
        close(fd);
        return;
      }
      ++open;
      if (!c->key.empty()) ++open_per_key[c->key];
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // head and body go out apart
    if (tls) {  // the handshake is the poller's, within the head deadline
      c->ssl = SSL_new(tls);
      if (!c->ssl || SSL_set_fd(c->ssl, fd) != 1) return Close(std::move(c));
      SSL_set_accept_state(c->ssl);
      c->handshaken = false;
    }
    c->wait_start = NowMs();
    ToPoller(std::move(c));
  }

  void ToPoller(std::unique_ptr<Conn> c) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!stopping) {
        incoming.push_back(std::move(c));
        c = nullptr;
      }
    }
    if (c) Close(std::move(c));
    Wake();
  }

  void Close(std::unique_ptr<Conn> c) {
    if (c->ssl) SSL_free(c->ssl);
    close(c->fd);
    std::lock_guard<std::mutex> lock(mu);
    --open;
    if (!c->key.empty()) {
      auto it = open_per_key.find(c->key);
      if (it != open_per_key.end() && --it->second == 0) open_per_key.erase(it);
    }
  }

  // [SECTION] The poller
  void PollLoop() {
    std::vector<epoll_event> events(256);
    int64_t next_sweep = NowMs() + 100;
    for (;;) {
      std::vector<std::unique_ptr<Conn>> fresh;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (stopping) break;
        fresh.swap(incoming);
      }
      for (auto& c : fresh) Watch(std::move(c));
      int timeout = static_cast<int>(std::clamp<int64_t>(next_sweep - NowMs(), 0, 100));
      int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), timeout);
      for (int i = 0; i < n; ++i) {
        int fd = events[i].data.fd;
        if (fd == wake) {
          uint64_t v;
          (void)::read(wake, &v, sizeof v);
          continue;
        }
        auto it = waiting.find(fd);
        if (it != waiting.end()) OnReadable(it);
      }
      int64_t now = NowMs();
      if (now >= next_sweep) {
        Sweep(now);
        next_sweep = now + 100;
      }
    }
    for (auto& [fd, c] : waiting) {
      (void)fd;
      Close(std::move(c));
    }
    waiting.clear();
  }

  // A connection back from a worker or new: served at once when its buffer already holds a
  // whole head (pipelined), watched otherwise.
  void Watch(std::unique_ptr<Conn> c) {
    if (c->Buffered() > 0 && c->HeadEnd() != std::string::npos) return Dispatch(std::move(c));
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.fd = c->fd;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) != 0) return Close(std::move(c));
    int fd = c->fd;
    bool pending = c->Pending();
    auto it = waiting.emplace(fd, std::move(c)).first;
    if (pending) OnReadable(it);  // decrypted bytes the socket will not announce
  }

  // TLS: waits for readability only, or also for the socket to take bytes.
  void WantWrite(Conn& c, bool write) {
    if (c.want_write == write) return;
    c.want_write = write;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP | (write ? EPOLLOUT : 0u);
    ev.data.fd = c.fd;
    epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
  }

  void Unwatch(std::map<int, std::unique_ptr<Conn>>::iterator it, bool dispatch) {
    std::unique_ptr<Conn> c = std::move(it->second);
    waiting.erase(it);
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, nullptr);
    if (dispatch)
      Dispatch(std::move(c));
    else
      Close(std::move(c));
  }

  void OnReadable(std::map<int, std::unique_ptr<Conn>>::iterator it) {
    Conn& c = *it->second;
    if (!c.handshaken && c.linger_until == 0) {
      int r = SSL_do_handshake(c.ssl);
      if (r != 1) {
        int e = SSL_get_error(c.ssl, r);
        ERR_clear_error();
        if (e == SSL_ERROR_WANT_READ) return WantWrite(c, false);
        if (e == SSL_ERROR_WANT_WRITE) return WantWrite(c, true);
        return Unwatch(it, false);  // not TLS, or a handshake that failed
      }
      c.handshaken = true;
      WantWrite(c, false);
    }
    char tmp[kReadChunk];
    // At most 1 MiB per wake-up: a client sending fast (into a refused connection's drain)
    // must not keep the poller from the others; epoll reports the rest next time.
    for (int reads = 0; reads < 64; ++reads) {
      // A refused connection's input is dropped; others read up to the head's cap.
      if (c.linger_until == 0 && c.Buffered() > o.max_head_bytes) break;
      bool write = false;
      // A refused connection is drained raw (its TLS session is over).
      ssize_t n = c.linger_until ? recv(c.fd, tmp, sizeof tmp, 0) : c.Read(tmp, sizeof tmp, &write);
      if (c.linger_until && n < 0) n = errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? -1 : -2;
      if (n == 0 || n == -2) return Unwatch(it, false);
      if (n == -1) {
        if (!c.linger_until) WantWrite(c, write);
        break;
      }
      if (c.linger_until) continue;
      c.got_byte = true;
      c.buf.append(tmp, static_cast<std::size_t>(n));
    }
    if (c.linger_until) return;
    if (c.HeadEnd() != std::string::npos) return Unwatch(it, true);
    if (c.Buffered() > o.max_head_bytes) {
      Refuse(c, 431, "Request Header Fields Too Large",
             MakeError(ErrorCode::kTooLarge, "relay.head_too_large",
                       {{"limit", std::to_string(o.max_head_bytes >> 10) + " KiB"}}));
    }
  }

  // Answers, half-closes, and drops the connection's input for a while (so the answer is not
  // lost to a reset), then closes it.
  void Refuse(Conn& c, int status, const char* reason, const Error& e) {
    if (!c.ssl) {
      SendCanned(c.fd, status, reason, e, 0);
    } else if (c.handshaken) {  // best effort, without waiting
      std::string out = Canned(status, reason, e, 0);
      bool read = false;
      (void)c.Write(out.data(), out.size(), &read);
      (void)SSL_shutdown(c.ssl);
      ERR_clear_error();
    }
    WantWrite(c, false);
    shutdown(c.fd, SHUT_WR);
    c.linger_until = NowMs() + kLingerMs;
    c.buf.clear();
    c.buf.shrink_to_fit();
    c.pos = c.scanned = 0;
  }

  // Deadlines: an idle keep-alive connection closes after idle_ms; a head not complete within
  // head_ms is answered 408; a refused connection closes when its lingering ends.
  void Sweep(int64_t now) {
    for (auto it = waiting.begin(); it != waiting.end();) {
      auto next = std::next(it);
      Conn& c = *it->second;
      if (c.linger_until) {
        if (now >= c.linger_until) Unwatch(it, false);
      } else if (!c.got_byte && now - c.wait_start >= o.idle_ms) {
        Unwatch(it, false);
      } else if (now - c.wait_start >= o.head_ms) {
        Refuse(c, 408, "Request Timeout",
               MakeError(ErrorCode::kExpired, "relay.head_timeout",
                         {{"seconds", std::to_string(o.head_ms / 1000)}}));
      }
      it = next;
    }
  }

  // [SECTION] The workers
  void Dispatch(std::unique_ptr<Conn> c) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!stopping) {
        ready.push_back(std::move(c));
        c = nullptr;
      }
    }
    if (c) return Close(std::move(c));
    cv.notify_one();
  }

  // The first ready connection whose address holds fewer than its share of the workers.
  std::deque<std::unique_ptr<Conn>>::iterator Pickable() {
    for (auto it = ready.begin(); it != ready.end(); ++it) {
      const std::string& k = (*it)->key;
      if (k.empty()) return it;
      auto b = busy_per_key.find(k);
      if (b == busy_per_key.end() || b->second < o.max_busy_per_address) return it;
    }
    return ready.end();
  }

  void WorkLoop() {
    for (;;) {
      std::unique_ptr<Conn> c;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return stopping || Pickable() != ready.end(); });
        if (stopping) return;
        auto it = Pickable();
        c = std::move(*it);
        ready.erase(it);
        if (!c->key.empty()) ++busy_per_key[c->key];
      }
      bool keep = Serve(*c);
      bool was_full = false;  // some ready connection of this address may have waited for us
      {
        std::lock_guard<std::mutex> lock(mu);
        if (!c->key.empty()) {
          auto b = busy_per_key.find(c->key);
          if (b != busy_per_key.end()) {
            was_full = b->second >= o.max_busy_per_address;
            if (--b->second == 0) busy_per_key.erase(b);
          }
        }
      }
      // Waking every idle worker after each request would cost dozens of context switches per
      // request; only a full address's queued connections need another look.
      if (was_full) cv.notify_all();
      if (!keep) {
        Close(std::move(c));
        continue;
      }
      c->Compact();
      c->wait_start = NowMs();
      c->got_byte = c->Buffered() > 0;
      ToPoller(std::move(c));
    }
  }

  bool Serve(Conn& c) {
    ConnStream strm(c, o);
    bool last = ++c.requests >= o.max_requests_per_connection;
    bool closed = false;
    bool ok = server->ServeOne(strm, last, &closed);
    return ok && !closed && !last && !strm.failed();
  }
};

// httplib's accept loop hands each connection to its task queue; this one runs the task at
// once (it only registers the connection) and stops the engine when httplib shuts it down.
class InlineQueue : public httplib::TaskQueue {
 public:
  explicit InlineQueue(std::shared_ptr<FrontServer::Engine> e) : engine_(std::move(e)) {
    engine_->Start();
  }
  void enqueue(std::function<void()> fn) override { fn(); }
  void shutdown() override { engine_->Stop(); }

 private:
  std::shared_ptr<FrontServer::Engine> engine_;
};

FrontServer::FrontServer(FrontOptions options) : options_(std::move(options)) {
  // httplib announces these in its Keep-Alive header.
  keep_alive_max_count_ = options_.max_requests_per_connection;
  keep_alive_timeout_sec_ = std::max(1, options_.idle_ms / 1000);
  new_task_queue = [this] {
    engine_ = std::make_shared<Engine>(this, options_, tls_);
    return new InlineQueue(engine_);
  };
}

FrontServer::~FrontServer() {
  stop();
  if (engine_) engine_->Stop();
  if (tls_) SSL_CTX_free(tls_);
}

bool FrontServer::LoadTls(const std::string& cert, const std::string& key) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) return false;
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  // Writes resume where they stopped, from wherever the caller's buffer now is.
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    ERR_clear_error();
    SSL_CTX_free(ctx);
    return false;
  }
  if (tls_) SSL_CTX_free(tls_);
  tls_ = ctx;
  return true;
}

std::size_t FrontServer::open_connections() const {
  if (!engine_) return 0;
  std::lock_guard<std::mutex> lock(engine_->mu);
  return engine_->open;
}

void FrontServer::WidenBacklog(int n) {
  if (svr_sock_ != INVALID_SOCKET) (void)::listen(svr_sock_, n);
}

bool FrontServer::process_and_close_socket(socket_t sock) {
  if (!engine_) {
    close(sock);
    return false;
  }
  engine_->Accept(sock);
  return true;
}

bool FrontServer::ServeOne(httplib::Stream& strm, bool last, bool* closed) {
  return process_request(strm, last, *closed, nullptr);
}

}  // namespace dosti::relay
