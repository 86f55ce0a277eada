#include "controller/core/instance_list_builder.h"

#include "controller/core/instance_view.h"

namespace gureum::controller {

void InstanceListBuilder::Fill(InstanceRepository& instances, const InstanceQuery& query) {
  out_->Reserve(keep_);
  by_id_.reserve(static_cast<size_t>(keep_));
  instances.ForEachListed(
      query,
      [&](const ListedInstanceView& row) {
        if (out_->size() >= keep_) {
          more_ = true;
          return;
        }
        v1::Instance* instance = out_->Add();
        ToApiInstance(row, instance);
        last_seq_ = row.seq;
        by_id_.emplace(instance->instance_id(), instance);
      },
      [&](std::string_view instance_id, std::string_view key, std::string_view value) {
        auto it = by_id_.find(instance_id);
        if (it == by_id_.end()) return;  // the row beyond `keep`
        v1::Tag* tag = it->second->add_tags();
        tag->set_key(key.data(), key.size());
        tag->set_value(value.data(), value.size());
      });
}

}  // namespace gureum::controller
