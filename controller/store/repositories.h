// Repositories: every repository of the store over one connection, the
// argument of Store::Write and Store::Read functions. Used by one thread at a
// time, like its Database.
#pragma once

#include "controller/store/access_key_repository.h"
#include "controller/store/audit_repository.h"
#include "controller/store/client_token_repository.h"
#include "controller/store/event_repository.h"
#include "controller/store/host_repository.h"
#include "controller/store/identity_repository.h"
#include "controller/store/image_repository.h"
#include "controller/store/instance_repository.h"
#include "controller/store/instance_type_repository.h"
#include "controller/store/join_token_repository.h"
#include "controller/store/key_pair_repository.h"
#include "controller/store/placement_group_repository.h"
#include "controller/store/quota_repository.h"

namespace gureum::controller {

struct Repositories {
  explicit Repositories(Database& db)
      : instances(db),
        images(db),
        key_pairs(db),
        instance_types(db),
        hosts(db),
        events(db),
        client_tokens(db),
        placement_groups(db),
        quotas(db),
        identity(db),
        access_keys(db),
        audit(db),
        join_tokens(db) {}
  InstanceRepository instances;
  ImageRepository images;
  KeyPairRepository key_pairs;
  InstanceTypeRepository instance_types;
  HostRepository hosts;
  EventRepository events;
  ClientTokenRepository client_tokens;
  PlacementGroupRepository placement_groups;
  QuotaRepository quotas;
  IdentityRepository identity;
  AccessKeyRepository access_keys;
  AuditRepository audit;
  JoinTokenRepository join_tokens;
};

}  // namespace gureum::controller
