// The mobilenetv2 command's subcommands: each registers its options on the CLI11 app and runs.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace mobilenetv2 {

// Adds a subcommand to `app`; the returned callback runs it after parsing and returns the exit code.
using Command = std::function<int()>;
Command add_selfcheck_command(CLI::App& app);
Command add_classify_command(CLI::App& app);
Command add_infer_command(CLI::App& app);
Command add_download_command(CLI::App& app);
Command add_bench_command(CLI::App& app);
Command add_graph_command(CLI::App& app);
Command add_profile_command(CLI::App& app);
Command add_accuracy_command(CLI::App& app);

}  // namespace mobilenetv2
