#include "tickets/pdf.hpp"
#include "support/sample_ticket.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

/// fontconfig keeps a few allocations for the life of the process and never frees them;
/// LeakSanitizer (the asan preset sets detect_leaks=1) would otherwise fail this binary.
extern "C" char const* __lsan_default_suppressions() {
  return "leak:libfontconfig.so\n";
}

namespace admit::tickets {
namespace {

using test::base32_text;

PrintedTicket sample_sheet() {
  return test::sample_ticket();
}

bool is_pdf(std::string const& bytes) {
  if (!bytes.starts_with("%PDF-")) return false;
  std::string_view tail = bytes;
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.remove_suffix(1);
  return tail.ends_with("%%EOF");
}

TEST(EncodeQr, GivesSquareMatrixWithFinderPattern) {
  QrMatrix const qr = encode_qr("HELLO TICKET");
  ASSERT_GE(qr.size, 21);
  ASSERT_EQ(qr.modules.size(), static_cast<std::size_t>(qr.size * qr.size));
  for (int x = 0; x < 7; ++x) {
    EXPECT_TRUE(qr.dark(x, 0)) << "top row of finder, x=" << x;
    EXPECT_TRUE(qr.dark(x, 6)) << "bottom row of finder, x=" << x;
  }
  for (int y = 0; y < 7; ++y) {
    EXPECT_TRUE(qr.dark(0, y));
    EXPECT_TRUE(qr.dark(6, y));
  }
  EXPECT_FALSE(qr.dark(1, 1));
  EXPECT_TRUE(qr.dark(3, 3));
  EXPECT_FALSE(qr.dark(7, 0)) << "separator";
  EXPECT_TRUE(qr.dark(qr.size - 1, 0)) << "top-right finder";
  EXPECT_TRUE(qr.dark(0, qr.size - 1)) << "bottom-left finder";
}

TEST(EncodeQr, FitsBase32PayloadInVersionTenOrLess) {
  QrMatrix const qr = encode_qr(base32_text(188));
  EXPECT_LE(qr.size, 57);
}

TEST(EncodeQr, ThrowsOnEmptyText) {
  EXPECT_THROW(encode_qr(""), std::runtime_error);
}

/// The winding number of the outlines around the centre of module (x, y): the signed count
/// of vertical sides crossed by a ray from the centre to the right.
int winding_at(std::vector<std::vector<QrCorner>> const& outlines, int x, int y) {
  int winding = 0;
  for (auto const& outline : outlines) {
    for (std::size_t i = 0; i < outline.size(); ++i) {
      QrCorner const from = outline[i];
      QrCorner const to = outline[(i + 1) % outline.size()];
      if (from.x != to.x || from.x <= x) continue;
      if (std::min(from.y, to.y) <= y && y < std::max(from.y, to.y)) winding += to.y > from.y ? 1 : -1;
    }
  }
  return winding;
}

/// Fails unless the outlines are closed axis-parallel polygons through turns only, and cover
/// exactly the dark modules under the non-zero rule (winding 1 on dark, 0 on light).
void expect_outlines_cover(QrMatrix const& qr) {
  auto const outlines = outline_qr(qr);
  for (auto const& outline : outlines) {
    ASSERT_GE(outline.size(), 4u);
    ASSERT_EQ(outline.size() % 2, 0u);
    for (std::size_t i = 0; i < outline.size(); ++i) {
      QrCorner const a = outline[i];
      QrCorner const b = outline[(i + 1) % outline.size()];
      QrCorner const c = outline[(i + 2) % outline.size()];
      ASSERT_TRUE((a.x == b.x) != (a.y == b.y)) << "sides are horizontal or vertical and not empty";
      ASSERT_NE(a.x == b.x, b.x == c.x) << "every corner is a turn";
    }
  }
  for (int y = 0; y < qr.size; ++y) {
    for (int x = 0; x < qr.size; ++x) {
      ASSERT_EQ(winding_at(outlines, x, y), qr.dark(x, y) ? 1 : 0) << "module " << x << "," << y;
    }
  }
}

QrMatrix matrix_of(int size, auto dark) {
  QrMatrix qr;
  qr.size = size;
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) qr.modules.push_back(dark(x, y));
  }
  return qr;
}

TEST(OutlineQr, CoversExactlyTheDarkModulesOfRealSymbols) {
  for (std::size_t length : {1u, 12u, 60u, 120u, 182u, 188u}) {
    SCOPED_TRACE(length);
    expect_outlines_cover(encode_qr("A1" + base32_text(length)));
  }
}

TEST(OutlineQr, FollowsOneModuleWhereModulesTouchOnlyAtACorner) {
  // A checkerboard touches diagonally everywhere: every dark module is its own outline.
  QrMatrix const checkerboard = matrix_of(9, [](int x, int y) { return (x + y) % 2 == 0; });
  expect_outlines_cover(checkerboard);
  EXPECT_EQ(outline_qr(checkerboard).size(), 41u);
  // A ring has a hole: one clockwise outline outside, one anticlockwise inside.
  QrMatrix const ring = matrix_of(5, [](int x, int y) { return x == 0 || y == 0 || x == 4 || y == 4; });
  expect_outlines_cover(ring);
  auto const ring_outlines = outline_qr(ring);
  ASSERT_EQ(ring_outlines.size(), 2u);
  EXPECT_EQ(ring_outlines[0], (std::vector<QrCorner>{{0, 0}, {5, 0}, {5, 5}, {0, 5}}));
  EXPECT_EQ(ring_outlines[1], (std::vector<QrCorner>{{1, 1}, {1, 4}, {4, 4}, {4, 1}}));
  expect_outlines_cover(matrix_of(3, [](int, int) { return false; }));
  expect_outlines_cover(matrix_of(3, [](int, int) { return true; }));
}

TEST(OutlineQr, NeedsFarFewerCornersThanRunsOfModules) {
  QrMatrix const qr = encode_qr("A1" + base32_text(180));
  std::size_t runs = 0;
  for (int y = 0; y < qr.size; ++y) {
    for (int x = 0; x < qr.size; ++x) runs += qr.dark(x, y) && (x == 0 || !qr.dark(x - 1, y)) ? 1 : 0;
  }
  std::size_t corners = 0;
  for (auto const& outline : outline_qr(qr)) corners += outline.size();
  EXPECT_LT(corners * 2, runs * 8 * 3 / 4) << corners << " corners, " << runs << " runs";
}

TEST(RenderTicketPdf, WritesACompletePdf) {
  std::string const pdf = render_ticket_pdf(sample_sheet());
  EXPECT_TRUE(is_pdf(pdf)) << pdf.substr(0, 16);
  EXPECT_NE(pdf.find("/Title (Jazz Night at the Blue Room)"), std::string::npos);
  EXPECT_NE(pdf.find("/Creator (Admit)"), std::string::npos);
}

TEST(RenderTicketPdf, IsByteIdenticalForTheSameSheet) {
  std::string const first = render_ticket_pdf(sample_sheet());
  std::string const second = render_ticket_pdf(sample_sheet());
  EXPECT_EQ(first, second);
}

TEST(RenderTicketPdf, IsByteIdenticalAcrossThreads) {
  std::string const expected = render_ticket_pdf(sample_sheet());
  std::vector<std::string> results(4);
  {
    std::vector<std::jthread> threads;
    for (auto& result : results) {
      threads.emplace_back([&result] {
        for (int i = 0; i < 20; ++i) result = render_ticket_pdf(sample_sheet());
      });
    }
  }
  for (auto const& result : results) EXPECT_EQ(result, expected);
}

TEST(RenderTicketPdf, TreatsMarkupInUserTextAsText) {
  PrintedTicket sheet = sample_sheet();
  sheet.event_name = "<b>&amp; Friends</b> & <i>more";
  sheet.holder_name = "O'Brien <script>&";
  std::string const pdf = render_ticket_pdf(sheet);
  EXPECT_TRUE(is_pdf(pdf));
}

TEST(RenderTicketPdf, RendersCjkText) {
  PrintedTicket sheet = sample_sheet();
  sheet.event_name = "東京デベロッパーサミット 2027";
  sheet.holder_name = "山田 太郎";
  std::string pdf;
  ASSERT_NO_THROW(pdf = render_ticket_pdf(sheet));
  EXPECT_TRUE(is_pdf(pdf));
}

TEST(RenderTicketPdf, SurvivesInvalidUtf8AndControlCharacters) {
  PrintedTicket sheet = sample_sheet();
  sheet.event_name = "Broken \xff\xfe name\nwith\ttabs";
  sheet.holder_name = std::string("nul\0inside", 10);
  EXPECT_TRUE(is_pdf(render_ticket_pdf(sheet)));
}

}  // namespace
}  // namespace admit::tickets
