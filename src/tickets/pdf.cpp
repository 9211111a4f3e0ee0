#include "tickets/pdf.hpp"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace admit::tickets {
namespace {

constexpr double mm(double millimetres) {
  return millimetres * 72.0 / 25.4;
}

constexpr double kPageWidth = mm(148);
constexpr double kPageHeight = mm(105);
constexpr double kMargin = mm(7);
constexpr double kBandHeight = mm(33);
constexpr double kStubWidth = mm(48);
constexpr double kPerforationX = kPageWidth - kStubWidth;
constexpr double kQrSide = mm(38);
constexpr int kQuietZoneModules = 4;

/// Fixed metadata dates: cairo would otherwise stamp the render time and no two files
/// would be equal.
constexpr char const* kFixedDate = "2000-01-01T00:00:00Z";

constexpr char const* kSansFamilies = "DejaVu Sans, WenQuanYi Micro Hei";
constexpr char const* kMonoFamilies = "DejaVu Sans Mono, WenQuanYi Micro Hei";

constexpr std::string_view kFooter = "Present this code at the entrance \u00b7 one scan admits one person";

struct Rgb {
  double r, g, b;
};

constexpr Rgb hex(unsigned value) {
  return {static_cast<double>((value >> 16) & 0xff) / 255.0, static_cast<double>((value >> 8) & 0xff) / 255.0,
          static_cast<double>(value & 0xff) / 255.0};
}

constexpr Rgb kIndigo = hex(0x3b2f8f);
constexpr Rgb kOnIndigo = hex(0xffffff);
constexpr Rgb kOnIndigoMuted = hex(0xc7c0f2);
constexpr Rgb kPerforationOnIndigo = hex(0x8a80d0);
constexpr Rgb kInk = hex(0x1d1b2f);
constexpr Rgb kMuted = hex(0x6a6785);
constexpr Rgb kFaint = hex(0x9a97b0);
constexpr Rgb kRule = hex(0xdedbeb);
constexpr Rgb kStubTint = hex(0xf3f1fa);
constexpr Rgb kWhite = hex(0xffffff);

void set_colour(cairo_t* cr, Rgb colour) {
  cairo_set_source_rgb(cr, colour.r, colour.g, colour.b);
}

struct QrCodeFree {
  void operator()(QRcode* code) const { QRcode_free(code); }
};
struct SurfaceDestroy {
  void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
struct CairoDestroy {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};
struct GObjectUnref {
  void operator()(gpointer object) const { g_object_unref(object); }
};
struct FontDescriptionFree {
  void operator()(PangoFontDescription* description) const { pango_font_description_free(description); }
};
struct AttrListUnref {
  void operator()(PangoAttrList* list) const { pango_attr_list_unref(list); }
};

/// Creating a font map loads the fontconfig set and is far too slow to do per ticket, and
/// pango's objects must not be shared between threads, so each thread keeps its own.
class ThreadPango {
 public:
  ThreadPango() : font_map_(pango_cairo_font_map_new()), context_(pango_font_map_create_context(font_map_)) {
    // Vector output: hinting would snap glyph metrics to a pixel grid that a PDF does not have.
    cairo_font_options_t* options = cairo_font_options_create();
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options(context_, options);
    cairo_font_options_destroy(options);
    pango_context_set_round_glyph_positions(context_, FALSE);
  }
  ~ThreadPango() {
    g_object_unref(context_);
    g_object_unref(font_map_);
  }
  ThreadPango(ThreadPango const&) = delete;
  ThreadPango& operator=(ThreadPango const&) = delete;
  ThreadPango(ThreadPango&&) = delete;
  ThreadPango& operator=(ThreadPango&&) = delete;

  PangoContext* context() const { return context_; }

 private:
  PangoFontMap* font_map_;
  PangoContext* context_;
};

PangoContext* thread_context() {
  thread_local ThreadPango pango;
  return pango.context();
}

/// Pango expects valid UTF-8 and would warn and mangle anything else; control characters
/// would start new paragraphs and escape the line limits below.
std::string printable(std::string_view text) {
  gchar* valid = g_utf8_make_valid(text.data(), static_cast<gssize>(text.size()));
  std::string result(valid);
  g_free(valid);
  for (char& c : result) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return result;
}

/// The QR text is left alone: it is encoded, not printed.
PrintedTicket printable(PrintedTicket const& sheet) {
  return {.event_name = printable(sheet.event_name),
          .date_line = printable(sheet.date_line),
          .location = printable(sheet.location),
          .holder_name = printable(sheet.holder_name),
          .ticket_type = printable(sheet.ticket_type),
          .price_line = printable(sheet.price_line),
          .ticket_id = printable(sheet.ticket_id),
          .order_line = printable(sheet.order_line),
          .qr_text = sheet.qr_text};
}

struct TextStyle {
  char const* families = kSansFamilies;
  double size = 9;
  PangoWeight weight = PANGO_WEIGHT_NORMAL;
  Rgb colour = kInk;
  double letter_spacing = 0;
  PangoAlignment alignment = PANGO_ALIGN_LEFT;
  int max_lines = 1;
};

/// A text block placed at (x, y) with the given width; wraps to the style's line limit and
/// ellipsizes the rest. The text is set as plain text, never markup, and must be valid
/// UTF-8 (see printable).
class TextBlock {
 public:
  TextBlock(cairo_t* cr, std::string_view text, TextStyle const& style, double width)
      : cr_(cr), layout_(pango_layout_new(thread_context())), colour_(style.colour) {
    std::unique_ptr<PangoFontDescription, FontDescriptionFree> font(pango_font_description_from_string(style.families));
    pango_font_description_set_absolute_size(font.get(), style.size * PANGO_SCALE);
    pango_font_description_set_weight(font.get(), style.weight);
    pango_layout_set_font_description(layout_.get(), font.get());
    if (style.letter_spacing != 0) {
      std::unique_ptr<PangoAttrList, AttrListUnref> attributes(pango_attr_list_new());
      pango_attr_list_insert(attributes.get(),
                             pango_attr_letter_spacing_new(static_cast<int>(style.letter_spacing * PANGO_SCALE)));
      pango_layout_set_attributes(layout_.get(), attributes.get());
    }
    pango_layout_set_width(layout_.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(layout_.get(), PANGO_WRAP_WORD_CHAR);
    pango_layout_set_ellipsize(layout_.get(), PANGO_ELLIPSIZE_END);
    pango_layout_set_height(layout_.get(), -style.max_lines);
    pango_layout_set_alignment(layout_.get(), style.alignment);
    pango_layout_set_text(layout_.get(), text.data(), static_cast<int>(text.size()));
  }

  double height() const {
    PangoRectangle logical;
    pango_layout_get_extents(layout_.get(), nullptr, &logical);
    return static_cast<double>(logical.height) / PANGO_SCALE;
  }

  /// Draws with the top of the first line at y; returns the y just below the block.
  double draw_at(double x, double y) const {
    set_colour(cr_, colour_);
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, layout_.get());
    return y + height();
  }

 private:
  cairo_t* cr_;
  std::unique_ptr<PangoLayout, GObjectUnref> layout_;
  Rgb colour_;
};

double draw_text(cairo_t* cr, std::string_view text, TextStyle const& style, double x, double y, double width) {
  return TextBlock(cr, text, style, width).draw_at(x, y);
}

TextStyle label_style(Rgb colour) {
  return {.size = 6.2, .weight = PANGO_WEIGHT_BOLD, .colour = colour, .letter_spacing = 1.1};
}

void fill_rect(cairo_t* cr, double x, double y, double w, double h, Rgb colour) {
  set_colour(cr, colour);
  cairo_rectangle(cr, x, y, w, h);
  cairo_fill(cr);
}

void rounded_rect(cairo_t* cr, double x, double y, double w, double h, double r) {
  cairo_new_sub_path(cr);
  cairo_arc(cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc(cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc(cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc(cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path(cr);
}

/// One path for the whole symbol, drawn as the outlines of its dark modules (see
/// outline_qr): no hairline seams when rasterized, and cairo prints every coordinate through
/// snprintf, so fewer corners make a cheaper page. The path is recorded in module units and
/// placed with a scale, so the PDF carries it as a form with small integer coordinates; in
/// page coordinates every corner would print as a long decimal, and the page stream (mostly
/// this path) would be three times larger and slower to deflate.
void draw_qr(cairo_t* cr, QrMatrix const& qr, double x, double y, double side) {
  fill_rect(cr, x, y, side, side, kWhite);
  cairo_rectangle_t const extents{0, 0, static_cast<double>(qr.size), static_cast<double>(qr.size)};
  std::unique_ptr<cairo_surface_t, SurfaceDestroy> symbol(
      cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &extents));
  {
    std::unique_ptr<cairo_t, CairoDestroy> symbol_cr(cairo_create(symbol.get()));
    for (auto const& outline : outline_qr(qr)) {
      cairo_move_to(symbol_cr.get(), outline.front().x, outline.front().y);
      for (auto corner = outline.begin() + 1; corner != outline.end(); ++corner) {
        cairo_line_to(symbol_cr.get(), corner->x, corner->y);
      }
      cairo_close_path(symbol_cr.get());
    }
    set_colour(symbol_cr.get(), kInk);
    cairo_fill(symbol_cr.get());
  }
  double const module = side / (qr.size + 2 * kQuietZoneModules);
  cairo_save(cr);
  cairo_translate(cr, x + kQuietZoneModules * module, y + kQuietZoneModules * module);
  cairo_scale(cr, module, module);
  cairo_set_source_surface(cr, symbol.get(), 0, 0);
  cairo_paint(cr);
  cairo_restore(cr);
}

void draw_perforation(cairo_t* cr) {
  cairo_save(cr);
  cairo_set_line_width(cr, 0.8);
  double const dashes[] = {3.0, 3.0};
  cairo_set_dash(cr, dashes, 2, 0);
  set_colour(cr, kPerforationOnIndigo);
  cairo_move_to(cr, kPerforationX, 0);
  cairo_line_to(cr, kPerforationX, kBandHeight);
  cairo_stroke(cr);
  set_colour(cr, kFaint);
  cairo_move_to(cr, kPerforationX, kBandHeight);
  cairo_line_to(cr, kPerforationX, kPageHeight);
  cairo_stroke(cr);
  cairo_restore(cr);
}

/// The event in the band, then when and where, top down.
void draw_event(cairo_t* cr, PrintedTicket const& sheet, double x, double width) {
  TextBlock const title(cr, sheet.event_name,
                        {.size = 19, .weight = PANGO_WEIGHT_BOLD, .colour = kOnIndigo, .max_lines = 2}, width);
  title.draw_at(x, (kBandHeight - title.height()) / 2);

  double const y =
      draw_text(cr, sheet.date_line, {.size = 9.5, .weight = PANGO_WEIGHT_BOLD, .colour = kInk, .max_lines = 2}, x,
                kBandHeight + mm(5), width);
  draw_text(cr, sheet.location, {.size = 9, .colour = kMuted, .max_lines = 2}, x, y + mm(1), width);
}

/// Holder, ticket type and price, and the support lines, bottom up from the page edge so
/// they keep their place however many lines the event block above takes (at most four,
/// which still leaves a gap).
void draw_admission(cairo_t* cr, PrintedTicket const& sheet, double x, double width) {
  double bottom = kPageHeight - mm(6);
  TextStyle const fine{.families = kMonoFamilies, .size = 6, .colour = kFaint};
  TextBlock const order(cr, sheet.order_line, fine, width);
  TextBlock const id(cr, "Ticket " + sheet.ticket_id, fine, width);
  bottom -= order.height();
  order.draw_at(x, bottom);
  bottom -= id.height() + mm(0.3);
  id.draw_at(x, bottom);

  bottom -= mm(4);
  set_colour(cr, kRule);
  cairo_set_line_width(cr, 0.6);
  cairo_move_to(cr, x, bottom);
  cairo_line_to(cr, x + width, bottom);
  cairo_stroke(cr);

  double const column = width * 0.62;
  TextStyle const value{.size = 9.5, .weight = PANGO_WEIGHT_BOLD, .colour = kInk};
  TextBlock const type(cr, sheet.ticket_type, value, column - mm(3));
  TextBlock const price(cr, sheet.price_line, value, width - column);
  TextBlock const type_label(cr, "TICKET", label_style(kMuted), column);
  bottom -= mm(3) + std::max(type.height(), price.height());
  type.draw_at(x, bottom);
  price.draw_at(x + column, bottom);
  bottom -= type_label.height() + mm(0.6);
  type_label.draw_at(x, bottom);
  draw_text(cr, "PRICE", label_style(kMuted), x + column, bottom, width - column);

  TextBlock const holder(cr, sheet.holder_name, {.size = 16, .weight = PANGO_WEIGHT_BOLD, .colour = kIndigo}, width);
  TextBlock const holder_label(cr, "TICKET HOLDER", label_style(kMuted), width);
  bottom -= mm(3.5) + holder.height();
  holder.draw_at(x, bottom);
  bottom -= holder_label.height() + mm(0.4);
  holder_label.draw_at(x, bottom);
}

void draw_stub(cairo_t* cr, QrMatrix const& qr) {
  double const inner = kStubWidth - 2 * mm(5);
  double const x = kPerforationX + mm(5);
  fill_rect(cr, kPerforationX, kBandHeight, kStubWidth, kPageHeight - kBandHeight, kStubTint);

  TextBlock const admit_one(cr, "ADMIT\nONE",
                            {.size = 15,
                             .weight = PANGO_WEIGHT_BOLD,
                             .colour = kOnIndigo,
                             .letter_spacing = 2.5,
                             .alignment = PANGO_ALIGN_CENTER,
                             .max_lines = 1},
                            inner);
  admit_one.draw_at(x, (kBandHeight - admit_one.height()) / 2);

  TextBlock const footer(cr, kFooter, {.size = 5.6, .colour = kMuted, .alignment = PANGO_ALIGN_CENTER, .max_lines = 3},
                         kQrSide);
  double const card = kQrSide + mm(3);
  double const block = card + mm(2.5) + footer.height();
  double const card_x = kPerforationX + (kStubWidth - card) / 2;
  double const card_y = kBandHeight + (kPageHeight - kBandHeight - block) / 2;
  set_colour(cr, kWhite);
  rounded_rect(cr, card_x, card_y, card, card, mm(2));
  cairo_fill(cr);
  draw_qr(cr, qr, card_x + mm(1.5), card_y + mm(1.5), kQrSide);
  footer.draw_at(kPerforationX + (kStubWidth - kQrSide) / 2, card_y + card + mm(2.5));
}

cairo_status_t append_to_string(void* closure, unsigned char const* data, unsigned length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<char const*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

void check(cairo_status_t status) {
  if (status != CAIRO_STATUS_SUCCESS) {
    throw std::runtime_error(std::string("ticket PDF: ") + cairo_status_to_string(status));
  }
}

}  // namespace

QrMatrix encode_qr(std::string const& text) {
  // QRcode_encodeString picks numeric, alphanumeric and byte segments itself; for an upper-case
  // base32 payload that gives the same symbol as a hand-built alphanumeric input, and it
  // keeps lower case intact (case-sensitive). A NUL would end the C string early, so such
  // text goes in as one byte segment.
  std::unique_ptr<QRcode, QrCodeFree> code(text.find('\0') == std::string::npos
                                               ? QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1)
                                               : QRcode_encodeData(static_cast<int>(text.size()),
                                                                   reinterpret_cast<unsigned char const*>(text.data()),
                                                                   0, QR_ECLEVEL_M));
  if (!code) throw std::runtime_error("QR code: text cannot be encoded (empty or too long)");
  QrMatrix matrix;
  matrix.size = code->width;
  auto const count = static_cast<std::size_t>(code->width) * static_cast<std::size_t>(code->width);
  matrix.modules.resize(count);
  for (std::size_t i = 0; i < count; ++i) matrix.modules[i] = (code->data[i] & 1) != 0;
  return matrix;
}

std::vector<std::vector<QrCorner>> outline_qr(QrMatrix const& qr) {
  enum Heading : unsigned { kRight, kDown, kLeft, kUp };  // clockwise on the page
  constexpr int kStepX[] = {1, 0, -1, 0};
  constexpr int kStepY[] = {0, 1, 0, -1};
  int const n = qr.size;
  int const stride = n + 1;  // corners per row
  auto const dark = [&qr, n](int x, int y) { return x >= 0 && y >= 0 && x < n && y < n && qr.dark(x, y); };

  // exits[corner]: one bit per heading in which an unwalked side leaves that corner. Each side
  // of a dark module that faces a light one (or the quiet zone) runs clockwise around it.
  std::vector<std::uint8_t> exits(static_cast<std::size_t>(stride) * static_cast<std::size_t>(stride), 0);
  auto const add_side = [&](int x, int y, Heading heading) {
    exits[static_cast<std::size_t>(y) * static_cast<std::size_t>(stride) + static_cast<std::size_t>(x)] |=
        static_cast<std::uint8_t>(1u << heading);
  };
  for (int y = 0; y < n; ++y) {
    for (int x = 0; x < n; ++x) {
      if (!qr.dark(x, y)) continue;
      if (!dark(x, y - 1)) add_side(x, y, kRight);
      if (!dark(x + 1, y)) add_side(x + 1, y, kDown);
      if (!dark(x, y + 1)) add_side(x + 1, y + 1, kLeft);
      if (!dark(x - 1, y)) add_side(x, y + 1, kUp);
    }
  }

  // The first corner with a side left, in reading order, is the top-left corner of an
  // outline not yet walked, so every outline starts at a turn.
  std::vector<std::vector<QrCorner>> outlines;
  for (int start = 0; start < stride * stride; ++start) {
    while (exits[static_cast<std::size_t>(start)] != 0) {
      std::vector<QrCorner> outline;
      int at = start;
      unsigned heading = 4;  // none yet
      do {
        auto& sides = exits[static_cast<std::size_t>(at)];
        // Two sides leave a corner only where dark modules touch diagonally; turning right
        // keeps to the module being followed.
        unsigned const right_turn = (heading + 1) % 4;
        unsigned const next = heading < 4 && (sides >> right_turn & 1u) != 0
                                  ? right_turn
                                  : static_cast<unsigned>(std::countr_zero(static_cast<unsigned>(sides)));
        if (next != heading) outline.push_back({at % stride, at / stride});
        // Every corner on the walk has an unwalked side leaving it (sides into and out of a
        // corner pair up), so `sides` is not 0 and `next` is below 4.
        // NOLINTNEXTLINE(clang-analyzer-core.BitwiseShift)
        sides = static_cast<std::uint8_t>(sides & ~(1u << next));
        heading = next;
        at += kStepY[heading] * stride + kStepX[heading];
      } while (at != start);
      outlines.push_back(std::move(outline));
    }
  }
  return outlines;
}

std::string render_ticket_pdf(PrintedTicket const& ticket) {
  QrMatrix const qr = encode_qr(ticket.qr_text);
  PrintedTicket const sheet = printable(ticket);

  std::string pdf;
  std::unique_ptr<cairo_surface_t, SurfaceDestroy> surface(
      cairo_pdf_surface_create_for_stream(append_to_string, &pdf, kPageWidth, kPageHeight));
  check(cairo_surface_status(surface.get()));
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, sheet.event_name.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "Admit");
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE, kFixedDate);
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_MOD_DATE, kFixedDate);

  {
    std::unique_ptr<cairo_t, CairoDestroy> cr(cairo_create(surface.get()));
    pango_cairo_update_context(cr.get(), thread_context());
    fill_rect(cr.get(), 0, 0, kPageWidth, kBandHeight, kIndigo);
    double const width = kPerforationX - kMargin - mm(6);
    draw_event(cr.get(), sheet, kMargin, width);
    draw_admission(cr.get(), sheet, kMargin, width);
    draw_stub(cr.get(), qr);
    draw_perforation(cr.get());
    cairo_show_page(cr.get());
    check(cairo_status(cr.get()));
  }
  cairo_surface_finish(surface.get());
  check(cairo_surface_status(surface.get()));
  return pdf;
}

}  // namespace admit::tickets
