#include "controller/api/access_policy.h"

#include <map>

namespace gureum::controller {

OperationPolicy PolicyFor(std::string_view operation) {
  static const std::map<std::string_view, OperationPolicy> kPolicies = {
      {"DescribeInstances", {Need::kReader, false}},
      {"GetConsoleOutput", {Need::kReader, false}},
      {"DescribeInstanceTypes", {Need::kReader, false}},
      {"DescribeImages", {Need::kReader, false}},
      {"DescribeKeyPairs", {Need::kReader, false}},
      {"DescribeAvailabilityZones", {Need::kReader, false}},
      {"DescribePlacementGroups", {Need::kReader, false}},
      {"DescribeQuotas", {Need::kReader, false}},
      {"WatchEvents", {Need::kReader, false}},
      {"GetCallerIdentity", {Need::kReader, false}},
      {"DescribeProjects", {Need::kReader, false}},
      {"DescribeAccessKeys", {Need::kSelf, false}},
      {"RunInstances", {Need::kMember, true}},
      {"StartInstances", {Need::kMember, true}},
      {"StopInstances", {Need::kMember, true}},
      {"RebootInstances", {Need::kMember, true}},
      {"TerminateInstances", {Need::kMember, true}},
      {"CreateKeyPair", {Need::kMember, true}},
      {"ImportKeyPair", {Need::kMember, true}},
      {"DeleteKeyPair", {Need::kMember, true}},
      {"CreatePlacementGroup", {Need::kMember, true}},
      {"DeletePlacementGroup", {Need::kMember, true}},
      {"CreateAccessKey", {Need::kSelf, true}},
      {"UpdateAccessKey", {Need::kSelf, true}},
      {"DeleteAccessKey", {Need::kSelf, true}},
      {"RotateAccessKey", {Need::kSelf, true}},
      {"DescribeHosts", {Need::kAdmin, false}},
      {"DescribeUsers", {Need::kAdmin, false}},
      {"DescribeAuditEvents", {Need::kAdmin, false}},
  };
  auto it = kPolicies.find(operation);
  return it == kPolicies.end() ? OperationPolicy{} : it->second;
}

bool Allows(Need need, const std::string& role, bool admin) {
  if (admin) return true;
  switch (need) {
    case Need::kReader:
    case Need::kSelf:
      return role == "reader" || role == "member";
    case Need::kMember:
      return role == "member";
    case Need::kAdmin:
      return false;
  }
  return false;
}

std::string_view Describe(Need need) {
  switch (need) {
    case Need::kReader:
      return "a role";
    case Need::kSelf:
      return "a role";
    case Need::kMember:
      return "the member or admin role";
    case Need::kAdmin:
      return "the admin role";
  }
  return "admin";
}

}  // namespace gureum::controller
