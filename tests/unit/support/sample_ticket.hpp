#pragma once

/// A ticket as the PDF printer receives it, with a signed payload of realistic length: what the
/// PDF unit tests and the render benchmark (bench/pdf_render) print.

#include <cstddef>
#include <string>
#include <string_view>

#include "domain/printed_ticket.hpp"

namespace admit::test {

/// Upper-case base32, the alphabet of a signed ticket payload.
inline std::string base32_text(std::size_t length) {
  constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string text;
  for (std::size_t i = 0; i < length; ++i) text += kAlphabet[(i * 7 + 3) % kAlphabet.size()];
  return text;
}

inline PrintedTicket sample_ticket() {
  return {
      .event_name = "Jazz Night at the Blue Room",
      .date_line = "Saturday, 12 December 2026 \u00b7 19:00 CET",
      .location = "Blue Room, Kastanienallee 7, Berlin",
      .holder_name = "Ada Lovelace",
      .ticket_type = "General admission",
      .price_line = "\u20ac25.00",
      .ticket_id = "tkt_5fYq2mZt8KcW3nRb",
      .order_line = "Registration 5fYq2mZt \u00b7 ticket 2 of 3",
      .qr_text = "A1" + base32_text(180),
  };
}

}  // namespace admit::test
