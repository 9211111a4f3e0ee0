// External sign-in: the web app asks whether it is on, the browser is sent to the provider and
// back, and the web app trades the one-time code for Admit's tokens.

#include "api/handlers.hpp"
#include "api/json_input.hpp"
#include "api/json_mapping.hpp"
#include "api/json_writer.hpp"
#include "api/problem.hpp"
#include "api/query.hpp"

namespace admit::api {
namespace {

Response not_configured() {
  return problem(404, "not-found", "Not found", "External sign-in is not configured on this server.");
}

Response redirect(std::string location) {
  Response response{.status = 302, .content_type = "text/plain; charset=utf-8", .body = {}, .headers = {}};
  response.with_header("Location", std::move(location))
      .with_header("Cache-Control", "no-store")
      // The provider's URL carries the state, the callback's the code: neither goes on as a Referer.
      .with_header("Referrer-Policy", "no-referrer");
  return response;
}

Response bad_query() {
  return problem(Error{Errc::invalid_input, "The query string is not valid.", {{"query", "is not valid"}}});
}

}  // namespace

Response get_oidc_config(ExternalSignIn* sign_in, Request&) {
  JsonWriter w;
  w.begin_object();
  w.field("enabled", sign_in != nullptr);
  if (sign_in != nullptr) {
    w.field("issuer", std::string_view(sign_in->issuer()));
    w.field("displayName", std::string_view(sign_in->display_name()));
  }
  w.end_object();
  return json_response(200, w.take()).with_header("Cache-Control", "no-cache");
}

Response start_oidc_sign_in(ExternalSignIn* sign_in, Request& request) {
  if (sign_in == nullptr) return not_configured();
  auto const query = QueryParams::parse(request.query);
  if (!query) return bad_query();
  auto const return_to = query->get("returnTo");
  auto url = sign_in->start(return_to ? std::optional<std::string_view>(*return_to) : std::nullopt);
  if (!url) return problem(url.error());
  return redirect(std::move(*url));
}

Response finish_oidc_sign_in(ExternalSignIn* sign_in, Request& request) {
  if (sign_in == nullptr) return not_configured();
  auto const query = QueryParams::parse(request.query);
  ExternalSignIn::Callback callback;
  if (query) {
    callback.state = query->get("state").value_or("");
    callback.code = query->get("code").value_or("");
    callback.error = query->get("error").value_or("");
  }
  return redirect(sign_in->finish(callback, request.actor()));
}

Response exchange_oidc_code(ExternalSignIn* sign_in, Request& request) {
  if (sign_in == nullptr) return not_configured();
  auto input = JsonInput::parse(request);
  if (!input) return std::move(input.error());
  input->allow_only({"code"});
  auto code = input->string("code", true);
  if (auto bad = input->errors()) return std::move(*bad);
  auto session = sign_in->exchange(*code);
  if (!session) return problem(session.error());
  JsonWriter w;
  write_session(w, *session);
  return json_response(200, w.take()).with_header("Cache-Control", "no-store");
}

}  // namespace admit::api
