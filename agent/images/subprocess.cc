#include "agent/images/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>

extern char** environ;

namespace gureum::agent {
namespace {

std::string ErrnoText(int err) { return std::string(std::strerror(err)); }

// Closes a descriptor once, ignoring -1.
void CloseFd(int& fd) {
  if (fd >= 0) {
    close(fd);
    fd = -1;
  }
}

// Owns the spawn attribute objects so every early return releases them.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

std::string StderrTail(const std::string& err) {
  constexpr size_t kTail = 2000;
  std::string tail = err.size() > kTail ? err.substr(err.size() - kTail) : err;
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.pop_back();
  return tail;
}

}  // namespace

absl::StatusOr<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                         const ProcessOptions& options) {
  if (argv.empty() || argv[0].empty()) {
    return absl::InvalidArgumentError("RunProcess: empty command");
  }
  int out_pipe[2] = {-1, -1};
  int err_pipe[2] = {-1, -1};
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", ErrnoText(errno)));
  }
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    int err = errno;
    CloseFd(out_pipe[0]);
    CloseFd(out_pipe[1]);
    return absl::InternalError(absl::StrCat("pipe: ", ErrnoText(err)));
  }

  SpawnSetup setup;
  posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&setup.actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&setup.actions, err_pipe[1], 2);
  // The agent may block or ignore signals in its threads (gRPC does); the
  // child must start with default dispositions and nothing blocked.
  sigset_t all_signals;
  sigset_t no_signals;
  sigfillset(&all_signals);
  sigemptyset(&no_signals);
  posix_spawnattr_setsigdefault(&setup.attr, &all_signals);
  posix_spawnattr_setsigmask(&setup.attr, &no_signals);
  posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);

  pid_t pid = -1;
  int spawn_err = posix_spawnp(&pid, args[0], &setup.actions, &setup.attr, args.data(), environ);
  CloseFd(out_pipe[1]);
  CloseFd(err_pipe[1]);
  if (spawn_err != 0) {
    CloseFd(out_pipe[0]);
    CloseFd(err_pipe[0]);
    return absl::FailedPreconditionError(
        absl::StrCat("cannot run ", argv[0], ": ", ErrnoText(spawn_err)));
  }

  ProcessResult result;
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  bool timed_out = false;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.stdout_data, &result.stderr_data};
  int open_streams = 2;
  char buffer[16384];
  while (open_streams > 0) {
    int wait_ms = -1;
    if (options.timeout.count() > 0 && !timed_out) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      wait_ms = static_cast<int>(std::max<int64_t>(0, left.count()));
    }
    int ready = poll(fds, 2, wait_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      kill(pid, SIGKILL);
      break;
    }
    if (ready == 0) {
      // Killing closes the child's ends of the pipes, so the loop then ends.
      timed_out = true;
      kill(pid, SIGKILL);
      continue;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = read(fds[i].fd, buffer, sizeof(buffer));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        CloseFd(i == 0 ? out_pipe[0] : err_pipe[0]);
        fds[i].fd = -1;
        --open_streams;
        continue;
      }
      size_t room = options.max_output_bytes - std::min(options.max_output_bytes, sinks[i]->size());
      sinks[i]->append(buffer, std::min(room, static_cast<size_t>(n)));
    }
  }
  CloseFd(out_pipe[0]);
  CloseFd(err_pipe[0]);

  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      return absl::InternalError(absl::StrCat("waitpid ", argv[0], ": ", ErrnoText(errno)));
    }
  }
  if (timed_out) {
    return absl::DeadlineExceededError(
        absl::StrCat(argv[0], " did not finish within ", options.timeout.count(), " ms"));
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.exit_code = 128 + WTERMSIG(status);
  }
  return result;
}

absl::StatusOr<std::string> RunProcessChecked(const std::vector<std::string>& argv,
                                              const ProcessOptions& options) {
  absl::StatusOr<ProcessResult> result = RunProcess(argv, options);
  if (!result.ok()) return result.status();
  if (result->exit_code != 0) {
    return absl::InternalError(absl::StrCat(absl::StrJoin(argv, " "), " exited with ",
                                            result->exit_code, ": ",
                                            StderrTail(result->stderr_data)));
  }
  return std::move(result->stdout_data);
}

}  // namespace gureum::agent
