#include "cli/commands/key_pair_commands.h"

#include <memory>
#include <optional>

#include "cli/commands/private_key_file.h"
#include "cli/commands/verb_options.h"
#include "cli/output/resource_tables.h"
#include "cli/parse/argument_parsers.h"

namespace gureum::cli {
namespace {

struct CreateKeyPairOptions {
  std::string key_name;
  std::string key_type;
  std::string output_file;
};

struct ImportKeyPairOptions {
  std::string key_name;
  std::string public_key_material;
};

struct DescribeKeyPairsOptions {
  std::vector<std::string> key_names;
  std::vector<std::string> key_pair_ids;
};

struct DeleteKeyPairOptions {
  std::string key_name;
  std::string key_pair_id;
};

void WriteRaw(CommandContext& ctx, const std::string& blob) {
  ctx.out().write(blob.data(), static_cast<std::streamsize>(blob.size()));
  ctx.out().flush();
}

ExitCode CreateKeyPair(CommandContext& ctx, const CreateKeyPairOptions& options) {
  std::optional<PrivateKeyFile> file;
  if (!options.output_file.empty()) {
    auto created = PrivateKeyFile::Create(options.output_file);
    if (absl::IsAlreadyExists(created.status())) {
      return ctx.UsageError(absl::InvalidArgumentError("--output-file: " + options.output_file +
                                                       " exists; not overwriting it"));
    }
    if (!created.ok()) {
      return ctx.LocalError("cannot create " + std::string(created.status().message()));
    }
    file.emplace(*std::move(created));
  }

  v1::CreateKeyPairRequest request;
  request.set_key_name(options.key_name);
  request.set_key_type(options.key_type);
  auto result = ctx.client().CreateKeyPair(request);
  if (!result.ok()) {
    if (file) file->Discard();
    return ctx.CallFailed(result);
  }

  if (!file) {
    if (ctx.blob_as_json()) {
      ctx.printer().Print(result.response, Table({}));
    } else {
      WriteRaw(ctx, result.response.key_material());
    }
    return ExitCode::kOk;
  }
  if (auto written = file->Write(result.response.key_material()); !written.ok()) {
    // The server shows a private key only once: rather than lose it, print it.
    ExitCode code = ctx.LocalError("cannot write the private key to " +
                                   std::string(written.message()) + "; here it is instead:");
    WriteRaw(ctx, result.response.key_material());
    return code;
  }
  v1::CreateKeyPairResponse summary = result.response;
  summary.clear_key_material();
  ctx.printer().Print(summary, CreatedKeyPairTable(summary));
  return ExitCode::kOk;
}

ExitCode ImportKeyPair(CommandContext& ctx, const ImportKeyPairOptions& options) {
  auto material = ReadFileArgument("--public-key-material", options.public_key_material);
  if (!material.ok()) return ctx.UsageError(material.status());
  v1::ImportKeyPairRequest request;
  request.set_key_name(options.key_name);
  request.set_public_key_material(*material);
  auto result = ctx.client().ImportKeyPair(request);
  if (!result.ok()) return ctx.CallFailed(result);
  Repeated<v1::KeyPairInfo> keys;
  *keys.Add() = result.response;
  ctx.printer().Print(result.response, KeyPairsTable(keys));
  return ExitCode::kOk;
}

ExitCode DescribeKeyPairs(CommandContext& ctx, const DescribeKeyPairsOptions& options) {
  v1::DescribeKeyPairsRequest request;
  for (const auto& name : CollectIds(options.key_names)) request.add_key_names(name);
  for (const auto& id : CollectIds(options.key_pair_ids)) request.add_key_pair_ids(id);
  auto result = ctx.client().DescribeKeyPairs(request);
  if (!result.ok()) return ctx.CallFailed(result);
  ctx.printer().Print(result.response, KeyPairsTable(result.response.key_pairs()));
  return ExitCode::kOk;
}

ExitCode DeleteKeyPair(CommandContext& ctx, const DeleteKeyPairOptions& options) {
  if (options.key_name.empty() && options.key_pair_id.empty()) {
    return ctx.UsageError(
        absl::InvalidArgumentError("--key-name: --key-name or --key-pair-id is required"));
  }
  v1::DeleteKeyPairRequest request;
  request.set_key_name(options.key_name);
  request.set_key_pair_id(options.key_pair_id);
  auto result = ctx.client().DeleteKeyPair(request);
  if (!result.ok()) return ctx.CallFailed(result);
  ctx.printer().PrintEmpty(result.response);
  return ExitCode::kOk;
}

}  // namespace

void AddKeyPairCommands(CommandRegistry& registry) {
  auto create = std::make_shared<CreateKeyPairOptions>();
  CLI::App* verb = registry.AddVerb(
      registry.root(), "create-key-pair",
      "Create a key pair and print its private key (shown only once)", verb_group::kKeyPairs,
      "gureum create-key-pair --key-name mykey --output-file ~/.ssh/mykey.pem\n"
      "gureum create-key-pair --key-name mykey --key-type ed25519 > mykey.pem",
      [create](CommandContext& ctx) { return CreateKeyPair(ctx, *create); });
  verb->add_option("--key-name", create->key_name, "Key pair name")->required();
  verb->add_option("--key-type", create->key_type, "rsa (default) or ed25519")
      ->check(CLI::IsMember({"rsa", "ed25519"}));
  verb->add_option("--output-file", create->output_file,
                   "Write the private key to this new file (mode 0600) instead of stdout");

  auto import = std::make_shared<ImportKeyPairOptions>();
  verb = registry.AddVerb(
      registry.root(), "import-key-pair", "Register an existing OpenSSH public key",
      verb_group::kKeyPairs,
      "gureum import-key-pair --key-name laptop --public-key-material file://~/.ssh/id_ed25519.pub",
      [import](CommandContext& ctx) { return ImportKeyPair(ctx, *import); });
  verb->add_option("--key-name", import->key_name, "Key pair name")->required();
  verb->add_option("--public-key-material", import->public_key_material,
                   "OpenSSH public key (\"ssh-ed25519 AAAA... comment\"), or file://PATH")
      ->required();

  auto describe = std::make_shared<DescribeKeyPairsOptions>();
  verb = registry.AddVerb(
      registry.root(), "describe-key-pairs", "List key pairs", verb_group::kKeyPairs,
      "gureum describe-key-pairs --key-names mykey",
      [describe](CommandContext& ctx) { return DescribeKeyPairs(ctx, *describe); });
  verb->add_option("--key-names", describe->key_names, "Key pair names")->delimiter(',');
  verb->add_option("--key-pair-ids", describe->key_pair_ids, "Key pair ids (key-...)")
      ->delimiter(',');

  auto remove = std::make_shared<DeleteKeyPairOptions>();
  verb = registry.AddVerb(registry.root(), "delete-key-pair",
                          "Delete a key pair (instances keep the key they booted with)",
                          verb_group::kKeyPairs, "gureum delete-key-pair --key-name mykey",
                          [remove](CommandContext& ctx) { return DeleteKeyPair(ctx, *remove); });
  verb->add_option("--key-name", remove->key_name, "Key pair name");
  verb->add_option("--key-pair-id", remove->key_pair_id, "Key pair id (key-...)");
}

}  // namespace gureum::cli
