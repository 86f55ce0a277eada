#include "cli/config/config_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace gureum::cli {
namespace {

std::string_view Trim(std::string_view text) {
  const char* kSpace = " \t\r";
  size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(kSpace);
  return text.substr(begin, end - begin + 1);
}

}  // namespace

std::optional<std::string> ConfigFile::DefaultPath(const EnvLookup& getenv) {
  auto set = [&](const char* name) -> std::optional<std::string> {
    std::optional<std::string> value = getenv(name);
    if (value && value->empty()) return std::nullopt;
    return value;
  };
  if (auto file = set("GUREUM_CONFIG_FILE")) return file;
  if (auto xdg = set("XDG_CONFIG_HOME")) return *xdg + "/gureum/config";
  if (auto home = set("HOME")) return *home + "/.config/gureum/config";
  return std::nullopt;
}

absl::StatusOr<ConfigFile> ConfigFile::Parse(std::string_view text, std::string_view source) {
  ConfigFile config;
  std::string profile = "default";
  size_t line_number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = Trim(text.substr(start, end - start));
    start = end + 1;
    ++line_number;
    auto error = [&](const std::string& what) {
      return absl::InvalidArgumentError(std::string(source) + ":" + std::to_string(line_number) +
                                        ": " + what);
    };
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line[0] == '[') {
      if (line.back() != ']') return error("a section needs a closing ']'");
      std::string_view name = Trim(line.substr(1, line.size() - 2));
      if (name.substr(0, 8) == "profile ") name = Trim(name.substr(8));
      if (name.empty()) return error("empty profile name");
      profile = std::string(name);
      config.profiles_[profile];
      continue;
    }
    size_t equals = line.find('=');
    if (equals == std::string_view::npos) return error("expected 'key = value' or '[profile]'");
    std::string_view key = Trim(line.substr(0, equals));
    if (key.empty()) return error("empty key before '='");
    config.profiles_[profile][std::string(key)] = std::string(Trim(line.substr(equals + 1)));
  }
  return config;
}

absl::StatusOr<ConfigFile> ConfigFile::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return ConfigFile();
    return absl::InvalidArgumentError("cannot read " + path + ": " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

bool ConfigFile::HasProfile(const std::string& profile) const {
  return profiles_.count(profile) > 0;
}

std::optional<std::string> ConfigFile::Get(const std::string& profile,
                                           const std::string& key) const {
  auto section = profiles_.find(profile);
  if (section == profiles_.end()) return std::nullopt;
  auto value = section->second.find(key);
  if (value == section->second.end()) return std::nullopt;
  return value->second;
}

}  // namespace gureum::cli
