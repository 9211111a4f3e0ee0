#pragma once

#include <string>
#include <vector>

#include "domain/printed_ticket.hpp"

namespace admit::tickets {

/// A QR code as a square of modules, true = dark.
struct QrMatrix {
  int size = 0;
  std::vector<bool> modules;  ///< row-major, size * size
  bool dark(int x, int y) const {
    return modules[static_cast<std::size_t>(y) * static_cast<std::size_t>(size) + static_cast<std::size_t>(x)];
  }
};

/// A corner of a QR outline, in modules from the symbol's top-left (y grows downwards).
struct QrCorner {
  int x = 0;
  int y = 0;
  bool operator==(QrCorner const&) const = default;
};

/// The outlines of the dark modules, each a closed polygon through its corners only (every
/// turn, never a point on a straight side). Dark modules lie to the right of the direction
/// of travel, so outer boundaries run clockwise on the page and holes anticlockwise: filled
/// with the non-zero rule, the outlines cover exactly the dark modules. Where two dark modules
/// touch only diagonally, an outline turns to keep to the module it is following. A PDF then
/// carries two numbers per corner instead of eight per run of modules.
std::vector<std::vector<QrCorner>> outline_qr(QrMatrix const& qr);

/// Encodes text as a QR code (libqrencode, error correction level M, the smallest version
/// that fits). Throws std::runtime_error when the text cannot be encoded.
QrMatrix encode_qr(std::string const& text);

/// Renders one A6-landscape ticket as a PDF (cairo + pango): event name, date, place,
/// holder, ticket type and price, ticket id, and the QR code drawn as vector squares with a
/// four-module quiet zone. Any script renders (DejaVu Sans with WenQuanYi Micro Hei as the
/// fallback for CJK). The bytes depend only on the ticket: no timestamps, so the same ticket
/// renders to the same file every time. Thread-safe.
std::string render_ticket_pdf(PrintedTicket const& ticket);

}  // namespace admit::tickets
