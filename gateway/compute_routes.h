// ComputeRoutes: the REST resources of gureum.v1.Compute (instances, instance
// types, images, key pairs, hosts, availability zones, placement groups,
// quotas, events, identity and access, audit) as routes that translate HTTP into one gRPC call each
// and the reply back into proto JSON. Resource ids come from the path, options from the query,
// bodies are the request messages in proto JSON. The handlers share one gRPC stub; thread-safe once
// added to a RouteTable.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>

#include "gateway/route_table.h"
#include "gureum/v1/compute.grpc.pb.h"

namespace gureum::gateway {

struct ComputeRoutesOptions {
  std::chrono::milliseconds call_timeout{30000};   // deadline of each unary call
  std::chrono::milliseconds sse_heartbeat{15000};  // idle SSE comment interval
};

class ComputeRoutes {
 public:
  // `stopping` turns true when the gateway shuts down (ends SSE streams); it
  // must outlive this object.
  ComputeRoutes(std::shared_ptr<v1::Compute::StubInterface> stub, ComputeRoutesOptions options,
                const std::atomic<bool>* stopping);

  // Adds every route; this object must outlive the table's use.
  void AddTo(RouteTable& table);

 private:
  void AddInstanceRoutes(RouteTable& table);
  void AddInstanceTypeRoutes(RouteTable& table);
  void AddImageRoutes(RouteTable& table);
  void AddKeyPairRoutes(RouteTable& table);
  void AddHostRoutes(RouteTable& table);
  void AddPlacementGroupRoutes(RouteTable& table);
  void AddQuotaRoutes(RouteTable& table);
  void AddEventRoutes(RouteTable& table);
  void AddIdentityRoutes(RouteTable& table);
  void AddAccessKeyRoutes(RouteTable& table);
  void AddAuditRoutes(RouteTable& table);

  std::shared_ptr<v1::Compute::StubInterface> stub_;
  ComputeRoutesOptions options_;
  const std::atomic<bool>* stopping_;
};

}  // namespace gureum::gateway
