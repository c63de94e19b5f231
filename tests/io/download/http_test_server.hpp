// A small HTTP/1.1 server for the download tests, listening on 127.0.0.1 on an ephemeral port inside
// the test process: each connection gets one response and is closed. Routes can misbehave on purpose
// (an error status, a transfer cut short, a slow trickle) for their first N requests and then answer
// normally, so retries can be observed. Every request is counted by path.
#pragma once

#include <atomic>
#include <chrono>
#include <climits>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace ttnn::test {

struct HttpRoute {
  std::string body{};                     // the file served (200, Content-Length = body.size())
  // Misbehaviour for the first `faults` requests; later ones get the plain 200 response.
  int faults = INT_MAX;
  int status = 200;                       // != 200: answer this status with a short text body
  std::optional<size_t> cut_after{};      // declare the full length, send this many bytes, close
  std::chrono::milliseconds trickle{0};   // > 0: send the body one byte per interval
};

class HttpTestServer {
 public:
  HttpTestServer();  // listening when constructed
  ~HttpTestServer();
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  // Adds or replaces the route for an exact path (e.g. "/models/file.pth"). Unknown paths answer 404.
  void route(const std::string& path, HttpRoute route);
  uint16_t port() const { return port_; }
  std::string url(const std::string& path) const;
  // Requests received for a path so far (routed or not).
  int requests(const std::string& path) const;
  int total_requests() const;
  // Stops accepting, ends open connections and joins every thread; afterwards connecting is refused.
  void stop();

 private:
  void accept_loop();
  void handle(int fd);

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  mutable std::mutex mutex_;
  std::map<std::string, HttpRoute> routes_;
  std::map<std::string, int> counts_;
  std::vector<std::thread> connections_;
};

// A 127.0.0.1 TCP port that is bound but not listening, so a connection to it is refused (and no other
// process can take the port while this object lives).
class ClosedPort {
 public:
  ClosedPort();
  ~ClosedPort();
  ClosedPort(const ClosedPort&) = delete;
  ClosedPort& operator=(const ClosedPort&) = delete;
  uint16_t port() const { return port_; }
  std::string url(const std::string& path) const;

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

}  // namespace ttnn::test
