// The .pth reader against checkpoints torch wrote (tests/oracle/make_checkpoints.py, found through
// TTNN_CHECKPOINT_DIR), against malformed and malicious files, and the unpickler on hand-made pickles.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "io/pth/tensor_rebuild.hpp"
#include "io/pth/unpickler.hpp"
#include "io/pth/zip_archive.hpp"
#include "support/oracle.hpp"
#include "ttnn/errors.hpp"
#include "ttnn/io/pth.hpp"

namespace ttnn::io {
namespace {

namespace fs = std::filesystem;
using namespace std::literals;  // pickles hold NUL bytes
using Bytes = std::vector<std::byte>;

fs::path checkpoint_dir() {
  return test::generated_data_dir("TTNN_CHECKPOINT_DIR", "checkpoints", "tests/oracle/make_checkpoints.py");
}

Bytes to_bytes(std::string_view text) {
  const auto* begin = reinterpret_cast<const std::byte*>(text.data());
  return Bytes(begin, begin + text.size());
}

Bytes read_bytes(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  EXPECT_TRUE(file.good()) << path;
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  return to_bytes(text);
}

// CASE.expected as make_checkpoints.py writes it.
std::vector<std::pair<std::string, HostArray>> read_expected(const fs::path& path) {
  const Bytes bytes = read_bytes(path);
  size_t pos = 0;
  auto take = [&](size_t n) {
    if (pos + n > bytes.size()) throw std::runtime_error("short expected file");
    const std::byte* at = bytes.data() + pos;
    pos += n;
    return at;
  };
  auto u32 = [&] { uint32_t v; std::memcpy(&v, take(4), 4); return v; };
  auto u64 = [&] { uint64_t v; std::memcpy(&v, take(8), 8); return v; };
  if (std::memcmp(take(8), "TTNNEXP1", 8) != 0) throw std::runtime_error("bad expected file");
  std::vector<std::pair<std::string, HostArray>> out;
  for (uint32_t count = u32(), i = 0; i < count; ++i) {
    const uint32_t key_length = u32();
    std::string key(reinterpret_cast<const char*>(take(key_length)), key_length);
    std::vector<uint32_t> dims(u32());
    for (auto& dim : dims) dim = static_cast<uint32_t>(u64());
    HostArray array{Shape(dims), {}};
    array.values.resize(array.shape.volume());
    const std::byte* values = take(array.values.size() * 4);
    if (!array.values.empty()) std::memcpy(array.values.data(), values, array.values.size() * 4);
    out.emplace_back(std::move(key), std::move(array));
  }
  return out;
}

bool same_float(float a, float b) {
  return std::bit_cast<uint32_t>(a) == std::bit_cast<uint32_t>(b) || (std::isnan(a) && std::isnan(b));
}

void expect_matches(const StateDict& got, const std::vector<std::pair<std::string, HostArray>>& expected) {
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    const auto& [key, want] = expected[i];
    ASSERT_EQ(got.names()[i], key);
    const HostArray& array = got.at(key);
    ASSERT_EQ(array.shape, want.shape) << key;
    size_t mismatches = 0;
    for (size_t k = 0; k < want.values.size(); ++k)
      if (!same_float(array.values[k], want.values[k]) && mismatches++ < 3)
        ADD_FAILURE() << key << "[" << k << "] = " << array.values[k] << ", torch says " << want.values[k];
    EXPECT_EQ(mismatches, 0u) << key;
  }
}

// Parsing may fail, but only with FormatError: anything else (or a crash) is a bug.
bool parses_or_format_error(const Bytes& bytes) {
  try {
    parse_state_dict(bytes, "mutated");
    return true;
  } catch (const FormatError&) {
    return false;
  }
}

std::string format_error_of(const fs::path& path) {
  try {
    load_state_dict(path);
  } catch (const FormatError& e) {
    return e.what();
  }
  ADD_FAILURE() << path << " loaded without error";
  return {};
}

// --- checkpoints torch wrote ---------------------------------------------------------------------

TEST(PthTest, MobileNetV2BothFormatsEqualTorch) {
  const fs::path dir = checkpoint_dir();
  const auto expected = read_expected(dir / "mobilenet_v2.expected");
  const StateDict zip = load_state_dict(dir / "mobilenet_v2.zip.pth");
  const StateDict legacy = load_state_dict(dir / "mobilenet_v2.legacy.pth");
  expect_matches(zip, expected);
  expect_matches(legacy, expected);
  EXPECT_EQ(zip.size(), 314u);
  EXPECT_EQ(zip.at("features.0.0.weight").shape, Shape({32, 3, 3, 3}));
  EXPECT_EQ(zip.at("classifier.1.bias").shape, Shape({1000}));
  const HostArray& tracked = legacy.at("features.1.conv.0.1.num_batches_tracked");
  EXPECT_EQ(tracked.shape.rank(), 0u);
  EXPECT_EQ(tracked.values, std::vector<float>{12345.0f});
}

struct GoodCase {
  std::string expected;
  std::string file;
};

class PthGoodFileTest : public testing::TestWithParam<GoodCase> {};

TEST_P(PthGoodFileTest, EqualsTorch) {
  const fs::path dir = checkpoint_dir();
  expect_matches(load_state_dict(dir / GetParam().file), read_expected(dir / GetParam().expected));
}

std::vector<GoodCase> good_cases() {
  std::vector<GoodCase> cases;
  for (const char* encoding : {"zip", "legacy", "proto4", "proto4legacy", "deflate", "prefix", "bigzip", "bigendian"})
    cases.push_back({"dtypes.expected", std::string("dtypes.") + encoding + ".pth"});
  for (const char* encoding : {"zip", "legacy", "bigzip", "bigendian"})
    cases.push_back({"views.expected", std::string("views.") + encoding + ".pth"});
  for (const char* name : {"wrapped", "wrapped_model"})
    for (const char* encoding : {"zip", "legacy"})
      cases.push_back({std::string(name) + ".expected", std::string(name) + "." + encoding + ".pth"});
  return cases;
}

// Parameters print as their file name, which CTest (gtest_discover_tests) uses in the test's name.
void PrintTo(const GoodCase& param, std::ostream* out) { *out << param.file; }

INSTANTIATE_TEST_SUITE_P(Checkpoints, PthGoodFileTest, testing::ValuesIn(good_cases()));

TEST(PthTest, DtypesConvertLikeTorchFloat) {
  const StateDict sd = load_state_dict(checkpoint_dir() / "dtypes.legacy.pth");
  EXPECT_EQ(sd.at("i64").values[2], 9007199254740992.0f);  // 2^53 + 1 rounds to nearest
  EXPECT_EQ(sd.at("u8").values, (std::vector<float>{0, 1, 128, 255}));
  EXPECT_EQ(sd.at("i8").values, (std::vector<float>{0, -1, 127, -128}));
  EXPECT_EQ(sd.at("bool").values, (std::vector<float>{1, 0, 1}));
  EXPECT_EQ(sd.at("f16").values[2], std::ldexp(1.0f, -24));
  EXPECT_TRUE(std::isinf(sd.at("f64").values[2]));
  EXPECT_EQ(sd.at("scalar").shape.rank(), 0u);
  EXPECT_EQ(sd.at("empty").shape, Shape({0, 3}));
  EXPECT_TRUE(sd.at("empty").values.empty());
}

TEST(PthTest, ViewsFollowOffsetsAndStrides) {
  const StateDict sd = load_state_dict(checkpoint_dir() / "views.zip.pth");
  EXPECT_EQ(sd.at("transposed").shape, Shape({4, 3}));
  EXPECT_EQ(sd.at("transposed").values, (std::vector<float>{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}));
  EXPECT_EQ(sd.at("step").values, (std::vector<float>{3, 7, 11, 15, 19}));
  const auto& shared = sd.at("shared").values;
  const auto& row = sd.at("shared_row").values;
  EXPECT_EQ(row, std::vector<float>(shared.begin() + 8, shared.begin() + 12));
  EXPECT_EQ(sd.at("shared_t").values[1], shared[4]);
  EXPECT_EQ(sd.at("expanded").shape, Shape({3, 5}));
}

// --- bad and malicious files ---------------------------------------------------------------------

struct BadCase {
  std::string file;
  std::string message;  // a substring the error must contain
};

void PrintTo(const BadCase& param, std::ostream* out) { *out << param.file; }

class PthBadFileTest : public testing::TestWithParam<BadCase> {};

TEST_P(PthBadFileTest, FailsWithFormatError) {
  const fs::path dir = checkpoint_dir();
  const std::string message = format_error_of(dir / GetParam().file);
  EXPECT_NE(message.find(GetParam().message), std::string::npos) << message;
  EXPECT_NE(message.find(GetParam().file), std::string::npos) << "names the file: " << message;
  EXPECT_FALSE(fs::exists("ttnn_pth_pwned")) << "a pickle ran code";
}

INSTANTIATE_TEST_SUITE_P(
    Checkpoints, PthBadFileTest,
    testing::Values(BadCase{"bad_os_system.zip.pth", "global 'os.system' is not allowed"},
                    BadCase{"bad_os_system.legacy.pth", "global 'os.system' is not allowed"},
                    BadCase{"bad_posix_system.zip.pth", "global 'posix.system' is not allowed"},
                    BadCase{"bad_posix_system.legacy.pth", "global 'posix.system' is not allowed"},
                    BadCase{"bad_short_view.zip.pth", "tensor 'w': view (offset 1, sizes [100], strides [1])"},
                    BadCase{"bad_short_view.legacy.pth", "bytes [4, 404), but storage"},
                    BadCase{"bad_not_dict.zip.pth", "top-level object is a list"},
                    BadCase{"bad_not_dict.legacy.pth", "top-level object is a list"},
                    BadCase{"bad_not_tensor.zip.pth", "entry 'n' is a int, not a tensor"},
                    BadCase{"bad_not_tensor.legacy.pth", "entry 'n' is a int, not a tensor"}));

TEST(PthTest, EveryTruncationOfSmallFilesFails) {
  for (const char* name : {"dtypes.zip.pth", "dtypes.legacy.pth", "views.zip.pth", "views.legacy.pth",
                           "dtypes.deflate.pth"}) {
    const Bytes bytes = read_bytes(checkpoint_dir() / name);
    for (size_t length = 0; length < bytes.size(); ++length)
      EXPECT_THROW(parse_state_dict(std::span(bytes).first(length), name), FormatError) << name << " " << length;
  }
}

TEST(PthTest, TruncatedMobileNetFails) {
  for (const char* name : {"mobilenet_v2.zip.pth", "mobilenet_v2.legacy.pth"}) {
    const Bytes bytes = read_bytes(checkpoint_dir() / name);
    for (size_t step = 0; step < 64; ++step) {
      const size_t length = bytes.size() * step / 64 + step * 37 % 101;
      EXPECT_THROW(parse_state_dict(std::span(bytes).first(length), name), FormatError) << length;
    }
  }
}

TEST(PthTest, FlippedBytesNeverCrash) {
  for (const char* name : {"dtypes.zip.pth", "dtypes.legacy.pth", "views.legacy.pth", "views.zip.pth"}) {
    const Bytes original = read_bytes(checkpoint_dir() / name);
    size_t failures = 0;
    for (size_t i = 0; i < original.size(); ++i) {
      for (const uint8_t mask : {0x01, 0x80, 0xff}) {
        Bytes bytes = original;
        bytes[i] ^= std::byte{mask};
        failures += parses_or_format_error(bytes) ? 0 : 1;
      }
    }
    EXPECT_GT(failures, original.size() / 4) << name;
  }
}

TEST(PthTest, ZipStorageCorruptionFailsTheCrc) {
  const Bytes original = read_bytes(checkpoint_dir() / "dtypes.zip.pth");
  const std::string_view text(reinterpret_cast<const char*>(original.data()), original.size());
  // Storage "0" (f32) starts 0.0, -0.0, 1.0: corrupt that 1.0f.
  const size_t one = text.find("\x00\x00\x00\x00\x00\x00\x00\x80\x00\x00\x80\x3f"sv);
  ASSERT_NE(one, std::string_view::npos);
  Bytes bytes = original;
  bytes[one + 10] ^= std::byte{1};
  bool crc_error = false;
  try {
    parse_state_dict(bytes, "crc");
  } catch (const FormatError& e) {
    crc_error = std::string(e.what()).find("CRC") != std::string::npos;
  }
  EXPECT_TRUE(crc_error);
}

TEST(PthTest, WrongLegacyMagicFails) {
  Bytes bytes = read_bytes(checkpoint_dir() / "dtypes.legacy.pth");
  bytes[5] ^= std::byte{0x10};  // inside the LONG1 magic number
  try {
    parse_state_dict(bytes, "magic.pth");
    ADD_FAILURE() << "loaded";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("magic number"), std::string::npos) << e.what();
  }
}

TEST(PthTest, BadZipCentralDirectoryFails) {
  const Bytes original = read_bytes(checkpoint_dir() / "dtypes.zip.pth");
  const std::string_view text(reinterpret_cast<const char*>(original.data()), original.size());
  const size_t central = text.find("PK\x01\x02");
  const size_t end = text.rfind("PK\x05\x06");
  const size_t end64 = text.rfind("PK\x06\x06");  // torch writes zip64 records, which take precedence
  ASSERT_NE(central, std::string_view::npos);
  ASSERT_NE(end, std::string_view::npos);
  ASSERT_NE(end64, std::string_view::npos);
  Bytes bad_signature = original;
  bad_signature[central + 3] = std::byte{0x07};
  EXPECT_THROW(parse_state_dict(bad_signature, "cd"), FormatError);
  Bytes bad_offset = original;
  bad_offset[end + 16] ^= std::byte{0x40};  // where the central directory starts
  bad_offset[end64 + 48] ^= std::byte{0x40};
  EXPECT_THROW(parse_state_dict(bad_offset, "cd"), FormatError);
  Bytes bad_count = original;
  bad_count[end + 10] ^= std::byte{0x03};  // how many entries it holds
  bad_count[end64 + 32] ^= std::byte{0x03};
  EXPECT_THROW(parse_state_dict(bad_count, "cd"), FormatError);
  Bytes bad_size = original;
  bad_size[end + 12] ^= std::byte{0x08};  // its size
  bad_size[end64 + 40] ^= std::byte{0x08};
  EXPECT_THROW(parse_state_dict(bad_size, "cd"), FormatError);
}

TEST(PthTest, NotACheckpointFails) {
  EXPECT_THROW(parse_state_dict({}, "empty"), FormatError);
  EXPECT_THROW(parse_state_dict(to_bytes("hello, world"), "text"), FormatError);
  EXPECT_THROW(parse_state_dict(to_bytes("PK\x03\x04 not really a zip"), "zip"), FormatError);
  EXPECT_THROW(load_state_dict(checkpoint_dir() / "does-not-exist.pth"), InvalidArgument);
}

// Files are mapped, not read: an empty file, a directory and a text file fail with their own errors.
TEST(PthTest, FilesThatAreNotCheckpointsFail) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "ttnn_pth_not_checkpoints";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "empty.pth").close();
  std::ofstream(dir / "text.pth") << "hello, world";
  EXPECT_THROW(load_state_dict(dir / "empty.pth"), FormatError);
  EXPECT_THROW(load_state_dict(dir / "text.pth"), FormatError);
  EXPECT_THROW(load_state_dict(dir), InvalidArgument);  // a directory cannot be mapped
  std::filesystem::remove_all(dir);
}

// --- the unpickler and tensor rebuild on hand-made pickles ---------------------------------------

std::string le32(uint32_t value) {
  std::string out(4, '\0');
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>(value >> (8 * i));
  return out;
}
std::string str(std::string_view text) { return "X" + le32(static_cast<uint32_t>(text.size())) + std::string(text); }
std::string int32(int32_t value) { return "J" + le32(static_cast<uint32_t>(value)); }

std::string tuple_of(const std::vector<int32_t>& values) {
  std::string out = "(";
  for (int32_t v : values) out += int32(v);
  return out + "t";
}

struct Entry {
  std::string key;
  int32_t offset = 0;
  std::vector<int32_t> sizes = {1};
  std::vector<int32_t> strides = {1};
  std::string legacy_view = "";  // pickled (view_key, offset, numel) appended to the persistent id
};

// {key: _rebuild_tensor_v2(storage "0" of `numel` float32, offset, sizes, strides, False, ()), ...}
std::string tensor_dict(int32_t numel, const std::vector<Entry>& entries) {
  std::string out = "\x80\x02}(";
  for (const auto& e : entries) {
    out += str(e.key) + "ctorch._utils\n_rebuild_tensor_v2\n((" + str("storage") + "ctorch\nFloatStorage\n" +
           str("0") + str("cpu") + int32(numel) + e.legacy_view + "tQ" + int32(e.offset) + tuple_of(e.sizes) +
           tuple_of(e.strides) + "\x89)tR";
  }
  return out + "u.";
}

std::string tensor_dict(int32_t numel, int32_t offset, const std::vector<int32_t>& sizes,
                        const std::vector<int32_t>& strides) {
  return tensor_dict(numel, {Entry{"t", offset, sizes, strides}});
}

StateDict rebuild(const std::string& pickle, const std::vector<float>& storage) {
  const Bytes bytes = to_bytes(pickle);
  const pth::Pickle parsed = pth::unpickle(bytes, "test");
  const pth::StorageSource source = [&](const pth::StorageRef& ref) {
    EXPECT_EQ(ref.numel, storage.size());
    return pth::StorageBytes{std::as_bytes(std::span(storage)), false};
  };
  return pth::rebuild_state_dict(parsed.root(), source, "test");
}

std::string unpickle_error(const std::string& pickle) {
  const Bytes bytes = to_bytes(pickle);
  try {
    pth::unpickle(bytes, "test");
  } catch (const FormatError& e) {
    return e.what();
  }
  return "no error";
}

TEST(UnpicklerTest, ReadsScalarsAndContainers) {
  const Bytes bytes = to_bytes("\x80\x02(K\x07M\x01\x01J\xff\xff\xff\xff\x8a\x01\xfe\x8a\x00"s +
                               "G\x3f\xf8\x00\x00\x00\x00\x00\x00"s + "N\x88" + str("h\xc3\xa9") + "l.");
  const pth::Pickle pickle = pth::unpickle(bytes, "test");
  const auto& items = pickle.root().items;
  ASSERT_EQ(pickle.root().kind, pth::Kind::List);
  ASSERT_EQ(items.size(), 9u);
  EXPECT_EQ(items[0]->integer, 7);
  EXPECT_EQ(items[1]->integer, 257);
  EXPECT_EQ(items[2]->integer, -1);
  EXPECT_EQ(items[3]->integer, -2);
  EXPECT_EQ(items[4]->integer, 0);
  EXPECT_EQ(items[5]->real, 1.5);
  EXPECT_EQ(items[6]->kind, pth::Kind::None);
  EXPECT_EQ(items[7]->kind, pth::Kind::Bool);
  EXPECT_EQ(items[8]->text, "h\xc3\xa9");
  EXPECT_EQ(pickle.end(), bytes.size());
}

TEST(UnpicklerTest, RefusesUnknownGlobalsByName) {
  EXPECT_NE(unpickle_error("\x80\x02" "cbuiltins\neval\n" + str("1") + "\x85R."), "no error");
  EXPECT_NE(unpickle_error("\x80\x02" "cbuiltins\neval\n.").find("'builtins.eval' is not allowed"), std::string::npos);
  EXPECT_NE(unpickle_error("\x80\x04\x8c\x02os\x8c\x06system\x93.").find("'os.system'"), std::string::npos);
  EXPECT_NE(unpickle_error("\x80\x02" "ctorch\nFloatStorage\n)R.").find("cannot be called"), std::string::npos);
}

TEST(UnpicklerTest, RejectsMalformedStreams) {
  EXPECT_NE(unpickle_error("\x80\x02\xff.").find("unsupported opcode 0xff"), std::string::npos);
  EXPECT_NE(unpickle_error("\x80\x02" "a.").find("stack underflow"), std::string::npos);
  EXPECT_NE(unpickle_error("\x80\x02h\x05.").find("memo key 5"), std::string::npos);
  EXPECT_NE(unpickle_error("\x80\x02" + std::string(100, '(') + ".").find("MARKs nested deeper"), std::string::npos);
  EXPECT_NE(unpickle_error("\x80\x02X\xff\xff\xff\x7f").find("needs 2147483647 bytes"), std::string::npos);
  EXPECT_NE(unpickle_error("\x80\x02X\x01\x00\x00\x00\xff."s).find("not valid UTF-8"), std::string::npos);
  EXPECT_NE(unpickle_error("\x80\x02NN.").find("STOP with 2 values"), std::string::npos);
  EXPECT_NE(unpickle_error("\x80\x02").find("data ends"), std::string::npos);
}

TEST(UnpicklerTest, SurvivesCycles) {
  // l = []; l.append(l); l.append(l)
  const Bytes bytes = to_bytes("\x80\x02]q\x00h\x00"s + "ah\x00"s + "a.");
  const pth::Pickle pickle = pth::unpickle(bytes, "test");
  ASSERT_EQ(pickle.root().items.size(), 2u);
  EXPECT_EQ(pickle.root().items[0], &pickle.root());
  // d = {}; d["a"] = d; d["state_dict"] = d: refused without walking the cycle
  const std::string cyclic_dict = "\x80\x02}q\x00(X\x01\x00\x00\x00"s + "ah\x00"s + str("state_dict") + "h\x00"s + "u.";
  EXPECT_THROW(rebuild(cyclic_dict, {}), FormatError);
}

TEST(TensorRebuildTest, ReadsStridedViews) {
  const StateDict sd = rebuild(tensor_dict(6, 1, {2, 2}, {1, 3}), {0, 1, 2, 3, 4, 5});
  EXPECT_EQ(sd.at("t").values, (std::vector<float>{1, 4, 2, 5}));
}

TEST(TensorRebuildTest, ReadsLegacyStorageViews) {
  const std::string view = "(" + str("v") + int32(2) + int32(3) + "t";  // elements [2, 5) of storage "0"
  const std::vector<float> six = {0, 1, 2, 3, 4, 5};
  EXPECT_EQ(rebuild(tensor_dict(6, {Entry{"t", 1, {2}, {1}, view}}), six).at("t").values,
            (std::vector<float>{3, 4}));
  EXPECT_THROW(rebuild(tensor_dict(6, {Entry{"t", 1, {3}, {1}, view}}), six), FormatError);
  const std::string outside = "(" + str("v") + int32(4) + int32(3) + "t";
  EXPECT_THROW(rebuild(tensor_dict(6, {Entry{"t", 0, {1}, {1}, outside}}), six), FormatError);
}

// An empty dict is an empty state dict (the tensors are converted on several threads: none here).
TEST(TensorRebuildTest, EmptyDictGivesAnEmptyStateDict) {
  EXPECT_EQ(rebuild("\x80\x02}q\x00."s, {}).size(), 0u);
}

TEST(TensorRebuildTest, RepeatedKeyKeepsFirstPositionAndLastValue) {
  const StateDict sd = rebuild(tensor_dict(2, {Entry{"a"}, Entry{"b"}, Entry{"a", 1}}), {10, 20});
  EXPECT_EQ(sd.names(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(sd.at("a").values, std::vector<float>{20});
}

TEST(TensorRebuildTest, ChecksEveryViewAgainstItsStorage) {
  const std::vector<float> four(4);
  EXPECT_THROW(rebuild(tensor_dict(4, 0, {5}, {1}), four), FormatError);
  EXPECT_THROW(rebuild(tensor_dict(4, 4, {1}, {1}), four), FormatError);
  EXPECT_THROW(rebuild(tensor_dict(4, 0, {2, 2}, {2, 2}), four), FormatError);
  EXPECT_THROW(rebuild(tensor_dict(4, 0, {2}, {0x7fffffff}), four), FormatError);
  EXPECT_THROW(rebuild(tensor_dict(4, -1, {1}, {1}), four), FormatError);
  EXPECT_THROW(rebuild(tensor_dict(4, 0, {2}, {-1}), four), FormatError);
  EXPECT_THROW(rebuild(tensor_dict(4, 0, {2, 3}, {1}), four), FormatError);
  EXPECT_NO_THROW(rebuild(tensor_dict(4, 4, {0}, {1}), four));
  // A broadcast view may expand, but not into gigabytes from a few bytes.
  EXPECT_NO_THROW(rebuild(tensor_dict(4, 0, {64, 4}, {0, 1}), four));
  try {
    rebuild(tensor_dict(4, 0, {65536, 65536}, {0, 0}), four);
    ADD_FAILURE() << "expanded";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("tensor 't'"), std::string::npos) << e.what();
  }
}

// --- stored zip entries read in place ------------------------------------------------------------

// The CRC-32 zip records (bitwise; the test archives are small).
uint32_t crc32_of(std::string_view data) {
  uint32_t crc = 0xffffffff;
  for (const char c : data) {
    crc ^= static_cast<uint8_t>(c);
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xedb88320 & (0 - (crc & 1)));
  }
  return ~crc;
}

std::string le16(uint16_t value) { return {static_cast<char>(value), static_cast<char>(value >> 8)}; }
std::string le64(uint64_t value) {
  return le32(static_cast<uint32_t>(value)) + le32(static_cast<uint32_t>(value >> 32));
}

struct ZipFile {
  std::string name;
  std::string data;
  bool zip64 = false;          // sizes in ZIP64 extra fields, as zip writers do for large entries
  uint16_t local_padding = 0;  // extra field bytes in the local header only, as torch aligns its data
};

// A zip archive of stored entries, written field by field (APPNOTE.TXT 4.3.7, 4.3.12, 4.3.16).
Bytes stored_zip(const std::vector<ZipFile>& files) {
  std::string local, central;
  for (const auto& file : files) {
    const auto size = static_cast<uint32_t>(file.data.size());
    const std::string zip64_extra = file.zip64 ? le16(1) + le16(16) + le64(size) + le64(size) : "";
    const std::string sizes = file.zip64 ? le32(0xffffffff) + le32(0xffffffff) : le32(size) + le32(size);
    // version needed, flags, method (stored), time, date, CRC, compressed and uncompressed sizes
    const std::string common = le16(file.zip64 ? 45 : 20) + le16(0) + le16(0) + le16(0) + le16(0x21) +
                               le32(crc32_of(file.data)) + sizes + le16(static_cast<uint16_t>(file.name.size()));
    const auto offset = static_cast<uint32_t>(local.size());
    const std::string local_extra = zip64_extra + (file.local_padding ? le16(0x4246) + le16(file.local_padding) +
                                                                            std::string(file.local_padding, 'Z')
                                                                      : "");
    local += "PK\x03\x04" + common + le16(static_cast<uint16_t>(local_extra.size())) + file.name + local_extra +
             file.data;
    // version made by, the common part, extra and comment lengths, disk, attributes, local header offset
    central += "PK\x01\x02" + le16(20) + common + le16(static_cast<uint16_t>(zip64_extra.size())) + le16(0) +
               le16(0) + le16(0) + le32(0) + le32(offset) + file.name + zip64_extra;
  }
  const auto count = static_cast<uint16_t>(files.size());
  const std::string end = "PK\x05\x06" + le16(0) + le16(0) + le16(count) + le16(count) +
                          le32(static_cast<uint32_t>(central.size())) + le32(static_cast<uint32_t>(local.size())) +
                          le16(0);
  return to_bytes(local + central + end);
}

std::string as_text(std::span<const std::byte> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

bool lies_inside(std::span<const std::byte> part, std::span<const std::byte> whole) {
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

constexpr uint64_t kAnySize = ~uint64_t{0};

// Every entry, through stored_bytes where it can, else through read(); FormatErrors count as "unreadable".
// An entry read in place must equal what libzip reads. Returns how many were read in place.
size_t expect_in_place_matches_read(const Bytes& bytes, std::string_view what) {
  std::optional<pth::ZipArchive> archive;
  try {
    archive.emplace(bytes, what);
  } catch (const FormatError&) {
    return 0;
  }
  size_t in_place_reads = 0;
  const uint64_t count = archive->names().size();
  for (uint64_t index = 0; index < count; ++index) {
    std::optional<std::span<const std::byte>> in_place;
    try {
      in_place = archive->stored_bytes(index, kAnySize);
    } catch (const FormatError&) {
      EXPECT_THROW(archive->read(index, kAnySize), FormatError) << what << " entry " << index;
      continue;
    }
    if (!in_place) continue;
    ++in_place_reads;
    EXPECT_TRUE(lies_inside(*in_place, bytes)) << what << " entry " << index;
    EXPECT_EQ(as_text(*in_place), as_text(archive->read(index, kAnySize))) << what << " entry " << index;
  }
  return in_place_reads;
}

TEST(ZipArchiveTest, TorchStoragesAreReadInPlace) {
  for (const char* name : {"dtypes.zip.pth", "mobilenet_v2.zip.pth"}) {
    const Bytes bytes = read_bytes(checkpoint_dir() / name);
    pth::ZipArchive archive(bytes, name);
    const auto names = archive.names();
    for (uint64_t index = 0; index < names.size(); ++index) {
      const auto in_place = archive.stored_bytes(index, kAnySize);
      ASSERT_TRUE(in_place.has_value()) << name << " " << names[index];
      EXPECT_TRUE(lies_inside(*in_place, bytes)) << name << " " << names[index];
      EXPECT_EQ(as_text(*in_place), as_text(archive.read(index, kAnySize))) << name << " " << names[index];
    }
  }
}

TEST(ZipArchiveTest, InPlaceEntriesHonourTheLocalHeader) {
  const Bytes bytes = stored_zip({{"a", "first"}, {"b", "second", false, 37}, {"c", ""}});
  pth::ZipArchive archive(bytes, "made.zip");
  EXPECT_EQ(as_text(archive.stored_bytes(*archive.find("a"), 5).value()), "first");
  EXPECT_EQ(as_text(archive.stored_bytes(*archive.find("b"), 6).value()), "second");
  EXPECT_EQ(archive.stored_bytes(*archive.find("c"), 0).value().size(), 0u);
}

TEST(ZipArchiveTest, InPlaceEntryLargerThanExpectedFails) {
  const Bytes bytes = stored_zip({{"a", "first"}});
  pth::ZipArchive archive(bytes, "made.zip");
  try {
    archive.stored_bytes(0, 4);
    ADD_FAILURE() << "read 5 bytes as at most 4";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("made.zip: zip entry 'a' has 5 bytes (at most 4 expected)"),
              std::string::npos) << e.what();
  }
}

TEST(ZipArchiveTest, InPlaceEntryWithFlippedByteFailsTheCrc) {
  const Bytes original = read_bytes(checkpoint_dir() / "dtypes.zip.pth");
  uint64_t index = 0;
  size_t data_at = 0;
  {
    pth::ZipArchive archive(original, "original");
    index = archive.find("dtypes.zip/data/0").value();
    data_at = static_cast<size_t>(archive.stored_bytes(index, kAnySize).value().data() - original.data());
  }
  Bytes bytes = original;
  bytes[data_at + 5] ^= std::byte{0x20};
  pth::ZipArchive archive(bytes, "flipped.pth");
  try {
    archive.stored_bytes(index, kAnySize);
    ADD_FAILURE() << "a corrupted entry was read";
  } catch (const FormatError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("CRC"), std::string::npos) << message;
    EXPECT_NE(message.find("flipped.pth: zip entry 'dtypes.zip/data/0'"), std::string::npos) << message;
  }
  EXPECT_THROW(archive.read(index, kAnySize), FormatError);  // libzip agrees
}

TEST(ZipArchiveTest, DeflatedEntriesAreReadThroughLibzip) {
  const Bytes stored_bytes = read_bytes(checkpoint_dir() / "dtypes.zip.pth");
  const Bytes deflated_bytes = read_bytes(checkpoint_dir() / "dtypes.deflate.pth");
  pth::ZipArchive stored(stored_bytes, "dtypes.zip.pth");
  pth::ZipArchive deflated(deflated_bytes, "dtypes.deflate.pth");
  const auto names = deflated.names();
  for (uint64_t index = 0; index < names.size(); ++index) {
    EXPECT_FALSE(deflated.stored_bytes(index, kAnySize).has_value()) << names[index];
    const auto in_place = stored.stored_bytes(stored.find(names[index]).value(), kAnySize);
    EXPECT_EQ(as_text(deflated.read(index, kAnySize)), as_text(in_place.value())) << names[index];
  }
}

TEST(ZipArchiveTest, Zip64EntriesAreReadThroughLibzip) {
  const Bytes bytes = stored_zip({{"big", "sixty-four", true}, {"plain", "ok"}});
  pth::ZipArchive archive(bytes, "made.zip");
  EXPECT_FALSE(archive.stored_bytes(0, kAnySize).has_value());
  EXPECT_EQ(as_text(archive.read(0, kAnySize)), "sixty-four");
  EXPECT_EQ(as_text(archive.stored_bytes(1, kAnySize).value()), "ok");
}

// The central directory's local header offsets (+42 in each file header) pointed past the end, at another
// entry's header or into the middle of one: libzip's consistency check refuses such archives, and
// whatever it does open reads the same in place as through libzip.
TEST(ZipArchiveTest, MisplacedLocalHeaderOffsetsAreSafe) {
  const Bytes original = read_bytes(checkpoint_dir() / "dtypes.zip.pth");
  const std::string_view text(reinterpret_cast<const char*>(original.data()), original.size());
  const size_t first = text.find("PK\x01\x02");
  const size_t second = text.find("PK\x01\x02", first + 1);
  const auto other_local = static_cast<uint32_t>(text.find("PK\x03\x04", 1));
  ASSERT_NE(second, std::string_view::npos);
  const auto size = static_cast<uint32_t>(original.size());
  for (const uint32_t offset : {0xfffffff0u, size - 10, size, 0u, 1u, other_local, other_local + 30}) {
    for (const size_t header : {first, second}) {
      Bytes bytes = original;
      const std::string field = le32(offset);
      std::memcpy(bytes.data() + header + 42, field.data(), 4);
      expect_in_place_matches_read(bytes, "offset " + std::to_string(offset));
      (void)parses_or_format_error(bytes);  // loads, or fails with a FormatError
    }
  }
}

TEST(ZipArchiveTest, MutatedCentralDirectoryNeverMisplacesData) {
  for (const char* name : {"dtypes.zip.pth", "views.zip.pth"}) {
    const Bytes original = read_bytes(checkpoint_dir() / name);
    const std::string_view text(reinterpret_cast<const char*>(original.data()), original.size());
    const size_t central = text.find("PK\x01\x02");
    ASSERT_NE(central, std::string_view::npos);
    size_t in_place_reads = 0;  // the mutations libzip still accepts must reach the in-place path
    for (size_t i = central; i < original.size(); ++i) {
      for (const uint8_t mask : {0x01, 0x10, 0xff}) {
        Bytes bytes = original;
        bytes[i] ^= std::byte{mask};
        in_place_reads +=
            expect_in_place_matches_read(bytes, name + " byte "s + std::to_string(i) + " ^ " + std::to_string(mask));
      }
    }
    EXPECT_GT(in_place_reads, 0u) << name;
    for (size_t length = central; length < original.size(); ++length)
      expect_in_place_matches_read(Bytes(original.begin(), original.begin() + static_cast<ptrdiff_t>(length)),
                                   name + " cut at "s + std::to_string(length));
  }
}

}  // namespace
}  // namespace ttnn::io
