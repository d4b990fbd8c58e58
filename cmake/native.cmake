# Native dependencies, all from Debian packages (scripts/setup installs them).
#
# Targets defined here (the wasm build defines the same names in wasm.cmake):
#   dosti_sqlite3   SQLite 3.40.1 (link PRIVATE, from core only)
#   dosti_sodium    libsodium 1.0.18 (link PRIVATE, from sync only)
#   dosti_headers   cereal, tl::expected: in /usr/include natively, so nothing to add
find_package(PkgConfig REQUIRED)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
add_library(dosti_sqlite3 INTERFACE)
target_link_libraries(dosti_sqlite3 INTERFACE PkgConfig::SQLITE3)

pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
add_library(dosti_sodium INTERFACE)
target_link_libraries(dosti_sodium INTERFACE PkgConfig::SODIUM)

add_library(dosti_headers INTERFACE)

# Wasm-only link settings for executables run under Node; nothing to do natively.
function(dosti_wasm_node_executable target)
endfunction()

if(DOSTI_TESTS)
  find_package(Catch2 REQUIRED)
  include(Catch)
endif()

add_compile_options(-Wall -Wextra -Wno-unused-parameter)
