#include "gateway/route_table.h"

#include <stdexcept>

#include "gateway/http_error_mapper.h"
#include "gateway/request_security.h"

namespace gureum::gateway {
namespace {

// "/v1/instances/{instanceId}:stop" -> "^/v1/instances/([^/:]+):stop$"; a path
// parameter never spans '/' or ':' so "{id}" and "{id}:stop" stay apart.
std::string PatternOf(const std::string& path, std::vector<std::string>* names) {
  std::string out = "^";
  for (size_t i = 0; i < path.size(); ++i) {
    char c = path[i];
    if (c == '{') {
      size_t end = path.find('}', i);
      names->push_back(path.substr(i + 1, end - i - 1));
      out += "([^/:]+)";
      i = end;
    } else if (std::string_view(".+*?^$()[]|\\").find(c) != std::string_view::npos) {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out + "$";
}

}  // namespace

void RouteTable::Add(RouteSpec spec, RouteHandler handler) {
  Route route;
  route.pattern_text = PatternOf(spec.path, &route.param_names);
  route.pattern = std::regex(route.pattern_text);
  route.spec = std::move(spec);
  route.handler = std::move(handler);
  routes_.push_back(std::move(route));
}

std::string RouteTable::AllowedMethods(const std::string& path) const {
  std::string allowed;
  for (const Route& route : routes_) {
    if (std::regex_match(path, route.pattern) &&
        allowed.find(route.spec.method) == std::string::npos) {
      allowed += (allowed.empty() ? "" : ", ") + route.spec.method;
    }
  }
  return allowed;
}

void RouteTable::Install(httplib::Server& server) const {
  for (const Route& route : routes_) {
    const Route* r = &route;
    auto handler = [r](const httplib::Request& req, httplib::Response& res) {
      if (!IsAcceptableBody(req)) {
        // Cross-site forms send form or text bodies; the API reads JSON only.
        HttpError error = HttpErrorMapper::Local(415, "UnsupportedMediaType", "Content-Type",
                                                 "a request body must be application/json, not '" +
                                                     req.get_header_value("Content-Type") + "'");
        res.status = error.http_status;
        res.set_content(error.body.dump(), "application/json");
        return;
      }
      PathParams params;
      for (size_t i = 0; i < r->param_names.size() && i + 1 < req.matches.size(); ++i) {
        params[r->param_names[i]] = req.matches[i + 1].str();
      }
      r->handler(req, res, params);
    };
    const std::string& method = route.spec.method;
    if (method == "GET") {
      server.Get(route.pattern_text, handler);
    } else if (method == "POST") {
      server.Post(route.pattern_text, handler);
    } else if (method == "PUT") {
      server.Put(route.pattern_text, handler);
    } else if (method == "DELETE") {
      server.Delete(route.pattern_text, handler);
    } else if (method == "PATCH") {
      server.Patch(route.pattern_text, handler);
    } else {
      throw std::logic_error("RouteTable: unsupported method " + method);
    }
  }
  httplib::Server::HandlerWithResponse on_error = [this](const httplib::Request& req,
                                                         httplib::Response& res) {
    // Handlers write their own error bodies; only fill in what httplib refused.
    if (!res.body.empty() || res.status != 404 || !req.path.starts_with("/v1/")) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    HttpError error;
    std::string allowed = AllowedMethods(req.path);
    if (allowed.empty()) {
      error = HttpErrorMapper::Local(404, "NotFound", "", "no route " + req.path);
    } else {
      error = HttpErrorMapper::Local(405, "MethodNotAllowed", "",
                                     req.method + " is not allowed on " + req.path);
      res.set_header("Allow", allowed);
    }
    res.status = error.http_status;
    res.set_content(error.body.dump(), "application/json");
    return httplib::Server::HandlerResponse::Handled;
  };
  server.set_error_handler(on_error);
}

}  // namespace gureum::gateway
