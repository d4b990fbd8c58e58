# The wasm build: Debian's emscripten 3.1.6 (see ../shared/TOOLCHAIN.md for its traps).
# SQLite and libsodium come from Debian's source packages built by scripts/setup into
# DOSTI_WASM_DEPS (default ~/.cache/dosti); header-only libraries are staged from /usr/include,
# because emscripten's sysroot must not see /usr/include itself.
set(DOSTI_WASM_DEPS "$ENV{HOME}/.cache/dosti" CACHE PATH "Where scripts/setup put the wasm builds")

if(NOT EXISTS "${DOSTI_WASM_DEPS}/sqlite3-wasm/lib/libsqlite3.a")
  message(FATAL_ERROR "No wasm SQLite in ${DOSTI_WASM_DEPS}: run scripts/setup first")
endif()
add_library(dosti_sqlite3 STATIC IMPORTED GLOBAL)
set_target_properties(dosti_sqlite3 PROPERTIES
  IMPORTED_LOCATION "${DOSTI_WASM_DEPS}/sqlite3-wasm/lib/libsqlite3.a"
  INTERFACE_INCLUDE_DIRECTORIES "${DOSTI_WASM_DEPS}/sqlite3-wasm/include")

# Stage header-only libraries as a folder of symlinks (trap 3).
set(staged "${CMAKE_BINARY_DIR}/staged-include")
file(MAKE_DIRECTORY "${staged}")
foreach(dir cereal tl catch2)
  if(EXISTS "/usr/include/${dir}" AND NOT EXISTS "${staged}/${dir}")
    file(CREATE_LINK "/usr/include/${dir}" "${staged}/${dir}" SYMBOLIC)
  endif()
endforeach()
add_library(dosti_headers INTERFACE)
target_compile_options(dosti_headers INTERFACE "SHELL:-isystem ${staged}")

# Catch2's REQUIRE throws and cereal throws on malformed input: native wasm exceptions everywhere.
add_compile_options(-fwasm-exceptions -Wall -Wextra -Wno-unused-parameter)
add_link_options(-fwasm-exceptions -sALLOW_MEMORY_GROWTH=1)

if(DOSTI_TESTS)
  # Catch2's CMake helpers are not visible from the emscripten sysroot; include them by path.
  list(APPEND CMAKE_MODULE_PATH /usr/lib/cmake/Catch2)
  include(Catch)
  add_library(Catch2::Catch2 INTERFACE IMPORTED)
  target_link_libraries(Catch2::Catch2 INTERFACE dosti_headers)
endif()
