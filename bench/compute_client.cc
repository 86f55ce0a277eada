#include "bench/compute_client.h"

namespace gureum::bench {

ComputeClient::ComputeClient(const std::string& address, std::string api_key, int channels)
    : api_key_(std::move(api_key)) {
  for (int c = 0; c < std::max(1, channels); ++c) {
    grpc::ChannelArguments args;
    args.SetInt("gureum.bench.channel", c);  // distinct args: a connection of its own
    args.SetMaxReceiveMessageSize(-1);
    stubs_.push_back(v1::Compute::NewStub(
        grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args)));
  }
}

std::unique_ptr<grpc::ClientContext> ComputeClient::Context(
    std::chrono::milliseconds timeout) const {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!api_key_.empty()) context->AddMetadata("x-gureum-api-key", api_key_);
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  return context;
}

grpc::Status ComputeClient::ImportImage(const std::string& name, const std::string& path,
                                        std::string* id) {
  v1::ImportImageRequest request;
  request.set_name(name);
  request.set_source_path(path);
  v1::Image image;
  grpc::Status status = Stub(0).ImportImage(Context().get(), request, &image);
  if (status.ok()) *id = image.image_id();
  return status;
}

grpc::Status ComputeClient::CountInState(const std::string& state, int limit, int* count) {
  v1::DescribeInstancesRequest request;
  v1::Filter* filter = request.add_filters();
  filter->set_name("instance-state-name");
  filter->add_values(state);
  request.set_max_results(limit);
  v1::DescribeInstancesResponse response;
  grpc::Status status = Stub(0).DescribeInstances(Context().get(), request, &response);
  if (status.ok()) *count = response.instances_size();
  return status;
}

}  // namespace gureum::bench
