// ImageCachedWeigher: prefers hosts whose image cache already holds the
// instance's image (no download before the boot).
#pragma once

#include "controller/scheduler/host_weigher.h"

namespace gureum::controller {

class ImageCachedWeigher final : public HostWeigher {
 public:
  explicit ImageCachedWeigher(double multiplier = 1.0) : HostWeigher(multiplier) {}
  std::string_view Name() const override { return "ImageCachedWeigher"; }
  double Raw(const HostState& host, const PlacementRequest& /*request*/) const override {
    return host.image_cached ? 1.0 : 0.0;
  }
};

}  // namespace gureum::controller
