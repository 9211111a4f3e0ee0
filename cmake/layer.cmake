# admit_layer(NAME <name> SOURCES ... DEPS ...)
# Declares one architectural layer as a static library `admit_<name>`. A layer names the
# layers below it in DEPS and nothing else, so an include that points upward fails to link.
function(admit_layer)
  cmake_parse_arguments(L "" "NAME" "SOURCES;DEPS" ${ARGN})
  add_library(admit_${L_NAME} STATIC ${L_SOURCES})
  target_include_directories(admit_${L_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(admit_${L_NAME} PUBLIC ${L_DEPS} PRIVATE admit_warnings)
endfunction()
