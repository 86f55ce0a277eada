// CliRunner: runs the real `gureum` CLI against the bench's controller as a
// user would (--endpoint on loopback, the API key in GUREUM_API_KEY, a
// scratch HOME so no profile leaks in). Thread-safe: each Run is its own
// process.
#pragma once

#include <string>
#include <vector>

#include <absl/status/statusor.h>

namespace gureum::bench {

class CliRunner {
 public:
  CliRunner(std::string binary, std::string endpoint, std::string api_key, std::string home)
      : binary_(std::move(binary)),
        endpoint_(std::move(endpoint)),
        api_key_(std::move(api_key)),
        home_(std::move(home)) {}

  // Runs `gureum --endpoint E -o json args...` and returns its stdout; an
  // error names the exit code and stderr.
  absl::StatusOr<std::string> Run(const std::vector<std::string>& args) const;

 private:
  const std::string binary_;
  const std::string endpoint_;
  const std::string api_key_;
  const std::string home_;
};

}  // namespace gureum::bench
