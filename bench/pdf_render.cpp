// pdf_render [RENDERS]: how many ticket PDFs one thread renders per second, for a Latin and a
// CJK ticket, without HTTP or a database around the renderer. A benchmark, not a test: no
// figure is asserted (shared cores make any fixed threshold flaky); see bench/RESULTS.md.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "support/sample_ticket.hpp"
#include "tickets/pdf.hpp"

/// fontconfig keeps a few allocations for the life of the process and never frees them;
/// LeakSanitizer (the asan preset sets detect_leaks=1) would otherwise fail this program.
extern "C" char const* __lsan_default_suppressions() {
  return "leak:libfontconfig.so\n";
}

namespace {

using admit::PrintedTicket;
using admit::tickets::render_ticket_pdf;

PrintedTicket latin_sheet() {
  return admit::test::sample_ticket();
}

void print_renders_per_second(char const* label, PrintedTicket const& sheet, int renders) {
  render_ticket_pdf(sheet);  // the thread's font map and fonts load on the first render
  auto const start = std::chrono::steady_clock::now();
  std::size_t bytes = 0;
  for (int i = 0; i < renders; ++i) bytes += render_ticket_pdf(sheet).size();
  std::chrono::duration<double> const elapsed = std::chrono::steady_clock::now() - start;
  std::printf("%s: %.0f renders/s on one thread, %zu bytes each\n", label, renders / elapsed.count(),
              bytes / static_cast<std::size_t>(renders));
}

}  // namespace

int main(int argc, char** argv) {
  int renders = 200;
  if (argc > 2 || (argc == 2 && (std::from_chars(argv[1], argv[1] + std::strlen(argv[1]), renders).ec != std::errc{} ||
                                 renders < 1))) {
    std::fprintf(stderr, "usage: pdf_render [RENDERS]   (default 200 per ticket)\n");
    return 2;
  }
  print_renders_per_second("latin", latin_sheet(), renders);
  PrintedTicket cjk = latin_sheet();
  cjk.event_name = "東京デベロッパーサミット 2027";
  cjk.holder_name = "山田 太郎";
  print_renders_per_second("cjk", cjk, renders);
}
