#include "user_command.hpp"

#include <cstdio>
#include <stdexcept>

namespace admit {
namespace {

void print_roles(User const& user, std::string const& what) {
  std::string roles;
  for (auto name : user.roles.names()) roles += (roles.empty() ? "" : ", ") + std::string(name);
  std::printf("%s %s; roles: %s\n", user.email.c_str(), what.c_str(), roles.empty() ? "none" : roles.c_str());
}

}  // namespace

UserCommand parse_user_command(std::vector<std::string> const& args) {
  constexpr char const* kUsage =
      "usage: admit user role EMAIL ROLE | admit user revoke EMAIL ROLE | admit user disable EMAIL | "
      "admit user enable EMAIL";
  if (args.empty()) throw std::invalid_argument(kUsage);
  auto const& verb = args[0];
  bool const with_role = verb == "role" || verb == "revoke";
  bool const without_role = verb == "disable" || verb == "enable";
  if (!(with_role && args.size() == 3) && !(without_role && args.size() == 2)) throw std::invalid_argument(kUsage);
  UserCommand command{.verb = verb, .email = args[1], .role = std::nullopt, .role_name = {}};
  if (with_role) {
    if (is_retired_role(args[2])) {
      throw std::invalid_argument(
          "staff is no longer a role: door staff are invited per event by its organizer "
          "(POST /api/events/{id}/staff, or the event's Staff page in the web app)");
    }
    command.role = parse_role(args[2]);
    if (!command.role) throw std::invalid_argument("ROLE must be attendee, organizer or admin");
    command.role_name = args[2];
  }
  return command;
}

int run_user_command(UserCommand const& command, Accounts& accounts) {
  Actor const cli{{}, "cli"};
  auto const& verb = command.verb;
  auto const& email = command.email;
  Result<User> user = verb == "role"      ? accounts.grant_role(email, *command.role, cli)
                      : verb == "revoke"  ? accounts.revoke_role(email, *command.role, cli)
                      : verb == "disable" ? accounts.disable(email, cli)
                                          : accounts.enable(email, cli);
  if (!user) {
    (void)std::fprintf(stderr, "admit: %s\n", user.error().detail.c_str());
    return 1;
  }
  if (verb == "role") print_roles(*user, "was granted " + command.role_name);
  if (verb == "revoke") {
    print_roles(*user,
                "lost " + command.role_name + "; its sessions are ended, its access tokens refused within seconds");
  }
  if (verb == "disable") {
    print_roles(*user, "is disabled; its sessions are ended, its access tokens refused within seconds");
  }
  if (verb == "enable") print_roles(*user, "is enabled and may sign in again");
  return 0;
}

}  // namespace admit
