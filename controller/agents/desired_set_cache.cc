#include "controller/agents/desired_set_cache.h"

#include <unordered_map>
#include <utility>
#include <vector>

namespace gureum::controller {

void DesiredSetCache::Reset(agent::v1::DesiredSet set) {
  set_ = std::move(set);
  has_set_ = true;
}

void DesiredSetCache::Patch(const std::set<std::string>& changed_ids,
                            agent::v1::DesiredSet entries) {
  auto* fresh = entries.mutable_instances();
  std::unordered_map<std::string, int> fresh_index;
  for (int i = 0; i < fresh->size(); ++i) fresh_index.emplace(fresh->Get(i).instance_id(), i);
  std::vector<bool> placed(fresh->size(), false);

  // One pass: entries of changed instances are replaced or dropped, the rest
  // kept, in order.
  auto* current = set_.mutable_instances();
  int kept = 0;
  for (int i = 0; i < current->size(); ++i) {
    const std::string& id = current->Get(i).instance_id();
    if (changed_ids.count(id) != 0) {
      auto it = fresh_index.find(id);
      if (it == fresh_index.end()) continue;  // it left the set
      current->Mutable(i)->Swap(fresh->Mutable(it->second));
      placed[it->second] = true;
    }
    if (kept != i) current->SwapElements(kept, i);
    ++kept;
  }
  while (current->size() > kept) current->RemoveLast();
  // New instances were launched after every instance in the set, so they go
  // last, in the order read.
  for (int i = 0; i < fresh->size(); ++i) {
    if (!placed[i]) current->Add()->Swap(fresh->Mutable(i));
  }
}

agent::v1::DesiredSet DesiredSetCache::Lend() {
  has_set_ = false;
  return std::move(set_);
}

void DesiredSetCache::Return(agent::v1::DesiredSet set) { Reset(std::move(set)); }

void DesiredSetCache::Clear() {
  set_.Clear();
  has_set_ = false;
}

}  // namespace gureum::controller
