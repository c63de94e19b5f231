// `mobilenetv2 infer`: raw tensors in and out (NCHW float32 .npy -> logits .npy), to compare ttnn-cpp
// with any other framework.
#include <cstdio>

#include "mobilenetv2/commands.hpp"
#include "mobilenetv2/model_options.hpp"
#include "ttnn/errors.hpp"
#include "ttnn/io/npy.hpp"
#include "ttnn/model/mobilenetv2.hpp"

namespace mobilenetv2 {
namespace {

std::string shape_text(const std::vector<uint64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

struct InferOptions {
  ModelOptions model;
  std::string input;
  std::string output;
};

int run_infer(const InferOptions& options) {
  const ttnn::io::NpyArray array = ttnn::io::read_npy(options.input);
  if (array.shape.size() != 4 || array.shape[1] != 3)
    throw ttnn::InvalidArgument("infer: " + options.input + " must hold an NCHW [N, 3, H, W] array, got shape " +
                                shape_text(array.shape));
  if (array.shape[0] == 0 || array.shape[2] < 32 || array.shape[3] < 32)
    throw ttnn::InvalidArgument("infer: " + options.input + " has shape " + shape_text(array.shape) +
                                "; the model takes N >= 1 images of at least 32x32");
  const ttnn::Shape shape{uint32_t(array.shape[0]), 3, uint32_t(array.shape[2]), uint32_t(array.shape[3])};
  auto device = options.model.open_device();
  ttnn::model::ModelConfig single_pass_config = options.model.config();
  single_pass_config.plan = false;  // one pass: nothing to plan for
  ttnn::model::Model model(ttnn::model::create_mobilenetv2_model_parameters(options.model.load_weights(), shape),
                           *device, single_pass_config);
  const std::vector<float> logits = model.run(array.to_float32());
  const uint64_t classes = logits.size() / shape[0];
  const std::vector<uint64_t> out_shape{shape[0], classes};
  ttnn::io::write_npy(options.output, logits, out_shape);
  std::fprintf(stderr, "wrote %s: logits [%u, %llu]\n", options.output.c_str(), shape[0],
               static_cast<unsigned long long>(classes));
  return 0;
}

}  // namespace

Command add_infer_command(CLI::App& app) {
  auto options = std::make_shared<InferOptions>();
  auto* command = app.add_subcommand("infer", "Run raw NCHW float32 tensors (.npy) and write the logits (.npy)");
  options->model.add_to(*command);
  command->add_option("--input", options->input, "NCHW float32 .npy, shape [N, 3, H, W]")->required();
  command->add_option("--output", options->output, "where to write the float32 logits .npy [N, classes]")->required();
  return [command, options] { return command->parsed() ? run_infer(*options) : -1; };
}

}  // namespace mobilenetv2
