// The fixture every per-tier kernel test uses: runs once per ISA tier, skipping (with the reason) the tiers
// this build or CPU lacks. Instantiate with TTNN_INSTANTIATE_KERNEL_TIERS(Prefix).
#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "kernels/kernels.hpp"

namespace ttnn::kernels {

// Names the tier in ctest's test list instead of "4-byte object".
inline void PrintTo(CpuIsa isa, std::ostream* os) { *os << isa_name(isa); }

class KernelTier : public ::testing::TestWithParam<CpuIsa> {
 protected:
  void SetUp() override {
    if (!isa_available(GetParam()))
      GTEST_SKIP() << "tier '" << isa_name(GetParam())
                   << "' not runnable here (not built, or the CPU lacks it; CPU has: " << cpu_features() << ")";
    table_ = &kernel_table_for(GetParam());
  }
  const KernelTable* table_ = nullptr;
};

}  // namespace ttnn::kernels

#define TTNN_INSTANTIATE_KERNEL_TIERS(prefix)                                                  \
  INSTANTIATE_TEST_SUITE_P(prefix, KernelTier, ::testing::ValuesIn(::ttnn::kernels::kAllCpuIsas), \
                           [](const ::testing::TestParamInfo<::ttnn::kernels::CpuIsa>& tier) {  \
                             return std::string(::ttnn::kernels::isa_name(tier.param));         \
                           })
