# Native dependencies, all from Debian packages (scripts/setup installs them).
find_package(PkgConfig REQUIRED)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
add_library(dosti_sqlite3 INTERFACE)
target_link_libraries(dosti_sqlite3 INTERFACE PkgConfig::SQLITE3)

# Header-only libraries: cereal, tl::expected, Catch2 live in /usr/include.
add_library(dosti_headers INTERFACE)

if(DOSTI_TESTS)
  find_package(Catch2 REQUIRED)
  include(Catch)
endif()

add_compile_options(-Wall -Wextra -Wno-unused-parameter)
