// The Catch2 runner for every suite in tests/.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
