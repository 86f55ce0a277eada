// DesiredSetCache: the desired set an agent stream last sent, kept so that a
// change to a few instances patches it instead of rebuilding the whole set
// from the store (a host with 100 instances read 100 rows per launch on it).
//
// The set is lent to the write that sends it and returned when the write is
// done, so it is never copied; while it is out the cache holds nothing, and
// a build that finds it empty reads the whole set. Not thread-safe: the
// stream guards it.
#pragma once

#include <set>
#include <string>

#include "gureum/agent/v1/agent.pb.h"

namespace gureum::controller {

class DesiredSetCache {
 public:
  // True when the cache holds a set to patch.
  bool has_set() const { return has_set_; }

  // The whole set, as read from the store.
  void Reset(agent::v1::DesiredSet set);

  // Applies the entries read for `changed_ids` (only those still on the host,
  // by launch order): each replaces the entry of its instance, or goes last
  // if the set has none; a changed id without an entry leaves the set.
  // Requires has_set().
  void Patch(const std::set<std::string>& changed_ids, agent::v1::DesiredSet entries);

  // Moves the set out, to be sent; Return gives it back once written.
  agent::v1::DesiredSet Lend();
  void Return(agent::v1::DesiredSet set);

  // Forgets the set: the next build reads the whole set again.
  void Clear();

 private:
  agent::v1::DesiredSet set_;
  bool has_set_ = false;
};

}  // namespace gureum::controller
