#pragma once

#include <functional>
#include <string>
#include <vector>

#include "api/router.hpp"
#include "app/accounts.hpp"
#include "app/administration.hpp"
#include "app/comps.hpp"
#include "app/confirmations.hpp"
#include "app/events.hpp"
#include "app/external_sign_in.hpp"
#include "app/payments.hpp"
#include "app/promo_codes.hpp"
#include "app/questions.hpp"
#include "app/registrations.hpp"
#include "app/staff.hpp"
#include "app/tickets.hpp"
#include "app/waitlist.hpp"

namespace admit::api {

/// What the route table needs from the rest of the program.
struct Services {
  Accounts& accounts;
  Events& events;
  Registrations& registrations;
  Comps& comps;
  Confirmations& confirmations;
  Tickets& tickets;
  Payments& payments;
  Staff& staff;
  Questions& questions;
  PromoCodes& promo_codes;
  ExternalSignIn* external_sign_in;  ///< null: no external provider configured
  Administration& admin;
  Waitlist& waitlist;
  std::function<bool()> ready;             ///< the database answers
  std::function<std::string()> jwks_json;  ///< the public signing keys
  std::function<std::string()> metrics;    ///< Prometheus exposition text
};

/// Every route Admit serves, in one table.
std::vector<Route> make_routes(Services const& services);

/// The OpenAPI 3.1 document (src/api/openapi.json), embedded at build time.
std::string_view openapi_document();

}  // namespace admit::api
