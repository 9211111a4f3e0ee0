# Writes a C++ source defining `std::string_view <SYMBOL>()` that returns the text of IN.
# Invoked as: cmake -DIN=<file> -DOUT=<file.cpp> -DSYMBOL=<name> -DNAMESPACE=<ns> -P embed_text.cmake
file(READ "${IN}" text)
set(body "// Generated from ${IN} by cmake/embed_text.cmake. Do not edit.\n#include <string_view>\n\n")
string(APPEND body "namespace ${NAMESPACE} {\n\nstd::string_view ${SYMBOL}() {\n  static constexpr char kText[] = R\"admit_text(${text})admit_text\";\n")
string(APPEND body "  return {kText, sizeof kText - 1};\n}\n\n}  // namespace ${NAMESPACE}\n")
file(WRITE "${OUT}.tmp" "${body}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
