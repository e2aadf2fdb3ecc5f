#pragma once

namespace hd::app {

/// The `helpdesk` command line: serve, migrate, user add, seed-demo, routes.
/// Returns the process exit code; errors are printed to stderr.
int run_cli(int argc, char** argv);

}  // namespace hd::app
