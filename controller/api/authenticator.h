// Authenticator: turns a call's metadata into a RequestContext.
//   x-gureum-api-key: ACCESS_KEY_ID:SECRET   (or authorization: Bearer ID:SECRET)
//   x-gureum-project: PROJECT                (default: the user's default project)
//   x-gureum-all-projects: true              (admins: describe every project)
//   x-gureum-forwarded-for: ADDRESS          (set by the REST gateway)
// A missing, unknown, wrong, inactive or expired key is UNAUTHENTICATED
// (AuthFailure); a project the user has no role in is PERMISSION_DENIED.
// Failures are logged with the key id and source, never the secret, and
// rate-limited per source. Keys are looked up through an AccessKeyCache
// (invalidated by every committed identity change), so most calls do not
// read the store; the secret and expiry are checked on every call.
// Thread-safe.
#pragma once

#include <string>

#include <absl/status/statusor.h>
#include <grpcpp/grpcpp.h>

#include "common/clock.h"
#include "controller/api/access_key_cache.h"
#include "controller/api/auth_failure_limiter.h"
#include "controller/core/request_context.h"
#include "controller/store/store.h"

namespace gureum::controller {

struct Credentials {
  std::string api_key;  // ID:SECRET as sent
  std::string project;
  bool all_projects = false;
  std::string source;  // peer, plus the gateway's client when forwarded
  // What failures are counted by: the peer's address without its port, plus
  // the forwarded client.
  std::string limit_key;
};

Credentials CredentialsOf(const grpc::ServerContextBase& context);

class Authenticator {
 public:
  // How long a cached key is trusted without an identity change: a safety
  // net only (changes through the API invalidate it at once).
  static constexpr int64_t kCacheTtlMs = 5000;
  static constexpr size_t kCacheCapacity = 10000;

  Authenticator(Store& store, const Clock& clock)
      : store_(store),
        clock_(clock),
        limiter_(10, std::chrono::seconds(60)),
        cache_(kCacheTtlMs, kCacheCapacity) {}

  absl::StatusOr<RequestContext> Authenticate(const Credentials& credentials);

 private:
  absl::Status Fail(const Credentials& credentials, const std::string& key_id,
                    const std::string& reason, const std::string& message);

  Store& store_;
  const Clock& clock_;
  AuthFailureLimiter limiter_;
  AccessKeyCache cache_;
};

}  // namespace gureum::controller
