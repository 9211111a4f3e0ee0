#pragma once

#include <ostream>

#include "app/accounts.hpp"
#include "app/events.hpp"

namespace admit {

/// Creates a demo organizer, a demo attendee and a few upcoming events, once; prints the
/// accounts' passwords (they are not stored anywhere in clear). Returns a process exit code.
int load_demo(Accounts& accounts, Events& events, Entropy& entropy, Clock const& clock, std::ostream& out);

}  // namespace admit
