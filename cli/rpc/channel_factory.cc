#include "cli/rpc/channel_factory.h"

#include <grpcpp/grpcpp.h>

#include "common/tls/client_endpoint.h"

namespace gureum::cli {
namespace {

constexpr char kCaSource[] = "--ca-bundle (or GUREUM_CA_BUNDLE, or the profile's ca_bundle)";

}  // namespace

absl::Status CheckEndpoint(const std::string& endpoint, const std::string& ca_bundle) {
  return ClientEndpoint::Resolve(endpoint, ca_bundle, kCaSource).status();
}

std::unique_ptr<v1::Compute::StubInterface> ConnectToCompute(const std::string& endpoint,
                                                             const std::string& ca_bundle) {
  grpc::ChannelArguments args;
  // Lets the controller's logs tell CLI calls from the gateway's.
  args.SetUserAgentPrefix("gureum-cli/" GUREUM_VERSION);
  auto resolved = ClientEndpoint::Resolve(endpoint, ca_bundle, kCaSource);
  if (!resolved.ok()) {
    // Refused by CheckEndpoint already; never dial it in plaintext.
    return v1::Compute::NewStub(grpc::CreateCustomChannel(
        "unix:/nonexistent/refused-endpoint", grpc::InsecureChannelCredentials(), args));
  }
  auto channel = grpc::CreateCustomChannel(resolved->target(), resolved->Credentials(), args);
  return v1::Compute::NewStub(channel);
}

}  // namespace gureum::cli
