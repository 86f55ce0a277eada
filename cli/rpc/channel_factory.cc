#include "cli/rpc/channel_factory.h"

#include <grpcpp/grpcpp.h>

namespace gureum::cli {

std::unique_ptr<v1::Compute::StubInterface> ConnectToCompute(const std::string& endpoint) {
  grpc::ChannelArguments args;
  // Lets the controller's logs tell CLI calls from the gateway's.
  args.SetUserAgentPrefix("gureum-cli/" GUREUM_VERSION);
  auto channel = grpc::CreateCustomChannel(endpoint, grpc::InsecureChannelCredentials(), args);
  return v1::Compute::NewStub(channel);
}

}  // namespace gureum::cli
