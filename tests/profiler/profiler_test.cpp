// The per-op profiler: off records nothing; on, one record per top-level op call with shapes, dtypes,
// memory configs, fidelity, core count and durations; a MobileNetV2 forward pass in step order.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <random>

#include "support/oracle.hpp"
#include "ttnn/device.hpp"
#include "ttnn/errors.hpp"
#include "ttnn/io/pth.hpp"
#include "ttnn/model/mobilenetv2.hpp"
#include "ttnn/model/model.hpp"
#include "ttnn/operations/core.hpp"
#include "ttnn/operations/eltwise.hpp"
#include "ttnn/operations/matmul.hpp"
#include "ttnn/profiler.hpp"

namespace ttnn::test {
namespace {

// Leaves the profiler off and empty whatever a test does.
class Profiler : public ::testing::Test {
 protected:
  void SetUp() override {
    profiler::disable();
    profiler::clear();
  }
  void TearDown() override {
    profiler::disable();
    profiler::clear();
  }
};

std::vector<float> ramp(size_t count) {
  std::vector<float> values(count);
  for (size_t i = 0; i < count; ++i) values[i] = float(int(i % 17) - 8) * 0.25f;
  return values;
}

TEST_F(Profiler, OffRecordsNothing) {
  auto device = open_device(0);
  const Tensor a = from_host(ramp(64 * 64), Shape{1, 1, 64, 64}, DataType::BFLOAT16, Layout::TILE, device.get());
  (void)relu(add(a, a));
  (void)to_host(a);
  EXPECT_FALSE(profiler::is_enabled());
  EXPECT_TRUE(profiler::records().empty());
}

TEST_F(Profiler, RecordsEveryCallWithTensorsAndDurations) {
  auto device = open_device(0);
  profiler::enable();
  const Tensor a = from_host(ramp(64 * 96), Shape{1, 1, 64, 96}, DataType::BFLOAT16, Layout::TILE, device.get(),
                             L1_MEMORY_CONFIG);
  const Tensor b = from_host(ramp(96 * 32), Shape{96, 32}, DataType::BFLOAT8_B, Layout::TILE, device.get());
  const Tensor sum = add(a, a);
  MatmulOptions options;
  options.compute_kernel_config = init_device_compute_kernel_config(MathFidelity::HiFi2);
  const Tensor product = matmul(sum, b, options);
  (void)relu6(product);
  profiler::disable();
  (void)relu(product);  // off again: not recorded

  const auto records = profiler::take_records();
  ASSERT_EQ(records.size(), 5u);
  const char* codes[] = {"from_host", "from_host", "add", "matmul", "relu6"};
  for (size_t i = 0; i < records.size(); ++i) {
    SCOPED_TRACE(i);
    const auto& r = records[i];
    EXPECT_EQ(r.op_code, codes[i]);
    EXPECT_EQ(r.call_index, i);
    EXPECT_EQ(r.module_path, "");
    EXPECT_GT(r.host_duration_ns, 0u);
    EXPECT_LE(r.kernel_duration_ns, r.host_duration_ns);
    ASSERT_EQ(r.outputs.size(), 1u);
    if (i > 0) {
      EXPECT_GE(r.host_start_ns, records[i - 1].host_start_ns + records[i - 1].host_duration_ns);
    }
  }
  const auto& add_record = records[2];
  ASSERT_EQ(add_record.inputs.size(), 2u);
  EXPECT_EQ(add_record.inputs[0].shape, (Shape{1, 1, 64, 96}));
  EXPECT_EQ(add_record.inputs[0].dtype, DataType::BFLOAT16);
  EXPECT_EQ(add_record.inputs[0].layout, Layout::TILE);
  EXPECT_EQ(add_record.inputs[0].memory_config, L1_MEMORY_CONFIG);
  EXPECT_EQ(add_record.inputs[0].device_id, 0);
  EXPECT_GT(add_record.kernel_duration_ns, 0u);
  EXPECT_GE(add_record.parallel_regions, 1u);
  EXPECT_GE(add_record.core_count, 1u);
  EXPECT_LE(add_record.core_count, device->num_cores());
  EXPECT_FALSE(add_record.math_fidelity.has_value());
  EXPECT_EQ(add_record.sharding, TensorMemoryLayout::INTERLEAVED);

  const auto& mm = records[3];
  ASSERT_EQ(mm.inputs.size(), 2u);
  EXPECT_EQ(mm.inputs[1].dtype, DataType::BFLOAT8_B);
  EXPECT_EQ(mm.inputs[1].memory_config, DRAM_MEMORY_CONFIG);
  EXPECT_EQ(mm.outputs[0].shape, (Shape{1, 1, 64, 32}));
  EXPECT_EQ(mm.math_fidelity, MathFidelity::HiFi2);
  EXPECT_GT(mm.kernel_duration_ns, 0u);
  EXPECT_EQ(records[0].inputs.size(), 0u);  // from_host has no tensor input
}

TEST_F(Profiler, NestedOpsArePartOfTheOuterCall) {
  auto device = open_device(0);
  const Tensor a = from_host(ramp(256 * 64), Shape{1, 1, 256, 64}, DataType::BFLOAT16, Layout::TILE, device.get(),
                             L1_MEMORY_CONFIG);
  const MemoryConfig sharded = create_sharded_memory_config(Shape{1, 1, 256, 64}, CoreGrid{2, 4}, ShardStrategy::HEIGHT,
                                                            ShardOrientation::ROW_MAJOR, false, true);
  profiler::enable();
  (void)interleaved_to_sharded(a, sharded);  // calls to_memory_config inside
  const auto records = profiler::take_records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].op_code, "interleaved_to_sharded");
  EXPECT_EQ(records[0].sharding, TensorMemoryLayout::HEIGHT_SHARDED);
  EXPECT_EQ(records[0].core_count, 8u);  // the output's shard grid
}

TEST_F(Profiler, FailedCallsLeaveNoRecord) {
  auto device = open_device(0);
  const Tensor a = from_host(ramp(32 * 32), Shape{1, 1, 32, 32}, DataType::BFLOAT16, Layout::TILE, device.get());
  const Tensor b = from_host(ramp(32 * 64), Shape{1, 1, 32, 64}, DataType::BFLOAT16, Layout::TILE, device.get());
  profiler::enable();
  EXPECT_THROW((void)add(a, b), InvalidArgument);
  EXPECT_TRUE(profiler::records().empty());
  (void)relu(a);  // the depth bookkeeping survived the exception: this call is top level
  const auto records = profiler::take_records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].op_code, "relu");
  EXPECT_EQ(records[0].call_index, 0u);
}

TEST_F(Profiler, ModuleScopesNestAndRestore) {
  const std::string outer = "features.1", inner = "features.1.conv.0";
  EXPECT_EQ(profiler::current_module_path(), "");
  {
    profiler::ModuleScope off(outer);  // profiler off: no effect
    EXPECT_EQ(profiler::current_module_path(), "");
  }
  profiler::enable();
  {
    profiler::ModuleScope a(outer);
    EXPECT_EQ(profiler::current_module_path(), outer);
    {
      profiler::ModuleScope b(inner);
      EXPECT_EQ(profiler::current_module_path(), inner);
    }
    EXPECT_EQ(profiler::current_module_path(), outer);
  }
  EXPECT_EQ(profiler::current_module_path(), "");
}

TEST_F(Profiler, ClearRestartsCallIndices) {
  auto device = open_device(0);
  const Tensor a = from_host(ramp(32 * 32), Shape{1, 1, 32, 32}, DataType::BFLOAT16, Layout::TILE, device.get());
  profiler::enable();
  (void)relu(a);
  (void)relu(a);
  EXPECT_EQ(profiler::take_records().back().call_index, 1u);
  (void)relu(a);
  EXPECT_EQ(profiler::records().back().call_index, 2u);  // take_records keeps counting
  profiler::clear();
  (void)relu(a);
  ASSERT_EQ(profiler::records().size(), 1u);
  EXPECT_EQ(profiler::records()[0].call_index, 0u);
}

// The smallest oracle MobileNetV2 checkpoint, at a small input.
struct ForwardPass {
  std::vector<model::ModelStep> steps;
  std::vector<profiler::OpRecord> records;
  double wall_ns = 0;
};

ForwardPass profile_forward_pass(DataType dtype, MathFidelity fidelity) {
  const auto cases = oracle_cases("model");
  const auto smallest = std::min_element(cases.begin(), cases.end(), [](const OracleCase& a, const OracleCase& b) {
    return a.params["width_mult"].get<float>() < b.params["width_mult"].get<float>();
  });
  const StateDict weights = io::load_state_dict(smallest->dir / smallest->params["checkpoint_zip"].get<std::string>());
  auto device = open_device(0);
  model::ModelConfig config;
  config.dtype = config.weights_dtype = dtype;
  config.math_fidelity = fidelity;
  const Shape shape{2, 3, 64, 64};
  model::Model model(model::create_mobilenetv2_model_parameters(weights, shape), *device, config);
  std::mt19937 generator(7);
  std::normal_distribution<float> normal;
  std::vector<float> input(shape.volume());
  for (float& v : input) v = normal(generator);
  (void)model.run(input);  // warm-up: prepares the weights and plans the passes after it
  ForwardPass pass;
  pass.steps = model.planned_steps();
  profiler::clear();
  profiler::enable();
  const auto start = std::chrono::steady_clock::now();
  (void)model.run(input);
  const auto end = std::chrono::steady_clock::now();
  profiler::disable();
  pass.records = profiler::take_records();
  pass.wall_ns = double(std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count());
  return pass;
}

TEST_F(Profiler, MobileNetV2ForwardPassRecordsEveryStepInOrder) {
  const ForwardPass pass = profile_forward_pass(DataType::BFLOAT8_B, MathFidelity::LoFi);
  ASSERT_FALSE(pass.steps.empty());
  // The model's own host transfers: the input goes in first, the logits come out last.
  ASSERT_EQ(pass.records.size(), pass.steps.size() + 2);
  EXPECT_EQ(pass.records.front().op_code, "from_host");
  EXPECT_EQ(pass.records.back().op_code, "to_host");
  double host_sum = 0;
  for (size_t i = 0; i < pass.records.size(); ++i) {
    const auto& r = pass.records[i];
    SCOPED_TRACE(r.op_code + " " + r.module_path);
    EXPECT_EQ(r.call_index, i);
    EXPECT_GT(r.host_duration_ns, 0u);
    EXPECT_LE(r.kernel_duration_ns, r.host_duration_ns);
    host_sum += double(r.host_duration_ns);
    if (i == 0 || i + 1 == pass.records.size()) continue;
    const model::ModelStep& step = pass.steps[i - 1];
    EXPECT_EQ(r.op_code, step.op);
    EXPECT_EQ(r.module_path, step.module_path);
    if (r.op_code == "reshape") continue;  // a free view: no parallel region
    EXPECT_GT(r.kernel_duration_ns, 0u);
    EXPECT_GE(r.core_count, 1u);
    EXPECT_LE(r.core_count, 64u);
    ASSERT_FALSE(r.outputs.empty());
    if (step.op == "conv2d" || step.op == "linear") {
      EXPECT_EQ(r.math_fidelity, step.math_fidelity);
      EXPECT_EQ(r.outputs[0].dtype, step.dtype);
    }
    if (step.op == "conv2d" && r.outputs[0].memory_config.is_sharded()) {
      EXPECT_EQ(r.sharding, step.shard_layout);
    }
  }
  EXPECT_LE(host_sum, pass.wall_ns);
  EXPECT_GT(host_sum, 0.5 * pass.wall_ns);  // the ops are most of a forward pass
}

}  // namespace

// Shared with report_test.cpp.
std::vector<profiler::OpRecord> profiled_forward_pass(DataType dtype, MathFidelity fidelity, double* wall_ns) {
  ForwardPass pass = profile_forward_pass(dtype, fidelity);
  if (wall_ns) *wall_ns = pass.wall_ns;
  return std::move(pass.records);
}

}  // namespace ttnn::test
