# Warnings every target gets; the build stays warning-free. -Wnull-dereference is left out:
# with g++ 12 it fires inside Asio's inlined scheduler code, not ours. -Wrestrict is off for
# g++ 12's false positives on std::string concatenation (GCC bug 105329).
add_library(admit_warnings INTERFACE)
target_compile_options(admit_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Wunused -Woverloaded-virtual -Wimplicit-fallthrough
  $<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized -Wno-restrict>)
