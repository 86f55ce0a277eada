// Fuzzes the DescribeInstances next token, which clients hand back verbatim:
// InstanceQueries::DecodeNextToken must refuse (InvalidNextToken) anything it
// did not issue, and every token it issues must decode to what it encoded.
//
// Input: the token itself; its first 8 bytes also serve as a sequence number
// to encode and decode again.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "controller/core/instance_queries.h"
#include "tests/fuzz/fuzz_check.h"

using gureum::controller::InstanceQueries;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string token(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<int64_t> seq = InstanceQueries::DecodeNextToken(token);
  if (seq.ok()) {
    FUZZ_CHECK(*seq >= 0, "a decoded sequence number is never negative");
    absl::StatusOr<int64_t> again =
        InstanceQueries::DecodeNextToken(InstanceQueries::EncodeNextToken(*seq));
    FUZZ_CHECK(again.ok() && *again == *seq, "re-encoding an accepted token round-trips");
  } else {
    FUZZ_CHECK(seq.status().code() == absl::StatusCode::kInvalidArgument,
               "a bad token is InvalidArgument");
  }

  if (size >= sizeof(int64_t)) {
    int64_t n = 0;
    std::memcpy(&n, data, sizeof n);
    if (n >= 0) {
      absl::StatusOr<int64_t> decoded =
          InstanceQueries::DecodeNextToken(InstanceQueries::EncodeNextToken(n));
      FUZZ_CHECK(decoded.ok() && *decoded == n, "every issued token decodes to its sequence");
    }
  }
  return 0;
}
