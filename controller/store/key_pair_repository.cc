#include "controller/store/key_pair_repository.h"

namespace gureum::controller {
namespace {

constexpr const char* kSelect =
    "SELECT key_pair_id, project_id, key_name, key_type, fingerprint, public_key, created_at "
    "FROM key_pairs";

KeyPairRecord ReadRow(const Statement& s) {
  return KeyPairRecord{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Int(6)};
}

}  // namespace

void KeyPairRepository::Insert(const KeyPairRecord& r) {
  db_.Prepare(
         "INSERT INTO key_pairs (key_pair_id, project_id, key_name, key_type, fingerprint, "
         "public_key, created_at) VALUES (?,?,?,?,?,?,?)")
      .Bind(1, r.key_pair_id)
      .Bind(2, r.project_id)
      .Bind(3, r.key_name)
      .Bind(4, r.key_type)
      .Bind(5, r.fingerprint)
      .Bind(6, r.public_key)
      .Bind(7, r.created_at)
      .Run();
}

std::optional<KeyPairRecord> KeyPairRepository::GetByName(const std::string& project_id,
                                                          const std::string& name) {
  Statement s = db_.Prepare(std::string(kSelect) + " WHERE project_id = ? AND key_name = ?");
  if (!s.Bind(1, project_id).Bind(2, name).Step()) return std::nullopt;
  return ReadRow(s);
}

std::optional<KeyPairRecord> KeyPairRepository::GetById(const std::string& key_pair_id) {
  Statement s = db_.Prepare(std::string(kSelect) + " WHERE key_pair_id = ?");
  if (!s.Bind(1, key_pair_id).Step()) return std::nullopt;
  return ReadRow(s);
}

std::vector<KeyPairRecord> KeyPairRepository::List(const std::string& project_id) {
  Statement s = db_.Prepare(std::string(kSelect) + " WHERE project_id = ? ORDER BY key_name");
  s.Bind(1, project_id);
  std::vector<KeyPairRecord> out;
  while (s.Step()) out.push_back(ReadRow(s));
  return out;
}

void KeyPairRepository::Delete(const std::string& key_pair_id) {
  db_.Prepare("DELETE FROM key_pairs WHERE key_pair_id = ?").Bind(1, key_pair_id).Run();
}

}  // namespace gureum::controller
