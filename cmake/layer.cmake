# admit_layer(NAME <name> [DIR <folder>] [HEADERS <file> ...] [SOURCES ...] DEPS ...)
# Declares one architectural layer as a library `admit_<name>` (an INTERFACE library when it has
# no SOURCES). A layer names the layers below it in DEPS and nothing else, so an include that
# points upward fails to compile: no target has src/ on its include path. Each layer instead
# publishes its own view, build/<preset>/layers/<name>/<folder>/<header>, links to its headers in
# src/<folder> (DIR, default <name>; HEADERS, default every *.hpp there), and a target sees only
# the views of the layers it links, directly or through their DEPS. Includes keep their
# "domain/event.hpp" form.
function(admit_layer)
  cmake_parse_arguments(L "" "NAME;DIR" "SOURCES;HEADERS;DEPS" ${ARGN})
  if(NOT L_DIR)
    set(L_DIR ${L_NAME})
  endif()
  set(source_dir ${PROJECT_SOURCE_DIR}/src/${L_DIR})
  if(NOT L_HEADERS)
    # CONFIGURE_DEPENDS: a header added later re-runs CMake, which links it into the view.
    file(GLOB L_HEADERS CONFIGURE_DEPENDS RELATIVE ${source_dir} ${source_dir}/*.hpp)
  endif()

  set(view ${PROJECT_BINARY_DIR}/layers/${L_NAME})
  file(REMOVE_RECURSE ${view})  # drops links to headers that were renamed or removed
  file(MAKE_DIRECTORY ${view}/${L_DIR})
  foreach(header IN LISTS L_HEADERS)
    file(CREATE_LINK ${source_dir}/${header} ${view}/${L_DIR}/${header} SYMBOLIC)
  endforeach()

  if(L_SOURCES)
    add_library(admit_${L_NAME} STATIC ${L_SOURCES})
    target_include_directories(admit_${L_NAME} PUBLIC ${view})
    target_link_libraries(admit_${L_NAME} PUBLIC ${L_DEPS} PRIVATE admit_warnings)
  else()
    add_library(admit_${L_NAME} INTERFACE)
    target_include_directories(admit_${L_NAME} INTERFACE ${view})
    target_link_libraries(admit_${L_NAME} INTERFACE ${L_DEPS})
  endif()
endfunction()
