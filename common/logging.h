// Process-wide logging setup (spdlog). Call once from main().
#pragma once

#include <string_view>

namespace gureum {

// level: trace|debug|info|warn|error. Logs go to stderr with the component name.
void InitLogging(std::string_view component, std::string_view level);

}  // namespace gureum
