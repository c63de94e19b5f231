// The planned forward pass: after a first pass, a model runs with no heap allocation (counted by the
// replaced global operator new, on every thread), gives the first pass's results bit for bit, and keeps
// its activations in an arena smaller than their sum.
#include <gtest/gtest.h>

#include <execinfo.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <new>
#include <set>
#include <limits>
#include <cstring>

#include "kernels/kernels.hpp"
#include "support/random_values.hpp"
#include "ttnn/device.hpp"
#include "ttnn/errors.hpp"
#include "ttnn/model/mobilenetv2.hpp"
#include "ttnn/model/model.hpp"
#include "ttnn/model/parameters.hpp"

namespace {

std::atomic<bool> counting{false};
std::atomic<size_t> allocations{0};

// TTNN_TRACE_ALLOCATIONS=1 prints the stack of each counted allocation (to find what allocates).
const bool trace_allocations = std::getenv("TTNN_TRACE_ALLOCATIONS") != nullptr;

void trace_allocation() {
  thread_local bool inside = false;
  if (inside) return;
  inside = true;
  void* frames[24];
  const int depth = backtrace(frames, 24);
  backtrace_symbols_fd(frames, depth, STDERR_FILENO);
  (void)!write(STDERR_FILENO, "--\n", 3);
  inside = false;
}

void* counted_allocation(size_t size, size_t alignment) {
  if (counting.load(std::memory_order_relaxed)) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    if (trace_allocations) trace_allocation();
  }
  if (size == 0) size = 1;
  void* memory = alignment > alignof(std::max_align_t) ? std::aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment)
                                                       : std::malloc(size);
  if (!memory) throw std::bad_alloc();
  return memory;
}

// Counts the heap allocations `work` makes, on any thread.
template <class Work>
size_t count_allocations(Work&& work) {
  if (trace_allocations) trace_allocation();  // backtrace() allocates on its first call
  allocations = 0;
  counting = true;
  work();
  counting = false;
  return allocations.load();
}

}  // namespace

void* operator new(size_t size) { return counted_allocation(size, 0); }
void* operator new[](size_t size) { return counted_allocation(size, 0); }
void* operator new(size_t size, std::align_val_t alignment) { return counted_allocation(size, size_t(alignment)); }
void* operator new[](size_t size, std::align_val_t alignment) { return counted_allocation(size, size_t(alignment)); }
void* operator new(size_t size, const std::nothrow_t&) noexcept {
  try {
    return counted_allocation(size, 0);
  } catch (...) {
    return nullptr;
  }
}
void operator delete(void* memory) noexcept { std::free(memory); }
void operator delete[](void* memory) noexcept { std::free(memory); }
void operator delete(void* memory, size_t) noexcept { std::free(memory); }
void operator delete[](void* memory, size_t) noexcept { std::free(memory); }
void operator delete(void* memory, std::align_val_t) noexcept { std::free(memory); }
void operator delete[](void* memory, std::align_val_t) noexcept { std::free(memory); }
void operator delete(void* memory, size_t, std::align_val_t) noexcept { std::free(memory); }
void operator delete[](void* memory, size_t, std::align_val_t) noexcept { std::free(memory); }

namespace ttnn::test {
namespace {

using model::Model;
using model::ModelConfig;

struct Configuration {
  const char* name;
  DataType dtype;
  MathFidelity fidelity;
  Numerics numerics;
};
const Configuration kConfigurations[] = {
    {"bfloat8_b+LoFi", DataType::BFLOAT8_B, MathFidelity::LoFi, Numerics::accurate},
    {"bfloat16+HiFi4", DataType::BFLOAT16, MathFidelity::HiFi4, Numerics::accurate},
    {"float32+HiFi4", DataType::FLOAT32, MathFidelity::HiFi4, Numerics::accurate},
    {"float32+LoFi", DataType::FLOAT32, MathFidelity::LoFi, Numerics::accurate},
    {"bfloat16+LoFi", DataType::BFLOAT16, MathFidelity::LoFi, Numerics::accurate},
    {"bfloat8_b+HiFi2 tt_metal", DataType::BFLOAT8_B, MathFidelity::HiFi2, Numerics::tt_metal},
    {"bfloat16+HiFi3 tt_metal", DataType::BFLOAT16, MathFidelity::HiFi3, Numerics::tt_metal},
};

void expect_planned_pass_allocates_nothing(const Shape& input_shape, float width_mult, uint32_t threads) {
  DeviceOptions options;
  options.num_threads = threads;
  auto device = open_device(0, options);
  const model::MobileNetV2Module module(width_mult, 10);
  const StateDict weights = model::random_state_dict(module, 3);
  const std::vector<float> input = random_values(input_shape.volume(), 11);
  for (const Configuration& c : kConfigurations) {
    SCOPED_TRACE(c.name);
    ModelConfig config;
    config.dtype = config.weights_dtype = c.dtype;
    config.math_fidelity = c.fidelity;
    config.numerics = c.numerics;
    Model model(model::create_mobilenetv2_model_parameters(weights, input_shape), *device, config);
    const std::vector<float> first = model.run(input);  // op by op; plans the passes after it
    ASSERT_TRUE(model.memory_plan().planned);
    std::vector<float> second(first.size(), -1.0f);
    const size_t allocated = count_allocations([&] { model.run(input, second); });
    EXPECT_EQ(allocated, 0u) << "heap allocations in the second (planned) pass";
    EXPECT_EQ(second, first);  // the same ops on the same values: bit for bit
    EXPECT_EQ(model.run(input), first);  // and again
    // The residual adds run in their convs' epilogue under the accurate numerics (same bits: above).
    const auto adds = [](const std::vector<model::ModelStep>& steps) {
      return std::count_if(steps.begin(), steps.end(), [](const model::ModelStep& step) { return step.op == "add"; });
    };
    EXPECT_GT(adds(model.steps()), 0);
    EXPECT_EQ(adds(model.planned_steps()), c.numerics == Numerics::accurate ? 0 : adds(model.steps()));
    // Each expand conv, and the stem, runs inside the depthwise conv reading its output under the accurate
    // numerics: fewer convs, the same work, and the fused conv's module named first among the fused.
    const auto convs = [](const std::vector<model::ModelStep>& steps) {
      return std::count_if(steps.begin(), steps.end(), [](const model::ModelStep& step) { return step.op == "conv2d"; });
    };
    const auto work = [](const std::vector<model::ModelStep>& steps) {
      uint64_t sum = 0;
      for (const model::ModelStep& step : steps) sum += step.multiply_adds;
      return sum;
    };
    const auto fused_into_depthwise = std::count_if(
        model.planned_steps().begin(), model.planned_steps().end(), [](const model::ModelStep& step) {
          return step.op == "conv2d" && !step.fused.empty() && step.fused.front().ends_with(".conv.0.0");
        });
    const auto stem_fused = std::count_if(
        model.planned_steps().begin(), model.planned_steps().end(), [](const model::ModelStep& step) {
          return step.op == "conv2d" && !step.fused.empty() && step.fused.front() == "features.0.0";
        });
    // Each project conv runs inside the depthwise conv before it: the one conv named after the first.
    std::set<std::string> conv_paths;
    for (const model::ModelStep& step : model.steps())
      if (step.op == "conv2d") conv_paths.insert(step.module_path);
    const auto projects_fused = std::count_if(
        model.planned_steps().begin(), model.planned_steps().end(), [&](const model::ModelStep& step) {
          return step.op == "conv2d" && std::any_of(step.fused.begin() + std::min<size_t>(1, step.fused.size()),
                                                    step.fused.end(),
                                                    [&](const std::string& path) { return conv_paths.count(path); });
        });
    EXPECT_EQ(fused_into_depthwise + stem_fused + projects_fused,
              convs(model.steps()) - convs(model.planned_steps()));
    // Every expand and project conv fuses, but on a tier without the int8 GEMM a bfloat8_b expand conv whose
    // input has channels that are not a multiple of 16 (its taps padded to 16) gathers its rows, and stays
    // apart, and a bfloat8_b project conv reads tiles, so its depthwise conv stores them.
    const bool int8_tier = kernels::kernel_table().bfp8_gemm_on_int8_dot;
    if (c.numerics == Numerics::accurate) {
      if (c.dtype != DataType::BFLOAT8_B || int8_tier) {
        EXPECT_EQ(fused_into_depthwise, 16);  // blocks 2 to 17
        EXPECT_EQ(projects_fused, 17);        // blocks 1 to 17
      }
      EXPECT_GT(fused_into_depthwise, 0);
      EXPECT_EQ(stem_fused, 1);
    } else {
      EXPECT_EQ(convs(model.planned_steps()), convs(model.steps()));
    }
    EXPECT_EQ(work(model.planned_steps()), work(model.steps()));
    const model::MemoryPlan plan = model.memory_plan();
    // The values stored are few (mostly the blocks' outputs: the fusions keep the rest in the cores' caches),
    // and a step holds about two of them.
    EXPECT_LT(plan.arena_bytes, plan.activation_bytes * 3 / 5) << "dead activations leave their bytes to later ones";
    // The arena's first-fit layout reaches the busiest step's bytes for the fusions of the int8 tier (with
    // those of the others it leaves a gap: 1.28 MB for 1.17 MB live on the AVX2 tier).
    if (int8_tier) {
      EXPECT_EQ(plan.arena_bytes, plan.peak_live_bytes) << "MobileNetV2's arena is as small as its busiest step";
    }
  }
}

TEST(PlannedPass, MobileNetV2At224AllocatesNothingAfterTheFirstPass) {
  expect_planned_pass_allocates_nothing(Shape{1, 3, 224, 224}, 1.0f, 2);
}

// With ModelConfig::fuse_convs off every conv is an op of its own in the planned pass, with the fused pass's
// bits (and the first pass's: each conv's output passed to the next as int8 rows, bfloat16 words or float
// rows, in the configurations that pass each).
TEST(PlannedPass, SeparateConvsGiveTheFusedPassesBits) {
  DeviceOptions options;
  options.num_threads = 2;
  auto device = open_device(0, options);
  const model::MobileNetV2Module module(0.5f, 10);
  const Shape shape{1, 3, 64, 64};
  const StateDict weights = model::random_state_dict(module, 3);
  const std::vector<float> input = random_values(shape.volume(), 5);
  for (const Configuration& c : kConfigurations) {
    if (c.numerics != Numerics::accurate) continue;  // tt_metal fuses nothing
    SCOPED_TRACE(c.name);
    ModelConfig fused_config;
    fused_config.dtype = fused_config.weights_dtype = c.dtype;
    fused_config.math_fidelity = c.fidelity;
    ModelConfig separate_config = fused_config;
    separate_config.fuse_convs = false;
    Model fused(model::create_mobilenetv2_model_parameters(weights, shape), *device, fused_config);
    Model separate(model::create_mobilenetv2_model_parameters(weights, shape), *device, separate_config);
    const std::vector<float> first = fused.run(input);  // op by op; the first passes plan
    separate.run(input);
    EXPECT_EQ(separate.run(input), first);
    EXPECT_EQ(fused.run(input), first);
    const auto convs = [](const std::vector<model::ModelStep>& steps) {
      return std::count_if(steps.begin(), steps.end(), [](const model::ModelStep& step) { return step.op == "conv2d"; });
    };
    EXPECT_EQ(convs(separate.planned_steps()), convs(separate.steps()));
    EXPECT_LT(convs(fused.planned_steps()), convs(fused.steps()));
  }
}

// Convs whose outputs do not fit L1 move to DRAM on the first pass, also where they consume their input
// (deallocate_activations): the conv leaves the input usable when its output does not fit, and runs again
// into DRAM. The values are those of a device with room to spare, on the first pass and the planned one.
TEST(PlannedPass, ConvsThatDoNotFitL1RunInDram) {
  DeviceOptions roomy, small;
  roomy.num_threads = small.num_threads = 2;
  small.spec.l1_bytes_per_core = 16 * 1024;
  auto roomy_device = open_device(0, roomy), small_device = open_device(1, small);
  const model::MobileNetV2Module module(0.5f, 10);
  const Shape shape{2, 3, 64, 64};
  const StateDict weights = model::random_state_dict(module, 3);
  const std::vector<float> input = random_values(shape.volume(), 5);
  ModelConfig config;
  config.dtype = config.weights_dtype = DataType::FLOAT32;
  config.math_fidelity = MathFidelity::HiFi4;
  ASSERT_TRUE(config.deallocate_activations);
  Model reference(model::create_mobilenetv2_model_parameters(weights, shape), *roomy_device, config);
  Model squeezed(model::create_mobilenetv2_model_parameters(weights, shape), *small_device, config);
  const std::vector<float> expected = reference.run(input);
  EXPECT_EQ(squeezed.run(input), expected);
  ASSERT_TRUE(squeezed.memory_plan().planned);
  EXPECT_EQ(squeezed.run(input), expected);
}

// Wrong sizes fail with the counts named, on the first pass and on a planned one.
TEST(PlannedPass, InputAndOutputSizesAreChecked) {
  auto device = open_device(0);
  const model::MobileNetV2Module module(0.5f, 10);
  const Shape shape{1, 3, 64, 64};
  Model model(model::create_mobilenetv2_model_parameters(model::random_state_dict(module, 3), shape), *device);
  const std::vector<float> input = random_values(shape.volume(), 5);
  std::vector<float> short_output(9), logits(10);
  EXPECT_THROW(model.run(input, short_output), InvalidArgument);  // the first pass, then the copy
  model.run(input, logits);
  ASSERT_TRUE(model.memory_plan().planned);
  EXPECT_THROW(model.run(input, short_output), InvalidArgument);
  EXPECT_THROW(model.run(std::span(input).first(input.size() - 1), logits), InvalidArgument);
}

TEST(PlannedPass, AModelThatRunsOncePlansNothing) {
  auto device = open_device(0);
  const model::MobileNetV2Module module(0.5f, 10);
  ModelConfig config;
  config.plan = false;
  const Shape shape{1, 3, 64, 64};
  Model model(model::create_mobilenetv2_model_parameters(model::random_state_dict(module, 3), shape), *device, config);
  const std::vector<float> input = random_values(shape.volume(), 5);
  const std::vector<float> first = model.run(input);
  EXPECT_FALSE(model.memory_plan().planned);
  EXPECT_EQ(model.run(input), first);
}

// An image with +Inf next to -Inf: the stem's sums there are x86's default NaN (sign bit set), which ReLU6
// passes. Op by op the stem's bfloat8_b output encodes the NaN's block as the reference does; the planned pass
// rounds it in the conv-rows epilogue (the stem inside block 1's depthwise conv), and must give the same bits.
TEST(PlannedPass, InfinitiesInTheImageGiveTheFirstPassBits) {
  auto device = open_device(0);
  const model::MobileNetV2Module module(0.5f, 10);
  const StateDict weights = model::random_state_dict(module, 3);
  const Shape shape{1, 3, 64, 64};
  std::vector<float> input = random_values(shape.volume(), 11);
  input[10 * 64 + 20] = std::numeric_limits<float>::infinity();  // channel 0, row 10, columns 20 and 21
  input[10 * 64 + 21] = -std::numeric_limits<float>::infinity();
  for (MathFidelity fidelity : {MathFidelity::LoFi, MathFidelity::HiFi4}) {
    SCOPED_TRACE(to_string(fidelity));
    ModelConfig config;
    config.dtype = config.weights_dtype = DataType::BFLOAT8_B;
    config.math_fidelity = fidelity;
    Model model(model::create_mobilenetv2_model_parameters(weights, shape), *device, config);
    const std::vector<float> first = model.run(input);  // op by op
    std::vector<float> second(first.size(), -1.0f);
    model.run(input, second);
    EXPECT_EQ(std::memcmp(second.data(), first.data(), first.size() * sizeof(float)), 0);
  }
}

TEST(PlannedPass, SmallBatchOnOneThreadAllocatesNothing) {
  expect_planned_pass_allocates_nothing(Shape{2, 3, 64, 64}, 0.5f, 1);
}

}  // namespace
}  // namespace ttnn::test
