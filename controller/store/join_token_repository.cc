#include "controller/store/join_token_repository.h"

namespace gureum::controller {

void JoinTokenRepository::Insert(const JoinTokenRecord& r) {
  db_.Prepare(
         "INSERT INTO join_tokens (token_id, host_name, salt, hash, created_by, created_at, "
         "expires_at) VALUES (?,?,?,?,?,?,?)")
      .Bind(1, r.token_id)
      .Bind(2, r.host_name)
      .Bind(3, r.salt)
      .Bind(4, r.hash)
      .Bind(5, r.created_by)
      .Bind(6, r.created_at)
      .Bind(7, r.expires_at)
      .Run();
}

std::optional<JoinTokenRecord> JoinTokenRepository::Get(const std::string& token_id) {
  Statement s = db_.Prepare(
      "SELECT token_id, host_name, salt, hash, created_by, created_at, expires_at, "
      "COALESCE(used_at, 0) FROM join_tokens WHERE token_id = ?");
  if (!s.Bind(1, token_id).Step()) return std::nullopt;
  return JoinTokenRecord{s.Text(0), s.Text(1), s.Text(2), s.Text(3),
                         s.Text(4), s.Int(5),  s.Int(6),  s.Int(7)};
}

bool JoinTokenRepository::MarkUsed(const std::string& token_id, int64_t now) {
  db_.Prepare("UPDATE join_tokens SET used_at = ? WHERE token_id = ? AND used_at IS NULL")
      .Bind(1, now)
      .Bind(2, token_id)
      .Run();
  return db_.Changes() == 1;
}

}  // namespace gureum::controller
