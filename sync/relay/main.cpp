// dosti-relay: the blind relay (sync/relay/README.md). Parses the command line, opens the
// store, serves until SIGINT/SIGTERM. Exit codes: 0 stopped cleanly, 1 failed, 2 usage.
#include <arpa/inet.h>
#include <malloc.h>
#include <signal.h>
#include <sys/stat.h>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>

#include "relay.h"
#include "server.h"

namespace {

constexpr const char* kUsage =
    "usage: dosti-relay --listen HOST:PORT --data DIR [--web DIR]\n"
    "                   [--tls-cert FILE --tls-key FILE] [--registration-token TOKEN]\n"
    "                   [--quota-bytes N] [--rate N] [--trust-proxy ADDR] [--quiet]\n"
    "  --listen HOST:PORT        address to serve (port 0: any free port, printed on stdout)\n"
    "  --data DIR                where relay.db lives (created if missing)\n"
    "  --web DIR                 serve DIR's files as the booth web app (index.html at /)\n"
    "  --tls-cert F --tls-key F  HTTPS with this PEM certificate and key\n"
    "  --registration-token T    who knows T may register workspaces (without it, only a\n"
    "                            relay on a loopback address accepts registrations); also\n"
    "                            read from DOSTI_RELAY_REGISTRATION_TOKEN\n"
    "  --quota-bytes N           stored bytes per uploading device (default 1 GiB)\n"
    "  --rate N                  requests per second per device (default 100; 0: no limit)\n"
    "  --trust-proxy ADDR        a reverse proxy at ADDR (an IP address) forwards requests:\n"
    "                            rate limits and registration use the caller's address\n"
    "                            from its X-Forwarded-For header\n"
    "  --quiet                   no per-request log lines on stderr\n";

int Usage(const std::string& why) {
  std::cerr << "dosti-relay: " << why << "\n" << kUsage;
  return 2;
}

bool ParseCount(const std::string& s, uint64_t* out) {
  if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string::npos)
    return false;
  *out = std::stoull(s);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  dosti::relay::ServerOptions server;
  dosti::relay::RelayOptions relay_options;
  std::string listen, data;
  bool quiet = false;
  if (const char* t = std::getenv("DOSTI_RELAY_REGISTRATION_TOKEN")) server.registration_token = t;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (a == "--quiet") {
      quiet = true;
      continue;
    }
    if (i + 1 >= argc) return Usage(a + " needs a value");
    std::string v = argv[++i];
    uint64_t n = 0;
    if (a == "--listen") {
      listen = v;
    } else if (a == "--data") {
      data = v;
    } else if (a == "--web") {
      server.web_dir = v;
    } else if (a == "--tls-cert") {
      server.tls_cert = v;
    } else if (a == "--tls-key") {
      server.tls_key = v;
    } else if (a == "--registration-token") {
      server.registration_token = v;
    } else if (a == "--quota-bytes") {
      if (!ParseCount(v, &n) || n == 0) return Usage("--quota-bytes needs a positive number");
      relay_options.device_quota_bytes = n;
    } else if (a == "--rate") {
      if (!ParseCount(v, &n)) return Usage("--rate needs a number (0: no limit)");
      server.rate_per_s = static_cast<double>(n);
      server.rate_burst = static_cast<double>(n) * 4;
    } else if (a == "--trust-proxy") {
      in6_addr ignored{};
      if (inet_pton(AF_INET, v.c_str(), &ignored) != 1 && inet_pton(AF_INET6, v.c_str(), &ignored) != 1)
        return Usage("--trust-proxy needs an IP address, e.g. 127.0.0.1");
      server.trusted_proxy = v;
    } else {
      return Usage("unknown option " + a);
    }
  }
  if (listen.empty()) return Usage("--listen HOST:PORT is required");
  if (data.empty()) return Usage("--data DIR is required");
  auto colon = listen.rfind(':');
  uint64_t port = 0;
  if (colon == std::string::npos || !ParseCount(listen.substr(colon + 1), &port) || port > 65535)
    return Usage("--listen wants HOST:PORT, e.g. 127.0.0.1:8080");
  server.host = listen.substr(0, colon);
  if (server.host.size() > 2 && server.host.front() == '[' && server.host.back() == ']')
    server.host = server.host.substr(1, server.host.size() - 2);
  server.port = static_cast<int>(port);
  if (!quiet) server.log = &std::cerr;

  // Request bodies (up to 32 MiB) and pages of envelopes are large and short-lived, and served
  // by up to 32 threads. glibc's default raises its mmap threshold after the first large free,
  // and from then on every thread's arena keeps its freed megabytes: a flood of large requests
  // leaves the process tens of megabytes bigger for good. A fixed threshold makes every block
  // of 1 MiB or more its own mapping, returned to the kernel when freed, so the relay's memory
  // follows what it holds now.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);

  if (mkdir(data.c_str(), 0700) != 0 && errno != EEXIST) {
    std::cerr << "dosti-relay: cannot create the data directory " << data << ": "
              << std::strerror(errno) << "\n";
    return 1;
  }
  // SIGINT/SIGTERM go to one thread that stops the server; the pool threads never see them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto relay = dosti::relay::Relay::Open(data, relay_options);
  if (!relay) {
    std::cerr << "dosti-relay: " << relay.error().message << "\n";
    return 1;
  }
  auto srv = dosti::relay::Server::Create(relay->get(), server);
  if (!srv) {
    std::cerr << "dosti-relay: " << srv.error().message << "\n";
    return 1;
  }
  auto bound = (*srv)->Bind();
  if (!bound) {
    std::cerr << "dosti-relay: " << bound.error().message << "\n";
    return 1;
  }
  bool tls = !server.tls_cert.empty();
  std::string shown_host = server.host.find(':') != std::string::npos ? "[" + server.host + "]"
                                                                       : server.host;
  std::cout << "dosti-relay: listening on " << (tls ? "https" : "http") << "://" << shown_host
            << ":" << *bound << " (data " << data << ")" << std::endl;
  if (!dosti::relay::IsLoopback(server.host) && !tls)
    std::cerr << "dosti-relay: warning: plain HTTP on a non-loopback address; use --tls-cert "
                 "and --tls-key when the relay is exposed\n";

  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    (*srv)->Stop();
  });
  bool ok = (*srv)->Run();
  // Run() returned: wake the waiter if it is still waiting (Stop() from elsewhere).
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  std::cerr << "dosti-relay: stopped\n";
  return ok ? 0 : 1;
}
