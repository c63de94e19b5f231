// GFLOP/s of every kernel-table entry at every tier this machine runs, on MobileNetV2-1.0 (224x224)
// shapes, and the fp32 FMA peak of one core for the roofline fraction. Run:
//   kernel_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <bit>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "core/aligned_vector.hpp"
#include "support/random_values.hpp"
#include "kernels/bfp8_gemm.hpp"
#include "kernels/cpu/tiers.hpp"
#include "kernels/kernels.hpp"
#ifdef TTNN_BENCH_AVX2
#include "kernels/cpu/x86_avx2/avx2.hpp"
#endif

namespace ttnn::bench {
#ifdef TTNN_BENCH_AVX2
float fma_peak_avx2(size_t iterations);
size_t fma_peak_avx2_flops_per_iteration();
#endif
#ifdef TTNN_BENCH_AVX512
double bfp8_block_peak_avx512(uint64_t iterations);
#endif
namespace {

using namespace ttnn::kernels;

std::vector<float> random_values(size_t count, unsigned seed) { return ttnn::test::random_uniform_values(count, seed); }

struct GemmShape {
  const char* name;
  size_t m, k, n;
};
// 1x1 convs of MobileNetV2 at 224x224 (m = output pixels), the stem as im2col, and the classifier.
const GemmShape kGemmShapes[] = {
    {"stem_im2col", 12544, 27, 32}, {"b1_project", 12544, 32, 16},  {"b2_expand", 12544, 16, 96},
    {"b2_expand_block", 576, 16, 96},  // one conv block of rows: its output stays in L2, as in the model
    {"b3_expand", 3136, 24, 144},   {"b3_expand_block", 576, 24, 144},  {"b3_project", 3136, 144, 24},
    {"b5_expand", 784, 32, 192},    {"b5_expand_block", 384, 32, 192},
    {"b5_project", 784, 192, 32},   {"b8_expand", 196, 64, 384},    {"b12_project", 196, 576, 96},
    {"b15_project", 49, 960, 160},  {"b17_project", 49, 960, 320},  {"head_1x1", 49, 320, 1280},
    {"classifier", 1, 1280, 1000},
};

struct GemmData {
  std::vector<float> a, w, bias, packed, c;
  explicit GemmData(const GemmShape& s)
      : a(random_values(s.m * s.k, 1)), w(random_values(s.n * s.k, 2)), bias(random_values(s.n, 3)),
        packed(packed_gemm_weights_elems(s.n, s.k)), c(s.m * s.n) {
    pack_gemm_weights(s.n, s.k, w.data(), s.k, packed.data());
  }
};

std::string shape_name(const GemmShape& s) {
  return std::string(s.name) + "/m" + std::to_string(s.m) + "_k" + std::to_string(s.k) + "_n" + std::to_string(s.n);
}

void set_flops(benchmark::State& state, double flops_per_iteration) {
  state.counters["GFLOP/s"] = benchmark::Counter(flops_per_iteration * 1e-9 * double(state.iterations()),
                                                 benchmark::Counter::kIsRate);
}

// Cold runs (the classifier at batch 1 reads its weights from memory in a forward pass): before each timed
// call, untimed, a read of 64 MiB moves the weights out of every cache level.
class Caches {
 public:
  explicit Caches(bool cold) : flush_(cold ? 64u << 20 : 0, 1.0f) {}
  void evict(benchmark::State& state) {
    if (flush_.empty()) return;
    state.PauseTiming();
    float sum = 0.0f;
    for (size_t i = 0; i < flush_.size(); i += 16) sum += flush_[i];
    benchmark::DoNotOptimize(sum);
    state.ResumeTiming();
  }

 private:
  std::vector<float> flush_;
};

void bench_gemm(benchmark::State& state, const GemmShape& s, GemmF32Fn fn, bool cold) {
  GemmData d(s);
  Caches caches(cold);
  GemmArgs g;
  g.m = s.m, g.n = s.n, g.k = s.k, g.a = d.a.data(), g.a_row_stride = s.k, g.w = d.w.data(), g.w_row_stride = s.k;
  g.bias = d.bias.data(), g.clamp_min = 0, g.clamp_max = 6, g.c = d.c.data(), g.c_row_stride = s.n;
  for (auto _ : state) {
    caches.evict(state);
    fn(g);
    benchmark::ClobberMemory();
  }
  set_flops(state, 2.0 * double(s.m) * double(s.n) * double(s.k));
}

void bench_gemm_packed(benchmark::State& state, const GemmShape& s, GemmPackedF32Fn fn, bool cold) {
  GemmData d(s);
  Caches caches(cold);
  GemmPackedArgs g;
  g.m = s.m, g.n = s.n, g.k = s.k, g.a = d.a.data(), g.a_row_stride = s.k, g.packed_w = d.packed.data();
  g.bias = d.bias.data(), g.clamp_min = 0, g.clamp_max = 6, g.c = d.c.data(), g.c_row_stride = s.n;
  for (auto _ : state) {
    caches.evict(state);
    fn(g);
    benchmark::ClobberMemory();
  }
  set_flops(state, 2.0 * double(s.m) * double(s.n) * double(s.k));
}

// The 1x1 convs only: the stem's im2col and the classifier are not bfloat8_b-blocked conv GEMMs.
bool is_1x1_conv(const GemmShape& s) {
  return std::string(s.name) != "stem_im2col" && std::string(s.name) != "classifier";
}

// bfloat8_b operands for the int8 block GEMM: random codes (post-ReLU activations nonnegative, a third
// zero), exponents near 127; k padded with zero blocks to a multiple of 16 as tiles pad channels.
struct Bfp8GemmData {
  size_t k_padded;
  std::vector<int8_t> a, w;
  std::vector<uint8_t> a_exponents, w_exponents, packed;
  std::vector<uint16_t> packed_bf16;  // the same weights as bfloat16 panels (bfp8_gemm_wide reads them)
  std::vector<float> bias, c;
  Bfp8GemmData(const GemmShape& s, bool nonnegative)
      : k_padded((s.k + kBfp8Block - 1) / kBfp8Block * kBfp8Block), a(s.m * k_padded), w(s.n * k_padded),
        a_exponents(s.m * k_padded / kBfp8Block), w_exponents(s.n * k_padded / kBfp8Block),
        packed(packed_gemm_weights_bfp8_bytes(s.n, k_padded)), bias(random_values(s.n, 3)), c(s.m * s.n) {
    std::mt19937 rng(1);
    std::uniform_int_distribution<int> signed_code(-127, 127), nonnegative_code(0, 127), zero_third(0, 2);
    std::uniform_int_distribution<int> exponent(118, 130);
    auto activation = [&] {
      if (!nonnegative) return signed_code(rng);
      return zero_third(rng) == 0 ? 0 : nonnegative_code(rng);
    };
    for (size_t r = 0; r < s.m; ++r)
      for (size_t kk = 0; kk < s.k; ++kk) a[r * k_padded + kk] = int8_t(activation());
    for (size_t col = 0; col < s.n; ++col)
      for (size_t kk = 0; kk < s.k; ++kk) w[col * k_padded + kk] = int8_t(signed_code(rng));
    for (uint8_t& e : a_exponents) e = uint8_t(exponent(rng));
    for (uint8_t& e : w_exponents) e = uint8_t(exponent(rng));
    pack_gemm_weights_bfp8(s.n, k_padded, w.data(), k_padded, w_exponents.data(), k_padded / kBfp8Block,
                           packed.data());
    std::vector<float> values(s.n * k_padded);
    unpack_gemm_weights_bfp8(s.n, k_padded, packed.data(), values.data());
    packed_bf16.resize(packed_gemm_weights_bf16_elems(s.n, k_padded));
    pack_gemm_weights_bf16(s.n, k_padded, values.data(), k_padded, packed_bf16.data());
  }
};

// The outputs as float32 or bfloat16 stores them (round_to_bf16: a bfloat16 model's convs, and float32
// ones a LoFi conv reads).
struct OutputEpilogue {
  const char* name;
  bool round_to_bf16;
};
constexpr OutputEpilogue kOutputEpilogues[] = {{"", false}, {"_bf16", true}};

// GFLOP/s count the layer's own k (24 for b3_expand), not the zero padding.
void bench_bfp8_gemm(benchmark::State& state, const GemmShape& s, bool nonnegative, GemmBfp8Fn fn,
                     bool round_to_bfp8) {
  Bfp8GemmData d(s, nonnegative);
  GemmBfp8Args g;
  g.m = s.m, g.n = s.n, g.k = d.k_padded, g.a = d.a.data(), g.a_row_stride = d.k_padded;
  g.a_exponents = d.a_exponents.data(), g.a_exponents_row_stride = d.k_padded / kBfp8Block;
  g.activations = nonnegative ? Int8Activations::nonnegative : Int8Activations::signed_values;
  g.packed_w = d.packed.data(), g.packed_w_bf16 = d.packed_bf16.data();
  g.bias = d.bias.data(), g.clamp_min = 0, g.clamp_max = 6, g.c = d.c.data(), g.c_row_stride = s.n;
  g.round_to_bfp8 = round_to_bfp8;
  for (auto _ : state) {
    fn(g);
    benchmark::ClobberMemory();
  }
  set_flops(state, 2.0 * double(s.m) * double(s.n) * double(s.k));
}

// The bfloat16 GEMM on the same shapes: bfloat8_b values expanded to bfloat16 are exact, so this is the
// other exact path for the same numerics.
void bench_bf16_gemm(benchmark::State& state, const GemmShape& s, GemmBf16Fn fn, OutputEpilogue epilogue) {
  GemmData d(s);
  const size_t a_stride = bf16_pairs(s.k) * 2;
  std::vector<uint16_t> a(s.m * a_stride, 0), packed(packed_gemm_weights_bf16_elems(s.n, s.k));
  for (size_t r = 0; r < s.m; ++r) bf16_top_halves_ref(d.a.data() + r * s.k, s.k, a.data() + r * a_stride);
  std::vector<float> w = d.w, a_values = d.a;
  for (float& v : w) v = std::bit_cast<float>(std::bit_cast<uint32_t>(v) & 0xFFFF0000u);  // exact bfloat16 values
  for (float& v : a_values) v = std::bit_cast<float>(std::bit_cast<uint32_t>(v) & 0xFFFF0000u);
  pack_gemm_weights_bf16(s.n, s.k, w.data(), s.k, packed.data());
  GemmBf16Args g;
  g.m = s.m, g.n = s.n, g.k = s.k, g.a = a.data(), g.a_row_stride = a_stride, g.packed_w = packed.data();
  g.a_values = a_values.data(), g.a_values_row_stride = s.k;  // the widened-FMA variant reads these
  g.bias = d.bias.data(), g.clamp_min = 0, g.clamp_max = 6, g.c = d.c.data(), g.c_row_stride = s.n;
  g.round_to_bf16 = epilogue.round_to_bf16;
  for (auto _ : state) {
    fn(g);
    benchmark::ClobberMemory();
  }
  set_flops(state, 2.0 * double(s.m) * double(s.n) * double(s.k));
}

struct DwShape {
  const char* name;
  size_t height, width, channels, stride;
};
const DwShape kDwShapes[] = {
    {"dw_112x112x32_s1", 112, 112, 32, 1}, {"dw_112x112x96_s2", 112, 112, 96, 2}, {"dw_56x56x144_s1", 56, 56, 144, 1},
    {"dw_28x28x192_s1", 28, 28, 192, 1},   {"dw_14x14x576_s1", 14, 14, 576, 1},   {"dw_7x7x960_s1", 7, 7, 960, 1},
    {"dw_28x28x192_s2", 28, 28, 192, 2},   {"dw_14x14x576_s2", 14, 14, 576, 2},
    // One work item's channels, as the model's block-sharded depthwise convs run them.
    {"dw_56x56x32_s1", 56, 56, 32, 1},     {"dw_14x14x32_s1", 14, 14, 32, 1},     {"dw_7x7x32_s1", 7, 7, 32, 1},
    {"dw_28x28x32_s1", 28, 28, 32, 1},     {"dw_14x14x64_s1", 14, 14, 64, 1},     {"dw_7x7x160_s1", 7, 7, 160, 1},
    {"dw_56x56x32_s2", 56, 56, 32, 2},     {"dw_28x28x32_s2", 28, 28, 32, 2},     {"dw_14x14x96_s2", 14, 14, 96, 2},
};

// How a depthwise layer is called: its outputs as the bfloat16 words a fused project conv's GEMM reads
// (DwconvArgs::output_words), and on bfloat16 values summed in vdpbf16ps pairs (DwconvArgs::bf16_pairs),
// with every row in one call as the engine calls a block's rows, or one call per row.
struct DwCalls {
  bool words = false, pairs = false, rows_in_one_call = false;
};

// A whole 3x3 pad-1 depthwise layer.
void bench_dwconv(benchmark::State& state, const DwShape& s, DwconvF32Fn fn, OutputEpilogue epilogue, DwCalls calls) {
  std::vector<float> values = random_values(s.height * s.width * s.channels, 1);
  std::vector<float> weights = random_values(9 * s.channels, 2);
  const std::vector<float> bias = random_values(s.channels, 3);
  if (calls.pairs)  // bfloat16 values, as the pairs need
    for (std::vector<float>* v : {&values, &weights})
      for (float& x : *v) x = std::bit_cast<float>(std::bit_cast<uint32_t>(x) & 0xFFFF0000u);
  // Cache-line aligned, as the engine's scratch rows are (a vector load across two lines costs a third).
  const AlignedVector<float> input(values.begin(), values.end());
  const size_t out_h = (s.height + 2 - 3) / s.stride + 1, out_w = (s.width + 2 - 3) / s.stride + 1;
  AlignedVector<float> output(out_h * out_w * s.channels);
  AlignedVector<uint16_t> output_words(out_h * out_w * s.channels);
  DwconvArgs d;
  d.input_pixel_stride = s.channels, d.input_width = s.width, d.channels = s.channels;
  d.kernel_h = 3, d.kernel_w = 3, d.stride = s.stride, d.pad_left = 1, d.dilation = 1;
  d.weights = weights.data(), d.weights_tap_stride = s.channels, d.bias = bias.data();
  d.clamp_min = 0, d.clamp_max = 6, d.output_pixel_stride = s.channels, d.out_begin = 0, d.out_end = out_w;
  d.round_to_bf16 = epilogue.round_to_bf16;
  d.bf16_pairs = calls.pairs, d.input_row_step = s.stride, d.output_row_stride = out_w * s.channels;
  std::vector<const float*> rows(3 + (out_h - 1) * s.stride);  // image rows -1, 0, 1, ...
  for (size_t i = 0; i < rows.size(); ++i) {
    const long ih = long(i) - 1;
    rows[i] = ih < 0 || ih >= long(s.height) ? nullptr : input.data() + size_t(ih) * s.width * s.channels;
  }
  const size_t rows_a_call = calls.rows_in_one_call ? out_h : 1;
  for (auto _ : state) {
    for (size_t oh = 0; oh < out_h; oh += rows_a_call) {
      d.rows = rows_a_call, d.input_rows = rows.data() + oh * s.stride, d.input_row0 = long(oh * s.stride) - 1;
      if (calls.words) d.output_words = output_words.data() + oh * out_w * s.channels;
      else d.output = output.data() + oh * out_w * s.channels;
      fn(d);
    }
    benchmark::ClobberMemory();
  }
  set_flops(state, 2.0 * 9.0 * double(out_h * out_w * s.channels));
}

#ifdef TTNN_BENCH_AVX2
void bench_fma_peak(benchmark::State& state) {
  constexpr size_t kIterations = 1 << 20;
  for (auto _ : state) benchmark::DoNotOptimize(fma_peak_avx2(kIterations));
  set_flops(state, double(kIterations * fma_peak_avx2_flops_per_iteration()));
}
#endif

// bfloat8_b storage of a 12544 x 96 activation (the largest expand output) as whole tile rows: encoding
// from and decoding to rows of floats, in values per second.
constexpr size_t kTileRowsPixels = 12544, kTileRowsChannels = 96, kTileBytes = 1088;

void set_values_rate(benchmark::State& state) {
  state.counters["Gvalues/s"] = benchmark::Counter(double(kTileRowsPixels * kTileRowsChannels) * 1e-9 *
                                                    double(state.iterations()), benchmark::Counter::kIsRate);
}

void bench_bfp8_encode_tile_rows(benchmark::State& state, Bfp8EncodeTileRowsFn fn) {
  const std::vector<float> values = random_values(kTileRowsPixels * kTileRowsChannels, 4);
  const AlignedVector<float> rows(values.begin(), values.end());
  AlignedVector<uint8_t> tiles(kTileRowsPixels / 32 * kTileRowsChannels / 32 * kTileBytes);
  for (auto _ : state) {
    for (size_t band = 0; band < kTileRowsPixels / 32; ++band)
      for (size_t col = 0; col < kTileRowsChannels / 32; ++col)
        fn(rows.data() + band * 32 * kTileRowsChannels + col * 32, kTileRowsChannels, 0, 32,
           tiles.data() + (band * kTileRowsChannels / 32 + col) * kTileBytes);
    benchmark::ClobberMemory();
  }
  set_values_rate(state);
}

void bench_bfp8_decode_tile_rows(benchmark::State& state, Bfp8EncodeTileRowsFn encode, Bfp8DecodeTileRowsFn fn) {
  const std::vector<float> values = random_values(kTileRowsPixels * kTileRowsChannels, 4);
  AlignedVector<float> rows(values.begin(), values.end());
  AlignedVector<uint8_t> tiles(kTileRowsPixels / 32 * kTileRowsChannels / 32 * kTileBytes);
  for (size_t tile = 0; tile < tiles.size() / kTileBytes; ++tile)
    encode(rows.data() + tile % 3 * 32, kTileRowsChannels, 0, 32, tiles.data() + tile * kTileBytes);
  for (auto _ : state) {
    for (size_t band = 0; band < kTileRowsPixels / 32; ++band)
      for (size_t col = 0; col < kTileRowsChannels / 32; ++col)
        fn(tiles.data() + (band * kTileRowsChannels / 32 + col) * kTileBytes, 0, 32, 0, 32,
           rows.data() + band * 32 * kTileRowsChannels + col * 32, kTileRowsChannels);
    benchmark::ClobberMemory();
  }
  set_values_rate(state);
}

// Rows rounded in place as bfloat8_b stores them: the 12544 x 96 activation (memory-bound), and one image
// row of a fused producer's depthwise input (56 pixels x 32 channels, in L1, as the planned pass rounds it).
void bench_bfp8_round_rows(benchmark::State& state, Bfp8RoundRowsFn fn, size_t rows, size_t cols) {
  const std::vector<float> values = random_values(rows * cols, 4);
  AlignedVector<float> data(values.begin(), values.end());
  for (auto _ : state) {
    fn(data.data(), rows, cols, cols);
    benchmark::ClobberMemory();
  }
  state.counters["Gvalues/s"] =
      benchmark::Counter(double(rows * cols) * 1e-9 * double(state.iterations()), benchmark::Counter::kIsRate);
}

// Rows encoded into the int8 GEMM's rows as a depthwise conv's outputs are (values in [0, 6], one run of
// whole faces of 16 blocks, as nearly all the planned pass encodes): in L1.
void bench_bfp8_encode_int8_rows(benchmark::State& state, Bfp8EncodeInt8RowsFn fn, size_t rows, size_t cols) {
  std::vector<float> values = random_values(rows * cols, 4);
  for (float& v : values) v = std::min(std::fabs(v), 6.0f);
  const AlignedVector<float> data(values.begin(), values.end());
  AlignedVector<int8_t> codes(rows * cols);
  AlignedVector<uint8_t> exponents(rows * cols / 16);
  for (auto _ : state) {
    benchmark::DoNotOptimize(fn(data.data(), cols, rows, cols, codes.data(), cols, exponents.data(), cols / 16, 0));
    benchmark::ClobberMemory();
  }
  state.counters["Gvalues/s"] =
      benchmark::Counter(double(rows * cols) * 1e-9 * double(state.iterations()), benchmark::Counter::kIsRate);
}

// The whole stem (3x3 stride 2, 3 -> 32 channels, 224x224 -> 112x112) on a conv-rows kernel, an output
// row a call, from zero-padded image rows as the engine reads them: against f32_gemm_packed on the stem's
// im2col patches above; rounded to bfloat8_b as a bfloat8_b model's stem writes them where round_to_bfp8.
// GFLOP/s count the 27 taps, not the reduction padding to 32.
void bench_stem_conv_rows(benchmark::State& state, ConvRowsFn fn, bool bf16, bool round_to_bfp8) {
  constexpr size_t kIn = 224, kOut = 112, kChannels = 3, kOutChannels = 32, kK = 32, kPadded = 2 * kOut + 1;
  std::vector<float> image = random_values((kIn + 1) * kPadded * kChannels, 4);
  for (size_t row = 0; row < kIn + 1; ++row)  // the padding: a zero row above, a zero pixel left (the last
    for (size_t px = 0; px < kPadded; ++px)   // output's taps end on the last pixel)
      if (row == 0 || px == 0)
        for (size_t ch = 0; ch < kChannels; ++ch) image[(row * kPadded + px) * kChannels + ch] = 0.0f;
  std::vector<float> w = random_values(kOutChannels * kK, 5), bias = random_values(kOutChannels, 6);
  for (size_t o = 0; o < kOutChannels; ++o)
    for (size_t e = 27; e < kK; ++e) w[o * kK + e] = 0.0f;
  if (bf16)
    for (std::vector<float>* values : {&image, &w})
      for (float& v : *values) v = std::bit_cast<float>(std::bit_cast<uint32_t>(v) & 0xFFFF0000u);
  std::vector<float> packed(packed_gemm_weights_elems(kOutChannels, kK)), c(kOut * kOut * kOutChannels);
  std::vector<uint16_t> packed_bf16(packed_gemm_weights_bf16_elems(kOutChannels, kK));
  pack_gemm_weights(kOutChannels, kK, w.data(), kK, packed.data());
  pack_gemm_weights_bf16(kOutChannels, kK, w.data(), kK, packed_bf16.data());
  const float* rows[3];
  ConvRowsArgs a;
  a.input_rows = rows, a.channels = kChannels, a.kernel_h = 3, a.kernel_w = 3, a.stride = 2, a.pixels = kOut;
  a.n = kOutChannels, a.k = kK, a.packed_w = packed.data(), a.packed_w_bf16 = packed_bf16.data();
  a.bias = bias.data(), a.clamp_min = 0, a.clamp_max = 6, a.c_row_stride = kOutChannels;
  a.round_to_bfp8 = round_to_bfp8;
  for (auto _ : state) {
    for (size_t oh = 0; oh < kOut; ++oh) {
      for (size_t ky = 0; ky < 3; ++ky) rows[ky] = image.data() + (2 * oh + ky) * kPadded * kChannels;
      a.c = c.data() + oh * kOut * kOutChannels;
      fn(a);
    }
    benchmark::ClobberMemory();
  }
  set_flops(state, 2.0 * double(kOut * kOut) * 27.0 * double(kOutChannels));
}

void register_all() {
  std::printf("CPU features: %s; default tier: %s\n", cpu_features(), cpu_isa());
#ifdef TTNN_BENCH_AVX2
  if (isa_available(CpuIsa::avx2)) benchmark::RegisterBenchmark("fma_peak/avx2", bench_fma_peak);
#endif
  for (CpuIsa isa : kAllCpuIsas) {
    if (!isa_available(isa)) continue;
    const KernelTable& t = kernel_table_for(isa);
    for (const GemmShape& s : kGemmShapes) {
      const std::string shape = shape_name(s);
      for (const bool cold : {false, true}) {
        if (cold && std::string(s.name) != "classifier") continue;
        const std::string suffix = std::string(t.isa) + "/" + shape + (cold ? "_cold" : "");
        benchmark::RegisterBenchmark(("f32_gemm/" + suffix).c_str(), bench_gemm, s, t.f32_gemm, cold);
        benchmark::RegisterBenchmark(("f32_gemm_packed/" + suffix).c_str(), bench_gemm_packed, s, t.f32_gemm_packed,
                                     cold);
      }
#ifdef TTNN_BENCH_AVX2
      if (isa == CpuIsa::avx2) {
        benchmark::RegisterBenchmark(("f32_gemm_minmax_ukernel_4x16__avx2/" + shape).c_str(), bench_gemm_packed, s,
                                     f32_gemm_minmax_ukernel_4x16__avx2, false);
        benchmark::RegisterBenchmark(("f32_gemm_minmax_ukernel_6x16__avx2/" + shape).c_str(), bench_gemm_packed, s,
                                     f32_gemm_minmax_ukernel_6x16__avx2, false);
      }
#endif
    }
    benchmark::RegisterBenchmark(("bfp8_encode_tile_rows/" + std::string(t.isa)).c_str(), bench_bfp8_encode_tile_rows,
                                 t.bfp8_encode_tile_rows);
    benchmark::RegisterBenchmark(("bfp8_decode_tile_rows/" + std::string(t.isa)).c_str(), bench_bfp8_decode_tile_rows,
                                 t.bfp8_encode_tile_rows, t.bfp8_decode_tile_rows);
    benchmark::RegisterBenchmark(("bfp8_round_rows/" + std::string(t.isa) + "/12544x96").c_str(), bench_bfp8_round_rows,
                                 t.bfp8_round_rows, kTileRowsPixels, kTileRowsChannels);
    benchmark::RegisterBenchmark(("bfp8_round_rows/" + std::string(t.isa) + "/56x32").c_str(), bench_bfp8_round_rows,
                                 t.bfp8_round_rows, size_t(56), size_t(32));
    for (const auto& [rows, cols] : {std::pair<size_t, size_t>{112, 32}, {64, 144}, {16, 576}})
      benchmark::RegisterBenchmark(("bfp8_encode_int8_rows/" + std::string(t.isa) + "/" + std::to_string(rows) + "x" +
                                    std::to_string(cols)).c_str(),
                                   bench_bfp8_encode_int8_rows, t.bfp8_encode_int8_rows, rows, cols);
    for (const OutputEpilogue& epilogue : kOutputEpilogues)
      for (const bool words : {false, true}) {
        if (words && !epilogue.round_to_bf16) continue;  // words hold bfloat16 values only
        for (const DwShape& s : kDwShapes)
          benchmark::RegisterBenchmark(
              ("f32_dwconv" + std::string(epilogue.name) + (words ? "_words/" : "/") + t.isa + "/" + s.name).c_str(),
              bench_dwconv, s, t.f32_dwconv, epilogue, DwCalls{words, false, false});
      }
    // The engine's calls of a bfloat16 layer: words out, every row in one call, in the fp32 order and in pairs.
    for (const bool pairs : {false, true})
      for (const DwShape& s : kDwShapes)
        benchmark::RegisterBenchmark(
            ("f32_dwconv_rows_" + std::string(pairs ? "pairs/" : "fp32_order/") + t.isa + "/" + s.name).c_str(),
            bench_dwconv, s, t.f32_dwconv, kOutputEpilogues[1], DwCalls{true, pairs, true});
    benchmark::RegisterBenchmark(("f32_conv_rows/" + std::string(t.isa) + "/stem").c_str(), bench_stem_conv_rows,
                                 t.f32_conv_rows, false, false);
    benchmark::RegisterBenchmark(("bf16_conv_rows/" + std::string(t.isa) + "/stem").c_str(), bench_stem_conv_rows,
                                 t.bf16_conv_rows, true, false);
    benchmark::RegisterBenchmark(("bf16_conv_rows/" + std::string(t.isa) + "/stem_to_bfp8").c_str(),
                                 bench_stem_conv_rows, t.bf16_conv_rows, true, true);
  }
  // bfloat8_b 1x1 convs: int8 block products (vpdpbusd) against the bfloat16 GEMMs (vdpbf16ps, fp32 FMAs on
  // widened weights, and AMX tiles where the CPU has them), and the three peak loops.
  if (isa_available(CpuIsa::avx512)) {
    const KernelTable& t = kernel_table_for(CpuIsa::avx512);
    const Bf16GemmVariants bf16 = avx512_bf16_gemm_variants();
    const GemmBf16Fn on_amx = isa_available(CpuIsa::amx) ? kernel_table_for(CpuIsa::amx).bf16_gemm_packed : nullptr;
    for (const GemmShape& s : kGemmShapes) {
      if (!is_1x1_conv(s)) continue;
      const std::string shape = shape_name(s);
      if (on_amx) {
        benchmark::RegisterBenchmark(("bf16_gemm_amx/amx/" + shape).c_str(), bench_bf16_gemm, s, on_amx,
                                     kOutputEpilogues[0]);
        benchmark::RegisterBenchmark(("bfp8_gemm_wide_nonneg/amx/" + shape).c_str(), bench_bfp8_gemm, s, true,
                                     kernel_table_for(CpuIsa::amx).bfp8_gemm_wide, false);
      }
      benchmark::RegisterBenchmark(("bfp8_gemm_int8_nonneg/avx512/" + shape).c_str(), bench_bfp8_gemm, s, true,
                                   bfp8_gemm_minmax_ukernel_6x32__avx512vnni, false);
      benchmark::RegisterBenchmark(("bfp8_gemm_int8_signed/avx512/" + shape).c_str(), bench_bfp8_gemm, s, false,
                                   bfp8_gemm_minmax_ukernel_6x32__avx512vnni, false);
      benchmark::RegisterBenchmark(("bfp8_gemm_int8_signed_to_bfp8/avx512/" + shape).c_str(), bench_bfp8_gemm, s,
                                   false, bfp8_gemm_minmax_ukernel_6x32__avx512vnni, true);
      for (const OutputEpilogue& epilogue : kOutputEpilogues) {
        const std::string suffix = std::string(epilogue.name) + "/avx512/" + shape;
        benchmark::RegisterBenchmark(("bf16_gemm_vdpbf16ps" + suffix).c_str(), bench_bf16_gemm, s, bf16.on_bf16_dot,
                                     epilogue);
        benchmark::RegisterBenchmark(("bf16_gemm_widened_fma" + suffix).c_str(), bench_bf16_gemm, s, bf16.on_fp32_fma,
                                     epilogue);
      }
    }
    std::vector<std::pair<const char*, PeakFn>> peaks = {{"peak_fp32_fma/avx512", t.f32_fma_peak},
                                                         {"peak_bf16_dot/avx512", t.bf16_dot_peak},
                                                         {"peak_int8_dot/avx512", t.int8_dot_peak}};
#ifdef TTNN_BENCH_AVX512
    peaks.emplace_back("peak_bfp8_block/avx512", bfp8_block_peak_avx512);  // the int8 GEMM's ceiling
#endif
    for (auto [name, peak] : peaks)
      benchmark::RegisterBenchmark(name, [peak = peak](benchmark::State& state) {
        double flops = 0;
        for (auto _ : state) flops += peak(100000);
        state.counters["GFLOP/s"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsRate);
      });
  }
}

}  // namespace
}  // namespace ttnn::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  ttnn::bench::register_all();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
