// ArenaMessageAllocator: gives each call of a callback-API unary method its
// request and response on one protobuf arena, freed at once when the call
// ends. A DescribeInstances page of 100 is ~3,000 message and string objects;
// on the heap each was a malloc and a free (two thirds of a page's CPU,
// docs/benchmarks-describe.md), on the arena they are a few blocks.
// Thread-safe (holds no state between calls).
#pragma once

#include <google/protobuf/arena.h>
#include <grpcpp/support/message_allocator.h>

namespace gureum::controller {

template <typename Request, typename Response>
class ArenaMessageAllocator final : public grpc::MessageAllocator<Request, Response> {
 public:
  grpc::MessageHolder<Request, Response>* AllocateMessages() override { return new Holder(); }

 private:
  class Holder final : public grpc::MessageHolder<Request, Response> {
   public:
    Holder() : arena_(Options()) {
      this->set_request(google::protobuf::Arena::CreateMessage<Request>(&arena_));
      this->set_response(google::protobuf::Arena::CreateMessage<Response>(&arena_));
    }
    void Release() override { delete this; }

   private:
    static google::protobuf::ArenaOptions Options() {
      google::protobuf::ArenaOptions options;
      options.start_block_size = 16 * 1024;
      options.max_block_size = 256 * 1024;
      return options;
    }

    google::protobuf::Arena arena_;
  };
};

}  // namespace gureum::controller
