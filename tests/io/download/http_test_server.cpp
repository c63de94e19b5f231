#include "io/download/http_test_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace ttnn::test {
namespace {

constexpr int kPollMs = 20;

[[noreturn]] void fail(const char* what) { throw std::runtime_error(std::string("HttpTestServer: ") + what + ": " + std::strerror(errno)); }

// Binds a TCP socket to 127.0.0.1 on an ephemeral port; returns the descriptor and the port.
int bind_loopback(uint16_t& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fail("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    fail("bind");
  }
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    fail("getsockname");
  }
  port = ntohs(address.sin_port);
  return fd;
}

// Sends everything unless the peer goes away or the server stops; false on failure.
bool send_all(int fd, const char* data, size_t size, const std::atomic<bool>& stopping) {
  while (size > 0) {
    if (stopping) return false;
    pollfd poll_fd{fd, POLLOUT, 0};
    const int ready = ::poll(&poll_fd, 1, kPollMs);
    if (ready < 0 && errno != EINTR) return false;
    if (ready <= 0) continue;
    const ssize_t sent = ::send(fd, data, size, MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return false;
    }
    data += sent;
    size -= static_cast<size_t>(sent);
  }
  return true;
}

std::string reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 404: return "Not Found";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

std::string header(int status, size_t content_length) {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) +
         "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + std::to_string(content_length) +
         "\r\nConnection: close\r\n\r\n";
}

}  // namespace

HttpTestServer::HttpTestServer() {
  listen_fd_ = bind_loopback(port_);
  if (::listen(listen_fd_, 64) != 0) {
    ::close(listen_fd_);
    fail("listen");
  }
  acceptor_ = std::thread([this] { accept_loop(); });
}

HttpTestServer::~HttpTestServer() { stop(); }

void HttpTestServer::route(const std::string& path, HttpRoute route) {
  std::lock_guard lock(mutex_);
  routes_[path] = std::move(route);
}

std::string HttpTestServer::url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

int HttpTestServer::requests(const std::string& path) const {
  std::lock_guard lock(mutex_);
  const auto found = counts_.find(path);
  return found == counts_.end() ? 0 : found->second;
}

int HttpTestServer::total_requests() const {
  std::lock_guard lock(mutex_);
  int total = 0;
  for (const auto& [path, count] : counts_) total += count;
  return total;
}

void HttpTestServer::stop() {
  if (stopping_.exchange(true)) return;
  if (acceptor_.joinable()) acceptor_.join();
  std::vector<std::thread> connections;
  {
    std::lock_guard lock(mutex_);
    connections.swap(connections_);
  }
  for (std::thread& thread : connections) thread.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  listen_fd_ = -1;
}

void HttpTestServer::accept_loop() {
  while (!stopping_) {
    pollfd poll_fd{listen_fd_, POLLIN, 0};
    const int ready = ::poll(&poll_fd, 1, kPollMs);
    if (ready <= 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard lock(mutex_);
    connections_.emplace_back([this, fd] {
      handle(fd);
      ::shutdown(fd, SHUT_RDWR);
      ::close(fd);
    });
  }
}

void HttpTestServer::handle(int fd) {
  // Read the request head.
  std::string request;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (request.find("\r\n\r\n") == std::string::npos) {
    if (stopping_ || std::chrono::steady_clock::now() > deadline || request.size() > 65536) return;
    pollfd poll_fd{fd, POLLIN, 0};
    const int ready = ::poll(&poll_fd, 1, kPollMs);
    if (ready <= 0) continue;
    char buffer[4096];
    const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
    if (got <= 0) return;
    request.append(buffer, static_cast<size_t>(got));
  }
  // "GET /path HTTP/1.1"
  const size_t first_space = request.find(' ');
  const size_t second_space = request.find(' ', first_space + 1);
  if (first_space == std::string::npos || second_space == std::string::npos) return;
  const std::string path = request.substr(first_space + 1, second_space - first_space - 1);

  std::optional<HttpRoute> route;
  int count = 0;
  {
    std::lock_guard lock(mutex_);
    count = ++counts_[path];
    if (const auto found = routes_.find(path); found != routes_.end()) route = found->second;
  }
  if (!route) {
    const std::string body = "no such file: " + path + "\n";
    const std::string response = header(404, body.size()) + body;
    send_all(fd, response.data(), response.size(), stopping_);
    return;
  }
  const bool faulty = count <= route->faults;
  if (faulty && route->status != 200) {
    const std::string body = "simulated failure\n";
    const std::string response = header(route->status, body.size()) + body;
    send_all(fd, response.data(), response.size(), stopping_);
    return;
  }
  const std::string head = header(200, route->body.size());
  if (!send_all(fd, head.data(), head.size(), stopping_)) return;
  if (faulty && route->trickle.count() > 0) {
    for (char byte : route->body) {
      if (!send_all(fd, &byte, 1, stopping_)) return;
      const auto until = std::chrono::steady_clock::now() + route->trickle;
      while (!stopping_ && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      if (stopping_) return;
    }
    return;
  }
  const size_t length = faulty && route->cut_after ? std::min(*route->cut_after, route->body.size()) : route->body.size();
  send_all(fd, route->body.data(), length, stopping_);
}

ClosedPort::ClosedPort() { fd_ = bind_loopback(port_); }

ClosedPort::~ClosedPort() {
  if (fd_ >= 0) ::close(fd_);
}

std::string ClosedPort::url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

}  // namespace ttnn::test
