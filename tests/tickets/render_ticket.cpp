// render_ticket OUT.pdf QR_TEXT EVENT_NAME HOLDER_NAME: writes one ticket with plausible
// other fields, so scripts can check the renderer with tools that did not write it.
#include <exception>
#include <fstream>
#include <iostream>
#include <string>

#include "tickets/pdf.hpp"

/// fontconfig keeps a few allocations for the life of the process and never frees them;
/// LeakSanitizer (the asan preset sets detect_leaks=1) would otherwise fail this binary.
extern "C" char const* __lsan_default_suppressions() {
  return "leak:libfontconfig.so\n";
}

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: render_ticket OUT.pdf QR_TEXT EVENT_NAME HOLDER_NAME\n";
    return 2;
  }
  admit::PrintedTicket const sheet{
      .event_name = argv[3],
      .date_line = "Saturday, 12 December 2026 \u00b7 19:00 CET (Europe/Berlin)",
      .location = "Kulturbrauerei, Schönhauser Allee 36, 10435 Berlin",
      .holder_name = argv[4],
      .ticket_type = "General admission",
      .price_line = "\u20ac25.00",
      .ticket_id = "tkt_5fYq2mZt8KcW3nRb",
      .order_line = "Registration 5fYq2mZt \u00b7 ticket 2 of 3",
      .qr_text = argv[2],
  };
  try {
    std::string const pdf = admit::tickets::render_ticket_pdf(sheet);
    std::ofstream out(argv[1], std::ios::binary);
    out.write(pdf.data(), static_cast<std::streamsize>(pdf.size()));
    if (!out.flush()) {
      std::cerr << "render_ticket: cannot write " << argv[1] << "\n";
      return 1;
    }
  } catch (std::exception const& error) {
    std::cerr << "render_ticket: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
