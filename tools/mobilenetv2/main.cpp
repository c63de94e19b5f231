// mobilenetv2: MobileNetV2 on the ttnn-cpp CPU backend.
#include <cstdio>
#include <exception>
#include <vector>

#include "mobilenetv2/commands.hpp"
#include "ttnn/errors.hpp"

int main(int argc, char** argv) {
  CLI::App app{"mobilenetv2: MobileNetV2 on ttnn-cpp, a TT-NN-style tensor library running on the CPU"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "ttnn-cpp 0.1.0");

  // Each command returns its exit code when it was the one parsed, else -1.
  const std::vector<mobilenetv2::Command> commands{
      mobilenetv2::add_classify_command(app), mobilenetv2::add_infer_command(app),
      mobilenetv2::add_download_command(app), mobilenetv2::add_bench_command(app), mobilenetv2::add_graph_command(app),
      mobilenetv2::add_profile_command(app), mobilenetv2::add_accuracy_command(app),
      mobilenetv2::add_selfcheck_command(app)};

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  }
  try {
    for (const auto& command : commands)
      if (const int code = command(); code >= 0) return code;
  } catch (const ttnn::Error& error) {
    std::fprintf(stderr, "error: %s\n", error.what());
    return 1;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "internal error: %s\n", error.what());
    return 70;
  }
  return 0;
}
