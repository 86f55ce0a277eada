// Who is asking and under which request id; passed from the API layer into
// every core operation so events and audit records can name them.
#pragma once

#include <string>

namespace gureum::controller {

struct RequestContext {
  std::string request_id;
  std::string actor = "anonymous";
  std::string project_id = "default";
  bool admin = true;  // until projects and roles land (issue 8) everyone is admin
};

}  // namespace gureum::controller
