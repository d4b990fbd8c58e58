// A real relay (sync/relay) on 127.0.0.1 in this process, on an ephemeral port, its store in a
// temporary folder: for the tests that sync through one (round_test, the desktop's sync
// screen). Native only.
#pragma once

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <system_error>
#include <thread>

#include "relay.h"
#include "server.h"

namespace dosti::sync::testing {

struct LocalRelay {
  std::string dir;
  std::unique_ptr<relay::Relay> relay;
  std::unique_ptr<relay::Server> server;
  std::thread thread;
  std::future<void> served;  // ready when Run() has returned
  std::string url;

  LocalRelay() {
    char tmpl[] = "/tmp/dosti-local-relay-XXXXXX";
    REQUIRE(mkdtemp(tmpl));
    dir = tmpl;
    auto r = relay::Relay::Open(dir);
    REQUIRE(r);
    relay = std::move(*r);
    auto s = relay::Server::Create(relay.get(), {});
    REQUIRE(s);
    server = std::move(*s);
    auto port = server->Bind();
    REQUIRE(port);
    url = "http://127.0.0.1:" + std::to_string(*port);
    std::promise<void> ended;
    served = ended.get_future();
    thread = std::thread([this, ended = std::move(ended)]() mutable {
      server->Run();
      ended.set_value();
    });
  }
  ~LocalRelay() {
    // cpp-httplib's stop() is lost when it comes before listen has begun (a relay destroyed
    // right after it was made): ask again until Run() has returned.
    do {
      server->Stop();
    } while (served.wait_for(std::chrono::milliseconds(5)) != std::future_status::ready);
    thread.join();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  LocalRelay(const LocalRelay&) = delete;
  LocalRelay& operator=(const LocalRelay&) = delete;
};

}  // namespace dosti::sync::testing
