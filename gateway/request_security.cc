#include "gateway/request_security.h"

#include <algorithm>
#include <cctype>

#include "common/api_error.h"

namespace gureum::gateway {
namespace {

// gRPC metadata values are printable ASCII.
bool Printable(std::string_view value) {
  return std::all_of(value.begin(), value.end(),
                     [](unsigned char c) { return c >= 0x20 && c < 0x7f; });
}

std::string Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return "";
  size_t end = text.find_last_not_of(" \t");
  return std::string(text.substr(begin, end - begin + 1));
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

absl::StatusOr<CallMetadata> CallMetadataOf(const httplib::Request& req) {
  CallMetadata metadata;
  metadata.emplace_back("x-gureum-client", "gureum-gateway");

  std::string key = Trim(req.get_header_value("X-Gureum-Api-Key"));
  if (key.empty() && req.has_header("Authorization")) {
    std::string authorization = Trim(req.get_header_value("Authorization"));
    if (Lower(authorization.substr(0, 7)) == "bearer ") key = Trim(authorization.substr(7));
  }
  if (!key.empty()) {
    if (!Printable(key)) {
      return ApiError(absl::StatusCode::kUnauthenticated, errc::kAuthFailure, "",
                      "the API key has characters an access key never has");
    }
    metadata.emplace_back("x-gureum-api-key", key);
  }

  std::string project = Trim(req.get_header_value("X-Gureum-Project"));
  if (!project.empty()) {
    if (!Printable(project)) {
      return InvalidParameter("X-Gureum-Project", "X-Gureum-Project is not a project id");
    }
    metadata.emplace_back("x-gureum-project", project);
  }

  std::string all =
      Lower(Trim(req.has_param("all_projects") ? req.get_param_value("all_projects")
                                               : req.get_header_value("X-Gureum-All-Projects")));
  if (all == "true" || all == "1") {
    metadata.emplace_back("x-gureum-all-projects", "true");
  } else if (!all.empty() && all != "false" && all != "0") {
    return InvalidParameter("all_projects", "all_projects must be true or false");
  }

  // The client's address as the gateway saw it; a client-sent one is ignored.
  // No port: the controller limits failed authentications per source, and a
  // new connection must not make a new source.
  if (!req.remote_addr.empty() && Printable(req.remote_addr)) {
    metadata.emplace_back("x-gureum-forwarded-for", req.remote_addr);
  }
  return metadata;
}

void AddCallMetadata(const CallMetadata& metadata, grpc::ClientContext* context) {
  for (const auto& [name, value] : metadata) context->AddMetadata(name, value);
}

void AddSecurityHeaders(const httplib::Request& req, httplib::Response& res) {
  res.set_header("Content-Security-Policy", kContentSecurityPolicy);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");
  if (req.path.starts_with("/v1/")) {
    // Answers may hold secrets (access keys, private keys): never stored.
    res.headers.erase("Cache-Control");
    res.set_header("Cache-Control", "no-store");
  }
}

bool IsAcceptableBody(const httplib::Request& req) {
  if (req.method == "GET" || req.method == "HEAD" || req.method == "OPTIONS") return true;
  if (req.body.empty()) return true;
  std::string type = Lower(req.get_header_value("Content-Type"));
  type = Trim(type.substr(0, type.find(';')));
  return type == "application/json";
}

}  // namespace gureum::gateway
