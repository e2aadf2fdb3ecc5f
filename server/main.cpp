// The helpdesk binary: only hands the command line to the composition root.
#include "app/cli.hpp"

int main(int argc, char** argv) {
  return hd::app::run_cli(argc, argv);
}
