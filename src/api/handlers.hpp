#pragma once

/// The handlers: each parses its request, calls one use case and serialises the outcome.

#include "api/http_types.hpp"
#include "app/accounts.hpp"
#include "app/events.hpp"

namespace admit::api {

Response sign_up(Accounts& accounts, Request& request);
Response log_in(Accounts& accounts, Request& request);
Response refresh_session(Accounts& accounts, Request& request);
Response log_out(Accounts& accounts, Request& request);
Response get_me(Accounts& accounts, Request& request);

Response create_event(Events& events, Request& request);
Response get_event(Events& events, Request& request);
Response list_events(Events& events, Request& request);
Response list_my_events(Events& events, Request& request);
Response update_event(Events& events, Request& request);
Response cancel_event(Events& events, Request& request);

}  // namespace admit::api
