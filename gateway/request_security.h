// Request security of the gateway: what a REST request's credentials become on
// the gRPC call, and the headers and checks every HTTP exchange gets.
//
// Credentials come only from headers, never from cookies or the URL:
//   X-Gureum-Api-Key: ID:SECRET  or  Authorization: Bearer ID:SECRET
//                                     -> metadata x-gureum-api-key
//   X-Gureum-Project: P               -> x-gureum-project
//   X-Gureum-All-Projects: true or ?all_projects=true
//                                     -> x-gureum-all-projects: true
//   the TCP peer (req.remote_addr)    -> x-gureum-forwarded-for
// A client's own X-Gureum-Forwarded-For is never passed on. The key is never
// logged. Pure functions: thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <absl/status/statusor.h>
#include <grpcpp/grpcpp.h>
#include <httplib.h>

namespace gureum::gateway {

using CallMetadata = std::vector<std::pair<std::string, std::string>>;

// The gRPC metadata a request's headers stand for. A header value gRPC cannot
// carry (control or non-ASCII characters) is refused: a bad key as
// UNAUTHENTICATED (AuthFailure), anything else as InvalidParameterValue.
absl::StatusOr<CallMetadata> CallMetadataOf(const httplib::Request& req);

void AddCallMetadata(const CallMetadata& metadata, grpc::ClientContext* context);

// Content-Security-Policy of every answer: same-origin scripts, styles and
// fetches only, no inline script, no framing.
inline constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

// Adds the security headers to `res`: CSP, nosniff, DENY framing, no referrer,
// and Cache-Control: no-store on API answers (paths under /v1/).
void AddSecurityHeaders(const httplib::Request& req, httplib::Response& res);

// Whether a state-changing request's body may be processed: a non-empty body
// must be application/json (any parameters such as charset allowed). A
// cross-site HTML form can only send form or text bodies, so this and the
// header-only credentials keep forms from acting (CSRF).
bool IsAcceptableBody(const httplib::Request& req);

}  // namespace gureum::gateway
