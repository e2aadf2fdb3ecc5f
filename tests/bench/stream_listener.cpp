// The listening half of the event-stream benchmark (stream.py runs it): connects N event
// streams to a running server and records when each `created` ticket event reached each one.
//
//   hd_stream_listener HOST PORT TOKEN N
//
// Prints "ready N" once every stream has said hello, then reads until its standard input closes
// and prints one line per delivery: "<ticket id> <arrival, ns since the epoch>". An arrival is
// the kernel's receive timestamp of the data read with it (SO_TIMESTAMPNS: the last segment of
// that read, so never early). Written in C++ with epoll so that the listener costs a microsecond
// or two a delivery: a Python listener took most of a CPU at a thousand streams and starved the
// server it was measuring on this two-core machine.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

struct Stream {
  int fd = -1;
  std::string pending;  ///< bytes of a frame not complete yet
  bool greeted = false;
};

[[noreturn]] void fail(const char* what) {
  std::perror(what);
  std::exit(2);
}

int connect_stream(const char* host, int port, const std::string& request) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) fail("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  if (inet_pton(AF_INET, host, &address.sin_addr) != 1) fail("inet_pton");
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) fail("connect");
  const int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
  if (write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size()))
    fail("write");
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

std::int64_t realtime_ns() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

/// The ticket id of a `created` ticket event frame, or 0 for any other frame.
std::int64_t created_ticket(std::string_view frame) {
  if (frame.find("event: ticket\n") == std::string_view::npos ||
      frame.find("\"type\":\"created\"") == std::string_view::npos)
    return 0;
  constexpr std::string_view key = "\"ticket_id\":";
  const auto at = frame.find(key);
  return at == std::string_view::npos ? 0 : std::atoll(frame.data() + at + key.size());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s HOST PORT TOKEN N\n", argv[0]);
    return 2;
  }
  const char* host = argv[1];
  const int port = std::atoi(argv[2]);
  const std::string request = std::string("GET /api/v1/events/stream HTTP/1.1\r\nHost: ") + host +
                              "\r\nAuthorization: Bearer " + argv[3] +
                              "\r\nAccept: text/event-stream\r\n\r\n";
  const int count = std::atoi(argv[4]);

  const int poller = epoll_create1(0);
  if (poller < 0) fail("epoll_create1");
  std::vector<Stream> streams(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    streams[static_cast<std::size_t>(i)].fd = connect_stream(host, port, request);
    epoll_event interest{EPOLLIN, {.u64 = static_cast<std::uint64_t>(i)}};
    epoll_ctl(poller, EPOLL_CTL_ADD, streams[static_cast<std::size_t>(i)].fd, &interest);
  }
  epoll_event stdin_interest{EPOLLIN, {.u64 = UINT64_MAX}};
  epoll_ctl(poller, EPOLL_CTL_ADD, STDIN_FILENO, &stdin_interest);

  std::vector<std::pair<std::int64_t, std::int64_t>> arrivals;  // ticket id, ns
  arrivals.reserve(1'000'000);
  int greeted = 0;
  std::vector<char> buffer(1 << 16);
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
  std::vector<epoll_event> ready(256);
  for (bool open = true; open;) {
    const int n = epoll_wait(poller, ready.data(), static_cast<int>(ready.size()), 1000);
    for (int r = 0; r < n; ++r) {
      if (ready[static_cast<std::size_t>(r)].data.u64 == UINT64_MAX) {
        open = read(STDIN_FILENO, buffer.data(), buffer.size()) > 0;  // EOF: the run is over
        continue;
      }
      Stream& s = streams[ready[static_cast<std::size_t>(r)].data.u64];
      for (;;) {
        iovec data{buffer.data(), buffer.size()};
        msghdr message{};
        message.msg_iov = &data;
        message.msg_iovlen = 1;
        message.msg_control = control;
        message.msg_controllen = sizeof control;
        const ssize_t got = recvmsg(s.fd, &message, 0);
        if (got <= 0) break;  // drained (EAGAIN), or the server closed the stream
        std::int64_t at = realtime_ns();
        for (cmsghdr* c = CMSG_FIRSTHDR(&message); c; c = CMSG_NXTHDR(&message, c)) {
          if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS) {
            timespec stamp{};
            __builtin_memcpy(&stamp, CMSG_DATA(c), sizeof stamp);
            at = std::int64_t{stamp.tv_sec} * 1'000'000'000 + stamp.tv_nsec;
          }
        }
        s.pending.append(buffer.data(), static_cast<std::size_t>(got));
        std::size_t start = 0;
        for (auto end = s.pending.find("\n\n"); end != std::string::npos;
             end = s.pending.find("\n\n", start)) {
          const std::string_view frame(s.pending.data() + start, end - start);
          if (!s.greeted && frame.find("event: hello") != std::string_view::npos) {
            s.greeted = true;
            if (++greeted == count) {
              std::printf("ready %d\n", count);
              std::fflush(stdout);
            }
          } else if (const auto ticket = created_ticket(frame)) {
            arrivals.emplace_back(ticket, at);
          }
          start = end + 2;
        }
        s.pending.erase(0, start);
      }
    }
  }
  for (const auto& [ticket, at] : arrivals)
    std::printf("%lld %lld\n", static_cast<long long>(ticket), static_cast<long long>(at));
  return 0;
}
