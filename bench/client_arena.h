// ClientArena: a protobuf arena for one response a benchmark client reads.
// Parsing a page of 100 instances into heap-allocated messages costs the
// client ~3,000 mallocs and frees; on this 2-core machine the bench's
// clients share the cores with the controller they measure, so the client
// parses into an arena (a few blocks, freed at once), as a production client
// that cares about its own CPU would.
#pragma once

#include <google/protobuf/arena.h>

namespace gureum::bench {

class ClientArena {
 public:
  ClientArena() : arena_(Options()) {}

  template <typename Message>
  Message* New() {
    return google::protobuf::Arena::CreateMessage<Message>(&arena_);
  }

 private:
  static google::protobuf::ArenaOptions Options() {
    google::protobuf::ArenaOptions options;
    options.start_block_size = 64 * 1024;
    options.max_block_size = 256 * 1024;
    return options;
  }

  google::protobuf::Arena arena_;
};

}  // namespace gureum::bench
