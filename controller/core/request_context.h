// Who is asking, in which project, with which role and under which request
// id; filled by the API layer's Authenticator and passed into every core
// operation so events and audit records can name them. Internal actors (agent
// reports, reconciler, janitor) build their own with admin rights.
#pragma once

#include <string>

namespace gureum::controller {

struct RequestContext {
  std::string request_id;
  std::string actor = "anonymous";  // user name, or agent:<host> / controller:*
  std::string access_key_id;
  std::string project_id = "default";  // the project acted in
  std::string role = "admin";          // admin | member | reader (in project_id)
  std::string source;                  // peer address (+ the gateway's client)
  // Cloud administrator: may act on any project's resources by id, manage
  // hosts, instance types, quotas, users and read the audit log.
  bool admin = true;
  // Describe calls list every project's resources (admins only).
  bool all_projects = false;

  // Whether a resource of `owner` may be read or changed by id.
  bool CanAccess(const std::string& owner) const { return admin || owner == project_id; }
  // The project describe calls list ("" = every project).
  std::string ListScope() const { return all_projects ? std::string() : project_id; }
};

}  // namespace gureum::controller
