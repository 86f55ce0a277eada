// Silences protobuf's log output (invalid UTF-8 in proto3 strings is logged at
// ERROR on every parse), which would otherwise drown libFuzzer's own output and
// slow each run down. Call once from LLVMFuzzerInitialize.
#pragma once

#include <google/protobuf/stubs/logging.h>

namespace gureum::fuzz {

inline void QuietProtobuf() {
  google::protobuf::SetLogHandler(
      [](google::protobuf::LogLevel, const char*, int, const std::string&) {});
}

}  // namespace gureum::fuzz
