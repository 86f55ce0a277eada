// AccessPolicy: which role each API operation needs and whether it changes
// state (and so is audited). Operations not listed need admin.
#pragma once

#include <string>
#include <string_view>

namespace gureum::controller {

enum class Need {
  kReader,  // any role in the project: describe calls
  kMember,  // member or admin: launch and manage the project's resources
  kSelf,    // any authenticated caller; the service checks it acts on itself
  kAdmin,   // cloud administrator: hosts, instance types, images, quotas, users
};

struct OperationPolicy {
  Need need = Need::kAdmin;
  bool mutating = true;
};

OperationPolicy PolicyFor(std::string_view operation);

// True if `role` ("admin" | "member" | "reader") with the admin flag meets `need`.
bool Allows(Need need, const std::string& role, bool admin);

std::string_view Describe(Need need);

}  // namespace gureum::controller
