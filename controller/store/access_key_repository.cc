#include "controller/store/access_key_repository.h"

namespace gureum::controller {
namespace {

constexpr const char* kSelect =
    "SELECT access_key_id, user_name, salt, secret_hash, status, created_at, "
    "COALESCE(expires_at, 0) FROM access_keys";

AccessKeyRecord ReadRow(const Statement& s) {
  return AccessKeyRecord{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Int(5), s.Int(6)};
}

}  // namespace

void AccessKeyRepository::Insert(const AccessKeyRecord& key) {
  Statement s = db_.Prepare(
      "INSERT INTO access_keys (access_key_id, user_name, salt, secret_hash, status, created_at, "
      "expires_at) VALUES (?,?,?,?,?,?,?)");
  s.Bind(1, key.access_key_id)
      .Bind(2, key.user_name)
      .Bind(3, key.salt)
      .Bind(4, key.secret_hash)
      .Bind(5, key.status)
      .Bind(6, key.created_at);
  if (key.expires_at > 0) {
    s.Bind(7, key.expires_at);
  } else {
    s.BindNull(7);
  }
  s.Run();
}

std::optional<AccessKeyRecord> AccessKeyRepository::Get(const std::string& access_key_id) {
  Statement s = db_.Prepare(std::string(kSelect) + " WHERE access_key_id = ?");
  if (!s.Bind(1, access_key_id).Step()) return std::nullopt;
  return ReadRow(s);
}

std::vector<AccessKeyRecord> AccessKeyRepository::ListForUser(const std::string& user_name) {
  Statement s =
      db_.Prepare(std::string(kSelect) + " WHERE user_name = ? ORDER BY created_at, access_key_id");
  s.Bind(1, user_name);
  std::vector<AccessKeyRecord> out;
  while (s.Step()) out.push_back(ReadRow(s));
  return out;
}

void AccessKeyRepository::SetStatus(const std::string& access_key_id, const std::string& status) {
  db_.Prepare("UPDATE access_keys SET status = ? WHERE access_key_id = ?")
      .Bind(1, status)
      .Bind(2, access_key_id)
      .Run();
}

void AccessKeyRepository::SetExpiry(const std::string& access_key_id, int64_t expires_at) {
  db_.Prepare("UPDATE access_keys SET expires_at = ? WHERE access_key_id = ?")
      .Bind(1, expires_at)
      .Bind(2, access_key_id)
      .Run();
}

void AccessKeyRepository::Delete(const std::string& access_key_id) {
  db_.Prepare("DELETE FROM access_keys WHERE access_key_id = ?").Bind(1, access_key_id).Run();
}

}  // namespace gureum::controller
