# The wasm build: Debian's emscripten 3.1.6 (see ../shared/TOOLCHAIN.md for its traps).
# SQLite and libsodium come from Debian's source packages built by scripts/setup into
# DOSTI_WASM_DEPS (default ~/.cache/dosti); header-only libraries are staged from /usr/include,
# because emscripten's sysroot must not see /usr/include itself.
#
# Targets defined here (the native build defines the same names in native.cmake):
#   dosti_sqlite3   SQLite 3.40.1 with FTS5 (link PRIVATE, from core only)
#   dosti_sodium    libsodium 1.0.18-1+deb12u1 (link PRIVATE, from sync only), its base-point
#                   multiplication without the precomputed table (cmake/sodium-base-wasm.c)
#   dosti_headers   cereal, tl::expected (and catch2 for the tests), as -isystem
# and two helpers for executables:
#   dosti_wasm_node_executable(<target>)  runs under Node with the real file system
#                                          (NODERAWFS) and passes its exit code on.
set(DOSTI_WASM_DEPS "$ENV{HOME}/.cache/dosti" CACHE PATH "Where scripts/setup put the wasm builds")
set(DOSTI_WASM_STACK_SIZE 5242880 CACHE STRING "Stack size of wasm executables, in bytes")

foreach(lib sqlite3-wasm/lib/libsqlite3.a libsodium-wasm/lib/libsodium.a)
  if(NOT EXISTS "${DOSTI_WASM_DEPS}/${lib}")
    message(FATAL_ERROR "No ${DOSTI_WASM_DEPS}/${lib}: run scripts/setup first")
  endif()
endforeach()

add_library(dosti_sqlite3 STATIC IMPORTED GLOBAL)
set_target_properties(dosti_sqlite3 PROPERTIES
  IMPORTED_LOCATION "${DOSTI_WASM_DEPS}/sqlite3-wasm/lib/libsqlite3.a"
  INTERFACE_INCLUDE_DIRECTORIES "${DOSTI_WASM_DEPS}/sqlite3-wasm/include")

add_library(dosti_sodium STATIC IMPORTED GLOBAL)
set_target_properties(dosti_sodium PROPERTIES
  IMPORTED_LOCATION "${DOSTI_WASM_DEPS}/libsodium-wasm/lib/libsodium.a"
  INTERFACE_INCLUDE_DIRECTORIES "${DOSTI_WASM_DEPS}/libsodium-wasm/include")
# Without libsodium's 30 KiB table of base-point multiples: every wasm link of libsodium (the
# engine, the tests, the benchmarks) multiplies the base point with libsodium's variable-base
# code instead, through wasm-ld's --wrap (cmake/sodium-base-wasm.c says why and how).
add_library(dosti_sodium_base STATIC "${PROJECT_SOURCE_DIR}/cmake/sodium-base-wasm.c")
target_compile_options(dosti_sodium_base PRIVATE -Oz)
set_target_properties(dosti_sodium PROPERTIES
  INTERFACE_LINK_LIBRARIES dosti_sodium_base
  INTERFACE_LINK_OPTIONS "-Wl,--wrap=ge25519_scalarmult_base")

# Stage header-only libraries as a folder of symlinks (trap 3). Never /usr/include itself.
set(staged "${CMAKE_BINARY_DIR}/staged-include")
file(MAKE_DIRECTORY "${staged}")
foreach(dir cereal tl catch2)
  if(NOT EXISTS "/usr/include/${dir}")
    message(FATAL_ERROR "/usr/include/${dir} is missing: run scripts/setup first")
  endif()
  if(NOT EXISTS "${staged}/${dir}")
    file(CREATE_LINK "/usr/include/${dir}" "${staged}/${dir}" SYMBOLIC)
  endif()
endforeach()
add_library(dosti_headers INTERFACE)
target_compile_options(dosti_headers INTERFACE "SHELL:-isystem ${staged}")

# Trap 1: linking at -O1 and above runs emscripten's JS optimizer, which needs acorn from
# /usr/share/nodejs. The presets set NODE_PATH, but a plain `cmake --build build/wasm` (or an IDE)
# does not: every link goes through `cmake -E env NODE_PATH=...` so it never depends on the caller.
set(CMAKE_C_LINKER_LAUNCHER "${CMAKE_COMMAND};-E;env;NODE_PATH=/usr/share/nodejs")
set(CMAKE_CXX_LINKER_LAUNCHER "${CMAKE_COMMAND};-E;env;NODE_PATH=/usr/share/nodejs")

# Trap 2: Node 20's global fetch breaks the 3.1.6 loader. ctest (and Catch's test discovery)
# run wasm executables through this emulator.
if(NOT CMAKE_CROSSCOMPILING_EMULATOR MATCHES "no-experimental-fetch")
  find_program(DOSTI_NODE NAMES node nodejs REQUIRED)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${DOSTI_NODE};--no-experimental-fetch"
      CACHE STRING "Runs wasm executables (ctest)" FORCE)
endif()

# Catch2's REQUIRE throws and cereal throws on malformed input: native wasm exceptions everywhere,
# at compile and at link time.
add_compile_options(-fwasm-exceptions -Wall -Wextra -Wno-unused-parameter)
add_link_options(-fwasm-exceptions -sALLOW_MEMORY_GROWTH=1)

# An executable meant to run under Node (the CLI, the tests, the benchmarks): the host's file
# system as is (NODERAWFS), the host's environment for getenv() (node-env.js; emscripten would
# otherwise make one up: HOME=/home/web_user, no DOSTI_DB, no TMPDIR), the exit code of main()
# as the process's exit code (EXIT_RUNTIME), and an explicit stack size (3.1.6 calls the setting
# TOTAL_STACK; later versions STACK_SIZE).
function(dosti_wasm_node_executable target)
  set(pre_js "${PROJECT_SOURCE_DIR}/cmake/node-env.js")
  target_link_options(${target} PRIVATE
    -sNODERAWFS=1 -sEXIT_RUNTIME=1 -sTOTAL_STACK=${DOSTI_WASM_STACK_SIZE} "SHELL:--pre-js ${pre_js}")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${pre_js}")
endfunction()

# SQLite's options for the wasm builds (cmake/sqlite-wasm.flags; scripts/setup builds the tests'
# library with them and keeps the amalgamation it generated with them).
file(STRINGS "${PROJECT_SOURCE_DIR}/cmake/sqlite-wasm.flags" dosti_sqlite_flags REGEX "^[A-Z]")
file(READ "${PROJECT_SOURCE_DIR}/cmake/sqlite-wasm.flags" flags_text)
if(EXISTS "${DOSTI_WASM_DEPS}/sqlite3-wasm/flags.hash")
  file(READ "${DOSTI_WASM_DEPS}/sqlite3-wasm/flags.hash" built_hash)
  string(STRIP "${built_hash}" built_hash)
  set(wanted "")
  foreach(f ${dosti_sqlite_flags})
    string(APPEND wanted "-D${f} ")
  endforeach()
  string(SHA256 wanted_hash "${wanted}")
  string(SUBSTRING "${wanted_hash}" 0 10 wanted_hash)
  if(NOT built_hash STREQUAL wanted_hash)
    message(FATAL_ERROR "The wasm SQLite in ${DOSTI_WASM_DEPS} was built with other options than "
                        "cmake/sqlite-wasm.flags: run scripts/setup")
  endif()
endif()
target_compile_definitions(dosti_sqlite3 INTERFACE ${dosti_sqlite_flags})

# The booth's engine: SQLite built for size from that amalgamation. SQLITE_OMIT_AUTOINIT too:
# every connection of the core is opened by Db::Open, which initialises SQLite first.
add_library(dosti_sqlite3_engine STATIC EXCLUDE_FROM_ALL "${DOSTI_WASM_DEPS}/sqlite3-wasm/sqlite3.c")
target_include_directories(dosti_sqlite3_engine PUBLIC "${DOSTI_WASM_DEPS}/sqlite3-wasm/include")
target_compile_options(dosti_sqlite3_engine PRIVATE -Oz -flto)
target_compile_definitions(dosti_sqlite3_engine PRIVATE ${dosti_sqlite_flags} SQLITE_OMIT_AUTOINIT)

# A target of the booth's engine: built for size (-Oz) and without exceptions (the engine's
# code returns errors; nothing in it throws), so without the landing pads -fwasm-exceptions
# adds to every call.
function(dosti_wasm_engine_target target)
  get_target_property(opts ${target} COMPILE_OPTIONS)
  if(opts)
    list(REMOVE_ITEM opts -fwasm-exceptions)
    set_target_properties(${target} PROPERTIES COMPILE_OPTIONS "${opts}")
  endif()
  get_target_property(link_opts ${target} LINK_OPTIONS)
  if(link_opts)
    list(REMOVE_ITEM link_opts -fwasm-exceptions)
    set_target_properties(${target} PROPERTIES LINK_OPTIONS "${link_opts}")
  endif()
  target_compile_options(${target} PRIVATE -Oz -fno-exceptions -fno-rtti -flto)
  target_link_options(${target} PRIVATE -flto)
endfunction()

if(DOSTI_TESTS)
  # Catch2's CMake helpers are not visible from the emscripten sysroot; include them by path.
  list(APPEND CMAKE_MODULE_PATH /usr/lib/cmake/Catch2)
  include(Catch)
  add_library(Catch2::Catch2 INTERFACE IMPORTED)
  target_link_libraries(Catch2::Catch2 INTERFACE dosti_headers)
endif()
