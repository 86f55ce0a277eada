#include "controller/api/authenticator.h"

#include <spdlog/spdlog.h>

#include "common/api_error.h"
#include "common/secret.h"

namespace gureum::controller {
namespace {

std::string Metadata(const grpc::ServerContextBase& context, const std::string& key) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(key);
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

absl::Status Unauthenticated(const std::string& message) {
  return ApiError(absl::StatusCode::kUnauthenticated, errc::kAuthFailure, "", message);
}

// The key id part only, for logs: at most 32 printable characters.
std::string SafeKeyId(const std::string& api_key) {
  std::string id = api_key.substr(0, api_key.find(':'));
  if (id.size() > 32) id.resize(32);
  for (char& c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '?';
  }
  return id;
}

}  // namespace

Credentials CredentialsOf(const grpc::ServerContextBase& context) {
  Credentials c;
  c.api_key = Metadata(context, "x-gureum-api-key");
  if (c.api_key.empty()) {
    std::string auth = Metadata(context, "authorization");
    if (auth.rfind("Bearer ", 0) == 0) c.api_key = auth.substr(7);
  }
  c.project = Metadata(context, "x-gureum-project");
  c.all_projects = Metadata(context, "x-gureum-all-projects") == "true";
  c.source = context.peer();  // ipv4:127.0.0.1:54321, ipv6:[::1]:54321, unix:...
  const size_t port = c.source.rfind(':');
  c.limit_key = c.source.rfind("ipv", 0) == 0 && port != std::string::npos
                    ? c.source.substr(0, port)
                    : c.source;
  if (std::string forwarded = Metadata(context, "x-gureum-forwarded-for"); !forwarded.empty()) {
    if (forwarded.size() > 64) forwarded.resize(64);
    c.source += " for " + forwarded;
    c.limit_key += " for " + forwarded;
  }
  return c;
}

absl::Status Authenticator::Fail(const Credentials& credentials, const std::string& key_id,
                                 const std::string& reason, const std::string& message) {
  const int failures = limiter_.RecordFailure(credentials.limit_key, clock_.NowMillis());
  if (failures <= 10) {
    spdlog::warn("authentication failed from {} (access key '{}'): {}", credentials.source, key_id,
                 reason);
  } else if (failures == 11) {
    spdlog::warn("authentication failures from {}: further attempts refused for 60 s",
                 credentials.source);
  }
  return Unauthenticated(message);
}

absl::StatusOr<RequestContext> Authenticator::Authenticate(const Credentials& credentials) {
  const int64_t now = clock_.NowMillis();
  if (int64_t wait = limiter_.BlockedFor(credentials.limit_key, now); wait > 0) {
    return Unauthenticated("Too many failed authentications from this source; retry in " +
                           std::to_string((wait + 999) / 1000) + " s");
  }
  const std::string& api_key = credentials.api_key;
  if (api_key.empty()) {
    return Fail(credentials, "", "no API key",
                "No API key: send x-gureum-api-key: ACCESS_KEY_ID:SECRET (REST: header "
                "X-Gureum-Api-Key); the CLI reads GUREUM_API_KEY or its profile's api_key");
  }
  const size_t colon = api_key.find(':');
  const std::string key_id = SafeKeyId(api_key);
  if (colon == std::string::npos || colon == 0 || colon + 1 == api_key.size()) {
    return Fail(credentials, key_id, "malformed API key",
                "The API key is malformed: expected ACCESS_KEY_ID:SECRET");
  }
  const std::string id = api_key.substr(0, colon);
  const std::string secret = api_key.substr(colon + 1);

  // The key and user come from the cache while no identity write has been
  // committed since they were read (access_key_cache.h); else from the store.
  const std::string& project = credentials.project;
  const uint64_t generation = store_.identity_generation();
  std::shared_ptr<const AccessKeyCache::Entry> found = cache_.Find(id, project, generation, now);
  if (found == nullptr) {
    auto loaded = store_.Read([&](Repositories& repos) -> absl::StatusOr<AccessKeyCache::Entry> {
      auto key = repos.access_keys.Get(id);
      if (!key) return absl::NotFoundError("unknown");
      auto user = repos.identity.GetUser(key->user_name);
      if (!user) return absl::NotFoundError("user gone");
      AccessKeyCache::Entry f{*key, *user, false};
      f.project_exists =
          repos.identity.GetProject(project.empty() ? user->default_project : project).has_value();
      return f;
    });
    if (!loaded.ok() && loaded.status().code() != absl::StatusCode::kNotFound) {
      return loaded.status();
    }
    if (loaded.ok()) {
      found = std::make_shared<const AccessKeyCache::Entry>(std::move(*loaded));
      cache_.Insert(id, project, generation, now, found);
    }
  }
  // Unknown ids and wrong secrets answer alike.
  if (found == nullptr ||
      !VerifySecret(secret, SecretDigest{found->key.salt, found->key.secret_hash})) {
    return Fail(credentials, key_id, found ? "wrong secret" : "unknown access key id",
                "The API key is not valid");
  }
  // From here the caller holds the secret: say exactly what is wrong.
  if (found->key.status != "active") {
    return Fail(credentials, key_id, "inactive key",
                "The access key " + id + " is inactive; activate it or use another key");
  }
  if (found->key.expires_at > 0 && found->key.expires_at <= now) {
    return Fail(credentials, key_id, "expired key",
                "The access key " + id + " has expired; create or rotate to a new key");
  }
  const UserRecord& user = found->user;
  RequestContext ctx;
  ctx.actor = user.user_name;
  ctx.access_key_id = id;
  ctx.source = credentials.source;
  ctx.project_id = credentials.project.empty() ? user.default_project : credentials.project;
  ctx.admin = false;
  ctx.role.clear();
  for (const RoleBindingRecord& b : user.roles) {
    if (b.role == "admin") ctx.admin = true;
    if (b.project_id == ctx.project_id) ctx.role = b.role;
  }
  if (ctx.admin) ctx.role = "admin";
  if (!found->project_exists) {
    return NotFoundError(errc::kInvalidProjectNotFound, "x-gureum-project",
                         "The project '" + ctx.project_id + "' does not exist");
  }
  if (ctx.role.empty()) {
    return ApiError(absl::StatusCode::kPermissionDenied, errc::kUnauthorizedOperation,
                    "x-gureum-project",
                    "User " + user.user_name + " has no role in project " + ctx.project_id);
  }
  if (credentials.all_projects) {
    if (!ctx.admin) {
      return ApiError(absl::StatusCode::kPermissionDenied, errc::kUnauthorizedOperation,
                      "x-gureum-all-projects",
                      "Only an admin may describe all projects (user " + user.user_name + " is " +
                          ctx.role + " in " + ctx.project_id + ")");
    }
    ctx.all_projects = true;
  }
  return ctx;
}

}  // namespace gureum::controller
