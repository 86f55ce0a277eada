// ImageRepository: registered images. Called inside a Store transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "controller/store/database.h"
#include "controller/store/records.h"

namespace gureum::controller {

class ImageRepository {
 public:
  explicit ImageRepository(Database& db) : db_(db) {}

  void Insert(const ImageRecord& record);
  std::optional<ImageRecord> Get(const std::string& image_id);
  bool NameTaken(const std::string& project_id, const std::string& name);
  // All images of a project (all projects if empty), oldest first.
  std::vector<ImageRecord> List(const std::string& project_id);
  void Delete(const std::string& image_id);
  // How many images reference a blob (disk, kernel or ramdisk).
  int CountReferencingBlob(const std::string& sha256);

 private:
  Database& db_;
};

}  // namespace gureum::controller
