// Fills the kernel table once from cpuid + XCR0 (a tier counts only when the OS saves its registers),
// capped by TTNN_CPU_ISA. Asking for a tier this build or CPU lacks is an error, never a silent fallback.
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <string>
#include <string_view>

#include "core/check.hpp"
#include "kernels/cpu/tiers.hpp"
#include "kernels/kernels.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define TTNN_KERNELS_X86 1
#endif
#if defined(__linux__) && defined(__x86_64__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace ttnn::kernels {
namespace {

struct CpuFeatures {
  bool avx2 = false;    // AVX2 + FMA + F16C with YMM state enabled by the OS
  bool avx512 = false;  // F + BW + VL + DQ with ZMM/opmask state enabled
  bool avx512_bf16 = false, avx512_vnni = false;
  bool amx_bf16 = false;  // AMX-TILE + AMX-BF16 with the tile state enabled in XCR0 (granted: amx_granted)
  std::string description;
};

// Linux hands out the AMX tile data state (XTILEDATA, 8 KiB a thread) only on request, once per process
// (arch_prctl ARCH_REQ_XCOMP_PERM); a refusal (an old kernel, a seccomp filter) leaves the tier off. Asked
// only when the tier may run (not when TTNN_CPU_ISA caps below it): a grant raises the signal stack size
// the kernel requires of the whole process.
bool amx_tile_state_granted() {
#if defined(__linux__) && defined(__x86_64__)
  constexpr int kArchReqXcompPerm = 0x1023, kXfeatureXtiledata = 18;
  static const bool granted = syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0;
  return granted;
#else
  return false;
#endif
}

CpuFeatures detect_features() {
  CpuFeatures f;
#ifdef TTNN_KERNELS_X86
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return f;
  const bool osxsave = ecx & (1u << 27), avx = ecx & (1u << 28), fma = ecx & (1u << 12), f16c = ecx & (1u << 29);
  unsigned long long xcr0 = 0;
  if (osxsave) {
    unsigned lo = 0, hi = 0;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    xcr0 = (static_cast<unsigned long long>(hi) << 32) | lo;
  }
  const bool ymm_state = (xcr0 & 0x6) == 0x6, zmm_state = (xcr0 & 0xE6) == 0xE6;
  unsigned max_leaf = __get_cpuid_max(0, nullptr);
  unsigned ebx7 = 0, ecx7 = 0, edx7 = 0, eax7_1 = 0;
  if (max_leaf >= 7) {
    unsigned a = 0;
    __cpuid_count(7, 0, a, ebx7, ecx7, edx7);
    if (a >= 1) {
      unsigned b1 = 0, c1 = 0, d1 = 0;
      __cpuid_count(7, 1, eax7_1, b1, c1, d1);
    }
  }
  const bool avx2 = ebx7 & (1u << 5);
  const bool avx512f = ebx7 & (1u << 16), avx512dq = ebx7 & (1u << 17), avx512bw = ebx7 & (1u << 30),
             avx512vl = ebx7 & (1u << 31), vnni = ecx7 & (1u << 11), bf16 = eax7_1 & (1u << 5);
  f.avx2 = avx && avx2 && fma && f16c && ymm_state;
  f.avx512 = f.avx2 && avx512f && avx512dq && avx512bw && avx512vl && zmm_state;
  f.avx512_bf16 = f.avx512 && bf16;
  f.avx512_vnni = f.avx512 && vnni;
  const bool amx_tile = edx7 & (1u << 24), amx_bf16 = edx7 & (1u << 22);
  const bool tile_state = (xcr0 & 0x60000) == 0x60000;  // XTILECFG and XTILEDATA
  f.amx_bf16 = f.avx512_bf16 && f.avx512_vnni && amx_tile && amx_bf16 && tile_state;
  auto add = [&](bool has, const char* name) {
    if (!has) return;
    if (!f.description.empty()) f.description += ' ';
    f.description += name;
  };
  add(avx && ymm_state, "avx");
  add(avx2, "avx2");
  add(fma, "fma");
  add(f16c, "f16c");
  add(avx512f && zmm_state, "avx512f");
  add(avx512bw && zmm_state, "avx512bw");
  add(avx512vl && zmm_state, "avx512vl");
  add(vnni && zmm_state, "avx512vnni");
  add(bf16 && zmm_state, "avx512bf16");
  add(amx_tile && amx_bf16 && tile_state, "amx-bf16");
  if (avx512f && !zmm_state) add(true, "(avx512 present but not enabled by the OS)");
#endif
  if (f.description.empty()) f.description = "no x86 SIMD tier";
  return f;
}

const CpuFeatures& features() {
  static const CpuFeatures detected = detect_features();
  return detected;
}

constexpr KernelTable kRefTable = [] {
  KernelTable table{"ref",           f32_gemm_ref,    f32_gemm_packed_ref, f32_dwconv_ref,
                  f32_fma_peak_ref, bfp8_encode_ref, bfp8_decode_ref,     bf16_encode_ref,
                  bf16_decode_ref,  round_significand_ref, bf16_gemm_packed_ref, bf16_top_halves_rows_ref,
                  f32_fma_peak_ref, f32_fma_peak_ref,      bfp8_gemm_packed_ref, false,
                  false,            bfp8_encode_pair_ref,  bfp8_decode_tile_rows_ref,
                  bfp8_tile_rows_to_int8_ref, bfp8_encode_tile_rows_ref,
                  bfp8_round_rows_ref,     bfp8_encode_int8_rows_ref,
                  f32_conv_rows_ref,       bf16_conv_rows_ref,
                  bf16_decode_tile_rows_ref, bf16_encode_tile_rows_ref,
                  bf16_round_rows_ref,       bf16_add_rows_ref,
                  bfp8_decode_int8_rows_ref,
                  f32_planes_to_pixels_ref,  bf16_planes_to_pixels_ref,
                  true,                      bfp8_gemm_packed_ref};
  table.bf16_gemm_writes_words = true;
  return table;
}();

bool built(CpuIsa isa) {
  switch (isa) {
    case CpuIsa::ref: return true;
    case CpuIsa::avx2: return avx2_table() != nullptr;
    case CpuIsa::avx512: return avx512_built();
    case CpuIsa::amx: return avx512_built() && amx_built();
  }
  return false;
}

const KernelTable* table_of(CpuIsa isa) {
  switch (isa) {
    case CpuIsa::ref: return &kRefTable;
    case CpuIsa::avx2: return avx2_table();
    case CpuIsa::avx512: return avx512_table();
    case CpuIsa::amx: return amx_table();
  }
  return nullptr;
}

bool cpu_has(CpuIsa isa) {
  switch (isa) {
    case CpuIsa::ref: return true;
    case CpuIsa::avx2: return features().avx2;
    case CpuIsa::avx512: return features().avx512 && features().avx512_bf16 && features().avx512_vnni;
    case CpuIsa::amx: return features().amx_bf16 && amx_tile_state_granted();
  }
  return false;
}

void require(CpuIsa isa, const char* who) {
  check<Unsupported>(built(isa), "{}: the '{}' kernel tier is not in this build (CPU has: {})", who, isa_name(isa),
                     features().description);
  check<Unsupported>(isa != CpuIsa::amx || !features().amx_bf16 || amx_tile_state_granted(),
                     "{}: the OS refused this process the AMX tile state (arch_prctl ARCH_REQ_XCOMP_PERM), so the "
                     "'amx' kernel tier cannot run",
                     who);
  check<Unsupported>(cpu_has(isa), "{}: this CPU cannot run the '{}' kernel tier (CPU has: {})", who, isa_name(isa),
                     features().description);
}

const KernelTable* choose_table() {
  CpuIsa cap = CpuIsa::amx;
  bool explicit_cap = false;
  if (const char* requested = std::getenv("TTNN_CPU_ISA"); requested && *requested) {
    const std::string_view name(requested);
    if (name == "ref") cap = CpuIsa::ref;
    else if (name == "avx2") cap = CpuIsa::avx2;
    else if (name == "avx512") cap = CpuIsa::avx512;
    else if (name == "amx") cap = CpuIsa::amx;
    else fail<InvalidArgument>("TTNN_CPU_ISA={}: expected one of ref, avx2, avx512, amx", name);
    explicit_cap = true;
  }
  if (explicit_cap) require(cap, "TTNN_CPU_ISA");
  for (int tier = int(cap); tier > 0; --tier)
    if (isa_available(CpuIsa(tier))) return table_of(CpuIsa(tier));
  return &kRefTable;
}

std::atomic<const KernelTable*> g_current{nullptr};
std::once_flag g_once;

}  // namespace

const char* isa_name(CpuIsa isa) {
  switch (isa) {
    case CpuIsa::ref: return "ref";
    case CpuIsa::avx2: return "avx2";
    case CpuIsa::avx512: return "avx512";
    case CpuIsa::amx: return "amx";
  }
  return "?";
}

bool isa_available(CpuIsa isa) { return built(isa) && cpu_has(isa); }

const char* cpu_features() { return features().description.c_str(); }

const KernelTable& kernel_table() {
  const KernelTable* table = g_current.load(std::memory_order_acquire);
  if (table) return *table;
  // A failed choice (bad TTNN_CPU_ISA) throws out of call_once and is retried, so every call reports it.
  std::call_once(g_once, [] { g_current.store(choose_table(), std::memory_order_release); });
  return *g_current.load(std::memory_order_acquire);
}

const char* cpu_isa() { return kernel_table().isa; }

const KernelTable& kernel_table_for(CpuIsa isa) {
  require(isa, "kernel_table_for");
  return *table_of(isa);
}

namespace testing {
ScopedCpuIsa::ScopedCpuIsa(CpuIsa isa) : previous_(&kernel_table()) {
  g_current.store(&kernel_table_for(isa), std::memory_order_release);
}
ScopedCpuIsa::~ScopedCpuIsa() { g_current.store(previous_, std::memory_order_release); }
}  // namespace testing

}  // namespace ttnn::kernels
