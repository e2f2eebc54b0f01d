#include "sweep/sweep_runner.h"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>
#include <string>

namespace tokenfab {
namespace {

struct Child {
  pid_t pid = -1;
  int fd = -1;
  const SweepPoint* point = nullptr;
  std::string output;
};

Child start(const SweepPoint* p, const PointEvaluator& evaluate) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("cannot create a pipe for a sweep worker");
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("cannot fork a sweep worker");
  if (pid == 0) {
    ::close(fds[0]);
    const std::string line = evaluate(*p).dump();
    std::size_t sent = 0;
    while (sent < line.size()) {
      const ssize_t n = ::write(fds[1], line.data() + sent, line.size() - sent);
      if (n <= 0) _exit(3);
      sent += static_cast<std::size_t>(n);
    }
    _exit(0);
  }
  ::close(fds[1]);
  return {pid, fds[0], p, {}};
}

// Reads what a child sent until it closes its end; then reaps it.
nlohmann::ordered_json finish(Child& c, const LostPoint& lost) {
  ::close(c.fd);
  int status = 0;
  waitpid(c.pid, &status, 0);
  auto entry = nlohmann::ordered_json::parse(c.output, nullptr, false);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && !entry.is_discarded()) return entry;
  const std::string why = WIFSIGNALED(status) ? "its process ended with signal " + std::to_string(WTERMSIG(status))
                                              : "its process exited with status " + std::to_string(WEXITSTATUS(status));
  return lost(*c.point, why);
}

}  // namespace

void run_points(const std::vector<const SweepPoint*>& todo, const PointEvaluator& evaluate, const LostPoint& lost,
                SweepJournal& journal, const RunnerOptions& options) {
  std::size_t finished = 0;
  auto done = [&](const nlohmann::ordered_json& entry) {
    journal.append(entry);
    if (options.progress) options.progress(++finished, todo.size());
  };
  if (!options.fork) {
    for (const SweepPoint* p : todo) done(evaluate(*p));
    return;
  }
  std::vector<Child> running;
  std::size_t next = 0;
  while (next < todo.size() || !running.empty()) {
    while (next < todo.size() && std::ssize(running) < std::max(1, options.workers)) {
      running.push_back(start(todo[next++], evaluate));
    }
    std::vector<pollfd> fds;
    for (const Child& c : running) fds.push_back({c.fd, POLLIN, 0});
    if (poll(fds.data(), fds.size(), -1) < 0) continue;
    for (std::size_t i = running.size(); i-- > 0;) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[65536];
      const ssize_t n = ::read(running[i].fd, buf, sizeof buf);
      if (n > 0) {
        running[i].output.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      done(finish(running[i], lost));
      running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
}

}  // namespace tokenfab
