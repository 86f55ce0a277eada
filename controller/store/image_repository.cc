#include "controller/store/image_repository.h"

namespace gureum::controller {
namespace {

constexpr const char* kSelect =
    "SELECT image_id, project_id, name, description, state, disk_format, size_bytes, "
    "virtual_size_bytes, sha256, kernel_sha256, ramdisk_sha256, kernel_args, created_at, "
    "is_public FROM images";

ImageRecord ReadRow(const Statement& s) {
  ImageRecord r;
  r.image_id = s.Text(0);
  r.project_id = s.Text(1);
  r.name = s.Text(2);
  r.description = s.Text(3);
  r.state = s.Text(4);
  r.disk_format = s.Text(5);
  r.size_bytes = s.Int(6);
  r.virtual_size_bytes = s.Int(7);
  r.sha256 = s.Text(8);
  r.kernel_sha256 = s.Text(9);
  r.ramdisk_sha256 = s.Text(10);
  r.kernel_args = s.Text(11);
  r.created_at = s.Int(12);
  r.is_public = s.Int(13) != 0;
  return r;
}

}  // namespace

void ImageRepository::Insert(const ImageRecord& r) {
  db_.Prepare(
         "INSERT INTO images (image_id, project_id, name, description, state, disk_format, "
         "size_bytes, virtual_size_bytes, sha256, kernel_sha256, ramdisk_sha256, kernel_args, "
         "created_at, is_public) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
      .Bind(1, r.image_id)
      .Bind(2, r.project_id)
      .Bind(3, r.name)
      .Bind(4, r.description)
      .Bind(5, r.state)
      .Bind(6, r.disk_format)
      .Bind(7, r.size_bytes)
      .Bind(8, r.virtual_size_bytes)
      .Bind(9, r.sha256)
      .Bind(10, r.kernel_sha256)
      .Bind(11, r.ramdisk_sha256)
      .Bind(12, r.kernel_args)
      .Bind(13, r.created_at)
      .Bind(14, r.is_public ? 1 : 0)
      .Run();
}

std::optional<ImageRecord> ImageRepository::Get(const std::string& image_id) {
  Statement s = db_.Prepare(std::string(kSelect) + " WHERE image_id = ?");
  if (!s.Bind(1, image_id).Step()) return std::nullopt;
  return ReadRow(s);
}

bool ImageRepository::NameTaken(const std::string& project_id, const std::string& name) {
  Statement s = db_.Prepare("SELECT 1 FROM images WHERE project_id = ? AND name = ?");
  return s.Bind(1, project_id).Bind(2, name).Step();
}

std::vector<ImageRecord> ImageRepository::List(const std::string& project_id) {
  Statement s =
      db_.Prepare(std::string(kSelect) +
                  " WHERE ? = '' OR project_id = ? OR is_public = 1 ORDER BY created_at, image_id");
  s.Bind(1, project_id).Bind(2, project_id);
  std::vector<ImageRecord> out;
  while (s.Step()) out.push_back(ReadRow(s));
  return out;
}

void ImageRepository::Delete(const std::string& image_id) {
  db_.Prepare("DELETE FROM images WHERE image_id = ?").Bind(1, image_id).Run();
}

int ImageRepository::CountReferencingBlob(const std::string& sha256) {
  Statement s = db_.Prepare(
      "SELECT COUNT(*) FROM images WHERE sha256 = ? OR kernel_sha256 = ? OR ramdisk_sha256 = ?");
  s.Bind(1, sha256).Bind(2, sha256).Bind(3, sha256).Step();
  return static_cast<int>(s.Int(0));
}

}  // namespace gureum::controller
