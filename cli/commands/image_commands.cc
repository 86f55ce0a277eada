#include "cli/commands/image_commands.h"

#include <filesystem>
#include <memory>

#include "cli/commands/verb_options.h"
#include "cli/output/resource_tables.h"
#include "cli/parse/argument_parsers.h"

namespace gureum::cli {
namespace {

// Importing copies and hashes a whole disk image on the controller: far longer than
// the usual per-call deadline, unless --timeout says otherwise.
constexpr std::chrono::milliseconds kImportTimeout{600'000};

struct DescribeImagesOptions {
  std::vector<std::string> image_ids;
  std::vector<std::string> filters;
};

struct ImportImageOptions {
  std::string name;
  std::string description;
  std::string source_path;
  std::string kernel_path;
  std::string ramdisk_path;
  std::string kernel_args;
  std::string client_token;
  bool is_public = false;
};

// The controller reads the files itself, from its own working directory; a relative
// path typed here means this shell's directory, which is right whenever the CLI runs
// on the controller's host (the quickstart) and no worse otherwise.
std::string HostPath(const std::string& path) {
  if (path.empty() || path.front() == '/') return path;
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  return ec ? path : absolute.lexically_normal().string();
}

ExitCode DescribeImages(CommandContext& ctx, const DescribeImagesOptions& options) {
  auto filters = ParseFilterList("--filters", options.filters);
  if (!filters.ok()) return ctx.UsageError(filters.status());
  v1::DescribeImagesRequest request;
  for (const auto& id : CollectIds(options.image_ids)) request.add_image_ids(id);
  for (auto& filter : *filters) *request.add_filters() = std::move(filter);
  auto result = ctx.client().DescribeImages(request);
  if (!result.ok()) return ctx.CallFailed(result);
  ctx.printer().Print(result.response, ImagesTable(result.response.images()));
  return ExitCode::kOk;
}

ExitCode ImportImage(CommandContext& ctx, const ImportImageOptions& options) {
  if (!options.ramdisk_path.empty() && options.kernel_path.empty()) {
    return ctx.UsageError(
        absl::InvalidArgumentError("--ramdisk-path: only meaningful with --kernel-path"));
  }
  v1::ImportImageRequest request;
  request.set_name(options.name);
  request.set_description(options.description);
  request.set_source_path(HostPath(options.source_path));
  request.set_kernel_path(HostPath(options.kernel_path));
  request.set_ramdisk_path(HostPath(options.ramdisk_path));
  request.set_kernel_args(options.kernel_args);
  request.set_client_token(options.client_token);
  request.set_public_(options.is_public);
  auto timeout = ctx.options().call_timeout_explicit ? ctx.options().call_timeout : kImportTimeout;
  auto result = ctx.client().ImportImage(request, timeout);
  if (!result.ok()) return ctx.CallFailed(result);
  Repeated<v1::Image> images;
  *images.Add() = result.response;
  ctx.printer().Print(result.response, ImagesTable(images));
  return ExitCode::kOk;
}

ExitCode DeregisterImage(CommandContext& ctx, const std::string& image_id) {
  if (auto missing = RequireValue("--image-id", image_id, "an image id"); !missing.ok()) {
    return ctx.UsageError(missing);
  }
  v1::DeregisterImageRequest request;
  request.set_image_id(image_id);
  auto result = ctx.client().DeregisterImage(request);
  if (!result.ok()) return ctx.CallFailed(result);
  ctx.printer().PrintEmpty(result.response);
  return ExitCode::kOk;
}

}  // namespace

void AddImageCommands(CommandRegistry& registry) {
  auto describe = std::make_shared<DescribeImagesOptions>();
  CLI::App* verb =
      registry.AddVerb(registry.root(), "describe-images", "List images", verb_group::kImages,
                       "gureum describe-images --filters Name=state,Values=available",
                       [describe](CommandContext& ctx) { return DescribeImages(ctx, *describe); });
  verb->add_option("--image-ids", describe->image_ids, "Image ids (space- or comma-separated)")
      ->delimiter(',');
  verb->add_option("--filters", describe->filters,
                   "Name=NAME,Values=V1[,V2...] or JSON (repeatable). Names: name, state, "
                   "disk-format");

  auto import = std::make_shared<ImportImageOptions>();
  verb = registry.AddVerb(
      registry.root(), "import-image",
      "Register a disk image (qcow2 or raw) from a file on the controller's host",
      verb_group::kImages,
      "gureum import-image --name debian-12 --source-path /var/lib/images/debian-12.qcow2\n"
      "gureum import-image --name tiny --source-path /srv/root.img \\\n"
      "    --kernel-path /srv/vmlinuz --ramdisk-path /srv/initrd.img --kernel-args "
      "'console=ttyS0'",
      [import](CommandContext& ctx) { return ImportImage(ctx, *import); });
  verb->add_option("--name", import->name, "Image name")->required();
  verb->add_option("--description", import->description, "Free text");
  verb->add_option("--source-path", import->source_path,
                   "Disk image file, as a path on the controller's host")
      ->required();
  verb->add_option("--kernel-path", import->kernel_path,
                   "Kernel to boot directly (path on the controller's host)");
  verb->add_option("--ramdisk-path", import->ramdisk_path, "Initramfs for --kernel-path");
  verb->add_option("--kernel-args", import->kernel_args, "Kernel command line");
  verb->add_option("--client-token", import->client_token,
                   "Idempotency token: a retry with the same token imports nothing new");
  verb->add_flag("--public", import->is_public,
                 "Every project may describe and launch the image (admin)");

  auto image_id = std::make_shared<std::string>();
  verb =
      registry.AddVerb(registry.root(), "deregister-image",
                       "Deregister an image (running instances keep their disks)",
                       verb_group::kImages, "gureum deregister-image ami-0123456789abcdef0",
                       [image_id](CommandContext& ctx) { return DeregisterImage(ctx, *image_id); });
  AddSingleId(*verb, "image-id", *image_id, "Image id");
}

}  // namespace gureum::cli
