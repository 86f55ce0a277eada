// InstanceListBuilder: fills a list of v1::Instance from
// InstanceRepository::ForEachListed, each row straight into protobuf as it is
// read (no InstanceRecord in between), then each tag onto the instance it
// belongs to. Keeps at most `keep` rows: a query for one more than that tells
// whether another page follows. One list per builder; not thread-safe.
#pragma once

#include <string_view>
#include <unordered_map>

#include "controller/store/instance_repository.h"
#include "gureum/v1/compute.pb.h"

namespace gureum::controller {

class InstanceListBuilder {
 public:
  InstanceListBuilder(google::protobuf::RepeatedPtrField<v1::Instance>* out, int keep)
      : out_(out), keep_(keep) {}

  void Fill(InstanceRepository& instances, const InstanceQuery& query);

  // True if the query matched more rows than `keep`.
  bool more() const { return more_; }
  // The seq of the last row kept (0 if none): where the next page starts.
  int64_t last_seq() const { return last_seq_; }

 private:
  google::protobuf::RepeatedPtrField<v1::Instance>* out_;
  const int keep_;
  bool more_ = false;
  int64_t last_seq_ = 0;
  // Keyed by the instance id held in the message (stable while it lives).
  std::unordered_map<std::string_view, v1::Instance*> by_id_;
};

}  // namespace gureum::controller
