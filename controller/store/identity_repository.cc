#include "controller/store/identity_repository.h"

namespace gureum::controller {

void IdentityRepository::InsertProject(const ProjectRecord& project) {
  db_.Prepare("INSERT INTO projects (project_id, description, created_at) VALUES (?,?,?)")
      .Bind(1, project.project_id)
      .Bind(2, project.description)
      .Bind(3, project.created_at)
      .Run();
}

std::optional<ProjectRecord> IdentityRepository::GetProject(const std::string& project_id) {
  Statement s =
      db_.Prepare("SELECT project_id, description, created_at FROM projects WHERE project_id = ?");
  if (!s.Bind(1, project_id).Step()) return std::nullopt;
  return ProjectRecord{s.Text(0), s.Text(1), s.Int(2)};
}

std::vector<ProjectRecord> IdentityRepository::ListProjects() {
  Statement s =
      db_.Prepare("SELECT project_id, description, created_at FROM projects ORDER BY project_id");
  std::vector<ProjectRecord> out;
  while (s.Step()) out.push_back(ProjectRecord{s.Text(0), s.Text(1), s.Int(2)});
  return out;
}

void IdentityRepository::InsertUser(const UserRecord& user) {
  db_.Prepare("INSERT INTO users (user_name, default_project, created_at) VALUES (?,?,?)")
      .Bind(1, user.user_name)
      .Bind(2, user.default_project)
      .Bind(3, user.created_at)
      .Run();
}

std::vector<RoleBindingRecord> IdentityRepository::Roles(const std::string& user_name) {
  Statement s = db_.Prepare(
      "SELECT project_id, role FROM role_bindings WHERE user_name = ? ORDER BY project_id");
  s.Bind(1, user_name);
  std::vector<RoleBindingRecord> out;
  while (s.Step()) out.push_back(RoleBindingRecord{s.Text(0), s.Text(1)});
  return out;
}

std::optional<UserRecord> IdentityRepository::GetUser(const std::string& user_name) {
  Statement s =
      db_.Prepare("SELECT user_name, default_project, created_at FROM users WHERE user_name = ?");
  if (!s.Bind(1, user_name).Step()) return std::nullopt;
  UserRecord user{s.Text(0), s.Text(1), s.Int(2), {}};
  user.roles = Roles(user.user_name);
  return user;
}

std::vector<UserRecord> IdentityRepository::ListUsers() {
  Statement s =
      db_.Prepare("SELECT user_name, default_project, created_at FROM users ORDER BY user_name");
  std::vector<UserRecord> out;
  while (s.Step()) out.push_back(UserRecord{s.Text(0), s.Text(1), s.Int(2), {}});
  for (UserRecord& user : out) user.roles = Roles(user.user_name);
  return out;
}

void IdentityRepository::DeleteUser(const std::string& user_name) {
  db_.Prepare("DELETE FROM users WHERE user_name = ?").Bind(1, user_name).Run();
}

int64_t IdentityRepository::CountUsers() {
  Statement s = db_.Prepare("SELECT COUNT(*) FROM users");
  s.Step();
  return s.Int(0);
}

void IdentityRepository::SetRole(const std::string& user_name, const std::string& project_id,
                                 const std::string& role) {
  db_.Prepare(
         "INSERT INTO role_bindings (user_name, project_id, role) VALUES (?,?,?) "
         "ON CONFLICT (user_name, project_id) DO UPDATE SET role = excluded.role")
      .Bind(1, user_name)
      .Bind(2, project_id)
      .Bind(3, role)
      .Run();
}

void IdentityRepository::RemoveRole(const std::string& user_name, const std::string& project_id) {
  db_.Prepare("DELETE FROM role_bindings WHERE user_name = ? AND project_id = ?")
      .Bind(1, user_name)
      .Bind(2, project_id)
      .Run();
}

int64_t IdentityRepository::CountAdmins() {
  Statement s = db_.Prepare("SELECT COUNT(DISTINCT user_name) FROM role_bindings WHERE role = ?");
  s.Bind(1, "admin").Step();
  return s.Int(0);
}

}  // namespace gureum::controller
