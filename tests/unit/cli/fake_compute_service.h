// An in-memory gureum.v1.Compute for the CLI's tests: instances move through scripted
// states (one step per DescribeInstances call), the other resources are kept in
// maps, every request (and its API key metadata) is recorded, and any operation can
// be made to fail once. It starts with two hosts (host-1 up in zone-a, host-2 down
// in zone-b) and unlimited quotas for project p-default.
// Errors travel as the real server's do (common/api_error.h). Thread-safe: gRPC
// calls it from its own threads.
#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <absl/status/status.h>

#include "common/id_generator.h"
#include "gureum/v1/compute.grpc.pb.h"

namespace gureum::cli::testing {

class FakeComputeService final : public v1::Compute::Service {
 public:
  FakeComputeService();

  // States a new instance shows on the DescribeInstances calls after its launch;
  // the last one sticks. Default {"pending", "running"}.
  void SetLaunchStates(std::vector<std::string> states);
  // The states `instance_id` shows on the next DescribeInstances calls, and the
  // state reason it reports from the first of them on.
  void ScriptStates(const std::string& instance_id, std::vector<std::string> states,
                    const std::string& reason_code = "", const std::string& reason_message = "");
  // The next call of `operation` ("RunInstances", ...) fails with `status`.
  void FailNext(const std::string& operation, const absl::Status& status);
  // The next call of `operation` fails with `status` as is, without an ErrorDetail,
  // as the gRPC runtime reports a dropped connection.
  void FailNextWithTransportStatus(const std::string& operation, const grpc::Status& status);
  void SetPageSize(int page_size);
  void SetConsoleOutput(std::string output);
  void AddEvent(v1::Event event);
  // Adds an instance as if launched earlier.
  void AddInstance(v1::Instance instance);

  v1::Instance GetInstance(const std::string& instance_id);
  int CallCount(const std::string& operation);
  // The x-gureum-api-key metadata of each call of `operation` ("" when absent).
  std::vector<std::string> ApiKeys(const std::string& operation);
  // The requests of `operation`, oldest first.
  template <typename Request>
  std::vector<Request> Requests(const std::string& operation) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<Request> requests;
    for (const auto& bytes : requests_[operation]) {
      Request request;
      request.ParseFromString(bytes);
      requests.push_back(std::move(request));
    }
    return requests;
  }

  grpc::Status RunInstances(grpc::ServerContext*, const v1::RunInstancesRequest* request,
                            v1::RunInstancesResponse* response) override;
  grpc::Status DescribeInstances(grpc::ServerContext*, const v1::DescribeInstancesRequest* request,
                                 v1::DescribeInstancesResponse* response) override;
  grpc::Status StartInstances(grpc::ServerContext*, const v1::StartInstancesRequest* request,
                              v1::InstanceStateChangeResponse* response) override;
  grpc::Status StopInstances(grpc::ServerContext*, const v1::StopInstancesRequest* request,
                             v1::InstanceStateChangeResponse* response) override;
  grpc::Status RebootInstances(grpc::ServerContext*, const v1::RebootInstancesRequest* request,
                               v1::RebootInstancesResponse* response) override;
  grpc::Status TerminateInstances(grpc::ServerContext*,
                                  const v1::TerminateInstancesRequest* request,
                                  v1::InstanceStateChangeResponse* response) override;
  grpc::Status GetConsoleOutput(grpc::ServerContext*, const v1::GetConsoleOutputRequest* request,
                                v1::GetConsoleOutputResponse* response) override;
  grpc::Status DescribeInstanceTypes(grpc::ServerContext*,
                                     const v1::DescribeInstanceTypesRequest* request,
                                     v1::DescribeInstanceTypesResponse* response) override;
  grpc::Status CreateInstanceType(grpc::ServerContext*,
                                  const v1::CreateInstanceTypeRequest* request,
                                  v1::InstanceTypeInfo* response) override;
  grpc::Status DeleteInstanceType(grpc::ServerContext*,
                                  const v1::DeleteInstanceTypeRequest* request,
                                  v1::DeleteInstanceTypeResponse* response) override;
  grpc::Status DescribeImages(grpc::ServerContext*, const v1::DescribeImagesRequest* request,
                              v1::DescribeImagesResponse* response) override;
  grpc::Status ImportImage(grpc::ServerContext*, const v1::ImportImageRequest* request,
                           v1::Image* response) override;
  grpc::Status DeregisterImage(grpc::ServerContext*, const v1::DeregisterImageRequest* request,
                               v1::DeregisterImageResponse* response) override;
  grpc::Status CreateKeyPair(grpc::ServerContext*, const v1::CreateKeyPairRequest* request,
                             v1::CreateKeyPairResponse* response) override;
  grpc::Status ImportKeyPair(grpc::ServerContext*, const v1::ImportKeyPairRequest* request,
                             v1::KeyPairInfo* response) override;
  grpc::Status DescribeKeyPairs(grpc::ServerContext*, const v1::DescribeKeyPairsRequest* request,
                                v1::DescribeKeyPairsResponse* response) override;
  grpc::Status DeleteKeyPair(grpc::ServerContext*, const v1::DeleteKeyPairRequest* request,
                             v1::DeleteKeyPairResponse* response) override;
  grpc::Status DescribeHosts(grpc::ServerContext*, const v1::DescribeHostsRequest* request,
                             v1::DescribeHostsResponse* response) override;
  grpc::Status DisableHost(grpc::ServerContext* context, const v1::DisableHostRequest* request,
                           v1::Host* response) override;
  grpc::Status EnableHost(grpc::ServerContext* context, const v1::EnableHostRequest* request,
                          v1::Host* response) override;
  grpc::Status DescribeAvailabilityZones(grpc::ServerContext* context,
                                         const v1::DescribeAvailabilityZonesRequest* request,
                                         v1::DescribeAvailabilityZonesResponse* response) override;
  grpc::Status CreatePlacementGroup(grpc::ServerContext* context,
                                    const v1::CreatePlacementGroupRequest* request,
                                    v1::PlacementGroup* response) override;
  grpc::Status DescribePlacementGroups(grpc::ServerContext* context,
                                       const v1::DescribePlacementGroupsRequest* request,
                                       v1::DescribePlacementGroupsResponse* response) override;
  grpc::Status DeletePlacementGroup(grpc::ServerContext* context,
                                    const v1::DeletePlacementGroupRequest* request,
                                    v1::DeletePlacementGroupResponse* response) override;
  grpc::Status DescribeQuotas(grpc::ServerContext* context,
                              const v1::DescribeQuotasRequest* request,
                              v1::DescribeQuotasResponse* response) override;
  grpc::Status SetQuota(grpc::ServerContext* context, const v1::SetQuotaRequest* request,
                        v1::Quota* response) override;
  grpc::Status WatchEvents(grpc::ServerContext*, const v1::WatchEventsRequest* request,
                           grpc::ServerWriter<v1::Event>* writer) override;

 private:
  struct InstanceRecord {
    v1::Instance instance;
    std::deque<std::string> upcoming_states;
    v1::StateReason upcoming_reason;
  };

  // Records the request; returns the injected failure for `operation`, if any.
  grpc::Status Begin(grpc::ServerContext* context, const std::string& operation,
                     const google::protobuf::Message& request);
  InstanceRecord* Find(const std::string& instance_id);
  v1::Host* FindHost(const std::string& id_or_name);
  grpc::Status ChangeStates(const google::protobuf::RepeatedPtrField<std::string>& ids,
                            const std::string& via_state, const std::string& final_state,
                            const std::string& desired_state,
                            v1::InstanceStateChangeResponse* response);

  std::mutex mutex_;
  IdGenerator ids_;
  std::vector<std::string> launch_states_;
  std::vector<InstanceRecord> instances_;
  std::map<std::string, grpc::Status> failures_;
  std::map<std::string, std::vector<std::string>> requests_;
  int page_size_ = 1000;
  std::string console_output_;
  std::vector<v1::Event> events_;
  std::map<std::string, v1::InstanceTypeInfo> instance_types_;
  std::vector<v1::Image> images_;
  std::vector<v1::KeyPairInfo> key_pairs_;
  std::vector<v1::Host> hosts_;
  std::vector<v1::PlacementGroup> placement_groups_;
  std::vector<v1::Quota> quotas_;
  std::map<std::string, std::vector<std::string>> api_keys_;
};

// EC2's numeric code of a state name.
int StateCode(const std::string& state);

}  // namespace gureum::cli::testing
