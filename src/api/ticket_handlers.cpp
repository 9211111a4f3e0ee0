#include "api/handlers.hpp"
#include "api/json_input.hpp"
#include "api/json_mapping.hpp"
#include "api/problem.hpp"
#include "api/query.hpp"
#include "base/encoding.hpp"

namespace admit::api {

Response get_ticket(Tickets& tickets, Request& request) {
  auto ticket = tickets.get_ticket(*request.principal, request.param("id"));
  if (!ticket) return problem(ticket.error());
  JsonWriter w;
  write_ticket(w, *ticket);
  return json_response(200, w.take());
}

Response get_download_link(Tickets& tickets, Request& request) {
  auto link = tickets.download_link(*request.principal, request.param("id"));
  if (!link) return problem(link.error());
  JsonWriter w;
  w.begin_object().field("url", link->url).field("expiresAt", format_rfc3339(link->expires_at)).end_object();
  return json_response(200, w.take());
}

Response get_ticket_pdf(Tickets& tickets, Request& request) {
  auto params = QueryParams::parse(request.query);
  auto const expires = params ? params->get("expires") : std::nullopt;
  auto const signature = params ? params->get("signature") : std::nullopt;
  if (!expires || !signature) {
    return problem(403, "forbidden", "Not allowed", "This download link is incomplete; ask for a new one.");
  }
  auto const id = request.param("id");
  auto pdf = tickets.ticket_pdf(id, *expires, *signature);
  if (!pdf) return problem(pdf.error());
  Response response{.status = 200, .content_type = "application/pdf", .body = std::move(*pdf), .headers = {}};
  response.with_header("Content-Disposition", "inline; filename=\"ticket-" + std::string(id) + ".pdf\"");
  response.with_header("Cache-Control", "private, max-age=300");
  return response;
}

void validate_ticket(Tickets& tickets, Request& request, Respond respond) {
  auto input = JsonInput::parse(request);
  if (!input) return respond(std::move(input.error()));
  input->allow_only({"qrCode", "eventId"});
  auto code = input->string("qrCode", true);
  auto event_id = input->string("eventId");
  if (auto bad = input->errors()) return respond(std::move(*bad));
  tickets.validate_ticket(*request.principal, *code, event_id, request.actor(),
                          [respond = std::move(respond)](Result<ScanOutcome> scan) {
                            if (!scan) return respond(problem(scan.error()));
                            using R = ScanOutcome::Result;
                            auto const result = [&]() -> std::string_view {
                              switch (scan->result) {
                                case R::valid: return "valid";
                                case R::already_used: return "already_used";
                                case R::cancelled: return "cancelled";
                                case R::wrong_event: return "wrong_event";
                                case R::invalid: break;
                              }
                              return "invalid";
                            }();
                            JsonWriter w;
                            w.begin_object().field("result", result);
                            if (scan->ticket) {
                              w.key("ticket");
                              write_ticket(w, *scan->ticket);
                              w.key("validatedAt");
                              write_time(w, scan->ticket->validated_at);
                              w.field("holderName", scan->ticket->holder_name);
                            }
                            w.end_object();
                            respond(json_response(200, w.take()));
                          });
}

namespace {

void write_scan_key(JsonWriter& w, PublicScanKey const& k) {
  w.begin_object()
      .field("keyId", key_id_text(k.key_id))
      .field("publicKey", base64url_encode(k.public_key))
      .field("algorithm", "Ed25519")
      .field("createdAt", format_rfc3339(k.created_at))
      .field("active", k.active)
      .end_object();
}

}  // namespace

Response get_scan_keys(Tickets& tickets, Request& request) {
  auto keys = tickets.scan_keys(*request.principal, request.param("id"));
  if (!keys) return problem(keys.error());
  JsonWriter w;
  w.begin_object().field("eventId", keys->event_id);
  w.field("format", "A + base32(0x01 | keyId:4 | ticketId:16 | eventId:16 | userId:16 | Ed25519 signature:64)");
  w.key("keys").begin_array();
  for (auto const& k : keys->keys) write_scan_key(w, k);
  w.end_array().end_object();
  return json_response(200, w.take());
}

Response rotate_scan_key(Tickets& tickets, Request& request) {
  auto key = tickets.rotate_scan_key(*request.principal, request.param("id"), request.actor());
  if (!key) return problem(key.error());
  JsonWriter w;
  write_scan_key(w, *key);
  return json_response(201, w.take());
}

}  // namespace admit::api
