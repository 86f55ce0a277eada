// IdentityRepository: projects, users and their role bindings (migration 4).
// Called inside a Store transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "controller/store/database.h"
#include "controller/store/records.h"

namespace gureum::controller {

class IdentityRepository {
 public:
  explicit IdentityRepository(Database& db) : db_(db) {}

  void InsertProject(const ProjectRecord& project);
  std::optional<ProjectRecord> GetProject(const std::string& project_id);
  std::vector<ProjectRecord> ListProjects();

  void InsertUser(const UserRecord& user);  // without roles
  // The user with their role bindings.
  std::optional<UserRecord> GetUser(const std::string& user_name);
  std::vector<UserRecord> ListUsers();
  void DeleteUser(const std::string& user_name);  // bindings and keys go with it
  int64_t CountUsers();
  // Inserts or replaces the user's role in the project.
  void SetRole(const std::string& user_name, const std::string& project_id,
               const std::string& role);
  void RemoveRole(const std::string& user_name, const std::string& project_id);
  int64_t CountAdmins();

 private:
  std::vector<RoleBindingRecord> Roles(const std::string& user_name);

  Database& db_;
};

}  // namespace gureum::controller
