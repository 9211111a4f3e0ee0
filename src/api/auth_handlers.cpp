#include "api/handlers.hpp"
#include "api/json_input.hpp"
#include "api/json_mapping.hpp"
#include "api/problem.hpp"

namespace admit::api {
namespace {

Response session_response(unsigned status, Result<SessionTokens> const& session) {
  if (!session) return problem(session.error());
  JsonWriter w;
  write_session(w, *session);
  return json_response(status, w.take()).with_header("Cache-Control", "no-store");
}

}  // namespace

Response sign_up(Accounts& accounts, Request& request) {
  auto input = JsonInput::parse(request);
  if (!input) return std::move(input.error());
  input->allow_only({"email", "password", "name", "role"});
  auto email = input->string("email", true);
  auto password = input->string("password", true);
  auto name = input->string("name", true);
  auto role_name = input->string("role");
  if (auto bad = input->errors()) return std::move(*bad);

  auto role = role_name ? parse_role(*role_name) : Role::attendee;
  if (!role)
    return problem(Error{
        Errc::invalid_input, "The account details are not acceptable.", {{"role", "must be attendee or organizer"}}});
  return session_response(201, accounts.sign_up({*email, *password, *name, *role}, request.actor()));
}

Response log_in(Accounts& accounts, Request& request) {
  auto input = JsonInput::parse(request);
  if (!input) return std::move(input.error());
  input->allow_only({"email", "password"});
  auto email = input->string("email", true);
  auto password = input->string("password", true);
  if (auto bad = input->errors()) return std::move(*bad);
  return session_response(200, accounts.log_in(*email, *password, request.client));
}

Response refresh_session(Accounts& accounts, Request& request) {
  auto input = JsonInput::parse(request);
  if (!input) return std::move(input.error());
  input->allow_only({"refreshToken"});
  auto token = input->string("refreshToken", true);
  if (auto bad = input->errors()) return std::move(*bad);
  return session_response(200, accounts.refresh(*token));
}

Response log_out(Accounts& accounts, Request& request) {
  auto input = JsonInput::parse(request);
  if (!input) return std::move(input.error());
  input->allow_only({"refreshToken"});
  auto token = input->string("refreshToken", true);
  if (auto bad = input->errors()) return std::move(*bad);
  if (auto done = accounts.log_out(*request.principal, *token); !done) return problem(done.error());
  return no_content();
}

Response get_me(Accounts& accounts, Request& request) {
  auto user = accounts.me(*request.principal);
  if (!user) return problem(user.error());
  JsonWriter w;
  w.begin_object();
  write_user_fields(w, *user);
  // Accounts made by external sign-in have none: the app then hides password changes and asks
  // for a fresh sign-in instead of the password where one confirms the person.
  w.field("hasPassword", !user->password_hash.empty());
  w.end_object();
  return json_response(200, w.take());
}

Response forgot_password(Accounts& accounts, Request& request) {
  auto input = JsonInput::parse(request);
  if (!input) return std::move(input.error());
  input->allow_only({"email"});
  auto email = input->string("email", true);
  if (auto bad = input->errors()) return std::move(*bad);
  if (auto done = accounts.request_password_reset(*email, request.client); !done) return problem(done.error());
  return accepted();
}

Response reset_password(Accounts& accounts, Request& request) {
  auto input = JsonInput::parse(request);
  if (!input) return std::move(input.error());
  input->allow_only({"token", "password"});
  auto token = input->string("token", true);
  auto password = input->string("password", true);
  if (auto bad = input->errors()) return std::move(*bad);
  if (auto done = accounts.reset_password(*token, *password, request.actor()); !done) return problem(done.error());
  return no_content();
}

Response verify_email(Accounts& accounts, Request& request) {
  auto input = JsonInput::parse(request);
  if (!input) return std::move(input.error());
  input->allow_only({"token"});
  auto token = input->string("token", true);
  if (auto bad = input->errors()) return std::move(*bad);
  if (auto done = accounts.verify_email(*token, request.actor()); !done) return problem(done.error());
  return no_content();
}

Response resend_verification(Accounts& accounts, Request& request) {
  if (auto queued = accounts.resend_verification(*request.principal); !queued) return problem(queued.error());
  return accepted();
}

}  // namespace admit::api
