#include "controller/store/client_token_repository.h"

namespace gureum::controller {

std::optional<ClientTokenRecord> ClientTokenRepository::Get(const std::string& project_id,
                                                            const std::string& token) {
  Statement s = db_.Prepare(
      "SELECT operation, request_hash, result, created_at FROM client_tokens "
      "WHERE project_id = ? AND client_token = ?");
  if (!s.Bind(1, project_id).Bind(2, token).Step()) return std::nullopt;
  return ClientTokenRecord{s.Text(0), s.Text(1), s.Blob(2), s.Int(3)};
}

void ClientTokenRepository::Insert(const std::string& project_id, const std::string& token,
                                   const ClientTokenRecord& r) {
  db_.Prepare(
         "INSERT INTO client_tokens (project_id, client_token, operation, request_hash, result, "
         "created_at) VALUES (?,?,?,?,?,?)")
      .Bind(1, project_id)
      .Bind(2, token)
      .Bind(3, r.operation)
      .Bind(4, r.request_hash)
      .BindBlob(5, r.result)
      .Bind(6, r.created_at)
      .Run();
}

int ClientTokenRepository::MarkEnded(int64_t now) {
  db_.Prepare(
         "UPDATE client_tokens SET ended_at = ? WHERE ended_at IS NULL "
         "AND operation = 'RunInstances' AND NOT EXISTS (SELECT 1 FROM instances i "
         "WHERE i.reservation_id = CAST(client_tokens.result AS TEXT) "
         "AND i.state != 'terminated')")
      .Bind(1, now)
      .Run();
  int marked = db_.Changes();
  db_.Prepare(
         "UPDATE client_tokens SET ended_at = ? WHERE ended_at IS NULL "
         "AND operation = 'ImportImage' AND NOT EXISTS (SELECT 1 FROM images m "
         "WHERE m.image_id = CAST(client_tokens.result AS TEXT) AND m.state != 'deregistered')")
      .Bind(1, now)
      .Run();
  return marked + db_.Changes();
}

int ClientTokenRepository::PurgeBefore(int64_t created_cutoff, int64_t ended_cutoff) {
  db_.Prepare(
         "DELETE FROM client_tokens WHERE created_at < ? AND ended_at IS NOT NULL "
         "AND ended_at < ?")
      .Bind(1, created_cutoff)
      .Bind(2, ended_cutoff)
      .Run();
  return db_.Changes();
}

}  // namespace gureum::controller
