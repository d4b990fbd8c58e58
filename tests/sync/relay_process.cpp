// The dosti-relay executable as a child process (relay_process.h).
#include "sync/relay_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>

namespace dosti::sync::testing {

SpawnedRelay SpawnRelay(const std::string& bin, const std::string& data_dir,
                        const std::vector<std::string>& extra) {
  SpawnedRelay out;
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return out;
  std::vector<std::string> args = {bin, "--listen", "127.0.0.1:0", "--data", data_dir, "--quiet"};
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  out.pid = fork();
  if (out.pid == 0) {
    dup2(pipe_fds[1], 1);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  char ch;
  while (out.pid > 0 && read(pipe_fds[0], &ch, 1) == 1 && ch != '\n') out.first_line += ch;
  close(pipe_fds[0]);
  // "dosti-relay: listening on http://127.0.0.1:PORT (...)"
  constexpr std::string_view kHost = "127.0.0.1:";
  auto at = out.first_line.find(kHost);
  if (at != std::string::npos) out.port = std::atoi(out.first_line.c_str() + at + kHost.size());
  return out;
}

void StopRelay(pid_t pid) {
  if (pid <= 0) return;
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
}

long ProcStatusKiB(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

double ProcCpuMs(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto paren = all.rfind(')');
  if (paren == std::string::npos || paren + 2 > all.size()) return 0;
  std::istringstream rest(all.substr(paren + 2));  // after "pid (name) "
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stol(field);
    if (i == 15) stime = std::stol(field);
  }
  return (utime + stime) * 1000.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace dosti::sync::testing
