// dosti: the command-line front end (see cli.h and README.md).
#include <cstdlib>
#include <iostream>

#include "cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  dosti::cli::Environment env;
  if (const char* db = std::getenv("DOSTI_DB"); db && *db) env.dosti_db = db;
  if (const char* p = std::getenv("DOSTI_KEY_PASSPHRASE"); p && *p) env.key_passphrase = p;
  if (const char* p = std::getenv("DOSTI_INVITE_PASSPHRASE"); p && *p) env.invite_passphrase = p;
  env.in = &std::cin;
  return dosti::cli::RunCli(args, std::cout, std::cerr, env);
}
