#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/accounts.hpp"

namespace admit {

/// `admit user role|revoke EMAIL ROLE` or `admit user disable|enable EMAIL`.
struct UserCommand {
  std::string verb;  ///< role, revoke, disable or enable
  std::string email;
  std::optional<Role> role;  ///< for role and revoke
  std::string role_name;     ///< as typed, for the message
};

/// Reads the arguments after `admit user`, before anything is opened. Throws
/// std::invalid_argument with the usage or what is wrong.
UserCommand parse_user_command(std::vector<std::string> const& args);
/// Runs the command through the accounts use case and prints what changed. Returns a process
/// exit code.
int run_user_command(UserCommand const& command, Accounts& accounts);

}  // namespace admit
