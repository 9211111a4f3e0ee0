#pragma once

#include "api/json_writer.hpp"
#include "app/accounts.hpp"
#include "domain/event.hpp"
#include "domain/user.hpp"

namespace admit::api {

void write_user(JsonWriter& w, User const& user);
void write_event(JsonWriter& w, Event const& event);
void write_session(JsonWriter& w, SessionTokens const& session);

}  // namespace admit::api
