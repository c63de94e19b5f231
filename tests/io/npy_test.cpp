#include "ttnn/io/npy.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ttnn/errors.hpp"

namespace ttnn::io {
namespace {

namespace fs = std::filesystem;

std::vector<std::byte> to_bytes(std::string_view text) {
  std::vector<std::byte> out(text.size());
  std::memcpy(out.data(), text.data(), text.size());
  return out;
}

template <class T>
std::vector<std::byte> to_bytes(const std::vector<T>& values) {
  std::vector<std::byte> out(values.size() * sizeof(T));
  if (!out.empty()) std::memcpy(out.data(), values.data(), out.size());
  return out;
}

// A .npy file as NumPy writes it: magic, version, header length, the dict padded with spaces and a
// newline to a 64-byte boundary (when `pad`), then `data`.
std::vector<std::byte> make_npy(std::string_view dict, std::span<const std::byte> data, int major = 1,
                                bool pad = true) {
  const size_t preamble = major == 1 ? 10 : 12;
  std::string header(dict);
  if (pad) {
    header.append((64 - (preamble + header.size() + 1) % 64) % 64, ' ');
    header += '\n';
  }
  std::string file = "\x93NUMPY";
  file += static_cast<char>(major);
  file += '\0';
  const size_t width = major == 1 ? 2 : 4;
  for (size_t i = 0; i < width; ++i) file += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  file += header;
  auto out = to_bytes(file);
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

std::vector<std::byte> make_npy(std::string_view dict, const std::vector<float>& values, int major = 1) {
  return make_npy(dict, to_bytes(values), major);
}

const std::vector<float> kSix = {1.0f, -2.5f, 3.25f, 0.0f, 1e-3f, -7.0f};
constexpr std::string_view kSixDict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";

// The FormatError message parse_npy throws for `file`, or "" (and a test failure) if none is thrown.
std::string format_error(std::span<const std::byte> file, std::string_view what = "test.npy") {
  try {
    parse_npy(file, what);
  } catch (const FormatError& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected FormatError, got another exception: " << e.what();
    return "";
  }
  ADD_FAILURE() << "expected FormatError, parse_npy succeeded";
  return "";
}

void expect_format_error(std::span<const std::byte> file, std::string_view needle, size_t offset) {
  const std::string message = format_error(file, "some/dir/bad.npy");
  EXPECT_NE(message.find("some/dir/bad.npy"), std::string::npos) << message;
  EXPECT_NE(message.find(needle), std::string::npos) << "missing '" << needle << "' in: " << message;
  const std::string at = "(at byte " + std::to_string(offset) + ")";
  EXPECT_NE(message.find(at), std::string::npos) << "missing '" << at << "' in: " << message;
}

class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() /
            ("ttnn_npy_test_" + std::to_string(::getpid()) + "_" + info->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(path_)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  fs::path path_;
};

// ------------------------------------------------------------------------------------------------
// Reading well-formed files

TEST(Npy, ParsesFloat32AsNumPyWritesIt) {
  const auto file = make_npy(kSixDict, kSix);
  ASSERT_EQ(file.size(), 128u + 24u);
  const auto array = parse_npy(file, "six.npy");
  EXPECT_EQ(array.dtype, NpyDType::Float32);
  EXPECT_EQ(array.shape, (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(array.element_count(), 6u);
  EXPECT_EQ(array.bytes.size(), 24u);
  EXPECT_EQ(array.to_float32(), kSix);
}

TEST(Npy, ReadsEveryDtype) {
  {
    const std::vector<double> v = {1.5, -2.0, 1e300, 0.1};
    const auto a = parse_npy(make_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", to_bytes(v)), "f8");
    EXPECT_EQ(a.dtype, NpyDType::Float64);
    const auto f = a.to_float32();
    EXPECT_EQ(f[0], 1.5f);
    EXPECT_EQ(f[1], -2.0f);
    EXPECT_TRUE(std::isinf(f[2]));
    EXPECT_EQ(f[3], 0.1f);
    EXPECT_THROW(a.to_int64(), InvalidArgument);  // 1e300 does not fit
  }
  {
    const std::vector<int64_t> v = {0, -1, 1234567890123, 5};
    const auto a = parse_npy(make_npy("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 2), }", to_bytes(v)), "i8");
    EXPECT_EQ(a.dtype, NpyDType::Int64);
    EXPECT_EQ(a.to_int64(), v);
    EXPECT_EQ(a.to_float32(), (std::vector<float>{0.0f, -1.0f, 1234567890123.0f, 5.0f}));
  }
  {
    const std::vector<int32_t> v = {7, -8, 2147483647};
    const auto a = parse_npy(make_npy("{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }", to_bytes(v)), "i4");
    EXPECT_EQ(a.dtype, NpyDType::Int32);
    EXPECT_EQ(a.to_int64(), (std::vector<int64_t>{7, -8, 2147483647}));
    EXPECT_EQ(a.to_float32()[1], -8.0f);
  }
  for (const char* descr : {"<u1", "|u1"}) {
    const std::vector<uint8_t> v = {0, 1, 200, 255};
    const auto a = parse_npy(
        make_npy(std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (1, 4), }", to_bytes(v)),
        descr);
    EXPECT_EQ(a.dtype, NpyDType::UInt8);
    EXPECT_EQ(a.to_float32(), (std::vector<float>{0.0f, 1.0f, 200.0f, 255.0f}));
  }
  {
    const std::vector<uint8_t> v = {1, 0, 0, 1, 1};
    const auto a = parse_npy(make_npy("{'descr': '|b1', 'fortran_order': False, 'shape': (5,), }", to_bytes(v)), "b1");
    EXPECT_EQ(a.dtype, NpyDType::Bool);
    EXPECT_EQ(a.to_float32(), (std::vector<float>{1.0f, 0.0f, 0.0f, 1.0f, 1.0f}));
    EXPECT_EQ(a.to_int64(), (std::vector<int64_t>{1, 0, 0, 1, 1}));
  }
  EXPECT_EQ(npy_dtype_size(NpyDType::Float64), 8u);
  EXPECT_EQ(to_string(NpyDType::Bool), "|b1");
}

TEST(Npy, ReadsFormatVersions2And3) {
  for (int major : {2, 3}) {
    const auto a = parse_npy(make_npy(kSixDict, kSix, major), "v");
    EXPECT_EQ(a.shape, (std::vector<uint64_t>{2, 3}));
    EXPECT_EQ(a.to_float32(), kSix);
  }
}

TEST(Npy, AcceptsHeaderVariants) {
  // Double quotes, other key order, no trailing comma, no padding, tabs, Python 2 'L' suffix.
  const std::vector<float> one = {4.0f};
  for (const char* dict : {"{\"shape\": (1,), \"descr\": \"<f4\", \"fortran_order\": False}",
                           "{ 'fortran_order' : False ,\t'shape':(1 ,),'descr':'<f4' }\n",
                           "{'descr': '<f4', 'fortran_order': False, 'shape': (1L,), }"}) {
    const auto a = parse_npy(make_npy(dict, to_bytes(one), 1, false), dict);
    EXPECT_EQ(a.shape, (std::vector<uint64_t>{1})) << dict;
    EXPECT_EQ(a.to_float32(), one) << dict;
  }
}

TEST(Npy, ReadsScalarsAndEmptyArrays) {
  const auto scalar = parse_npy(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }",
                                         std::vector<float>{2.5f}),
                                "scalar");
  EXPECT_TRUE(scalar.shape.empty());
  EXPECT_EQ(scalar.to_float32(), std::vector<float>{2.5f});
  const auto empty = parse_npy(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 0, 5), }",
                                        std::vector<float>{}),
                               "empty");
  EXPECT_EQ(empty.element_count(), 0u);
  EXPECT_TRUE(empty.to_float32().empty());
  // A zero dimension makes the volume 0 even when the other dimensions are huge.
  const auto huge_empty = parse_npy(
      make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 0), }",
               std::vector<float>{}),
      "huge_empty");
  EXPECT_EQ(huge_empty.element_count(), 0u);
}

// ------------------------------------------------------------------------------------------------
// Writing

TEST(Npy, WriteReadRoundTrip) {
  TempDir dir;
  const fs::path path = dir.path() / "a.npy";
  std::vector<float> values(2 * 3 * 5);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i) * 0.37f - 4.0f;
  const std::vector<uint64_t> shape = {2, 3, 5};
  write_npy(path, values, shape);
  const auto array = read_npy(path);
  EXPECT_EQ(array.dtype, NpyDType::Float32);
  EXPECT_EQ(array.shape, shape);
  EXPECT_EQ(array.to_float32(), values);
  // Byte layout NumPy produces for the same array: header padded to 64 bytes, ending in '\n'.
  std::ifstream in(path, std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_EQ(raw.size(), 128u + values.size() * 4);
  EXPECT_EQ(raw.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  EXPECT_EQ(static_cast<unsigned char>(raw[8]) | (static_cast<unsigned char>(raw[9]) << 8), 118);
  EXPECT_EQ(raw.substr(10, 62), "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 5), }");
  EXPECT_EQ(raw[127], '\n');
  // Only the final file is left; nothing temporary.
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"a.npy"});
}

TEST(Npy, WriteShapesOfEveryRank) {
  TempDir dir;
  const std::vector<std::vector<uint64_t>> shapes = {{}, {7}, {1, 1, 4, 2}, {0, 3}, {2, 0}};
  for (size_t i = 0; i < shapes.size(); ++i) {
    uint64_t count = 1;
    for (auto d : shapes[i]) count *= d;
    std::vector<float> values(count);
    for (size_t j = 0; j < count; ++j) values[j] = static_cast<float>(j + i);
    const fs::path path = dir.path() / ("r" + std::to_string(i) + ".npy");
    write_npy(path, values, shapes[i]);
    const auto array = read_npy(path);
    EXPECT_EQ(array.shape, shapes[i]);
    EXPECT_EQ(array.to_float32(), values);
  }
  EXPECT_EQ(dir.entries().size(), shapes.size());
}

TEST(Npy, WriteOverwritesAtomically) {
  TempDir dir;
  const fs::path path = dir.path() / "x.npy";
  const std::vector<uint64_t> s1 = {2};
  const std::vector<uint64_t> s2 = {3};
  write_npy(path, std::vector<float>{1.0f, 2.0f}, s1);
  write_npy(path, std::vector<float>{3.0f, 4.0f, 5.0f}, s2);
  EXPECT_EQ(read_npy(path).to_float32(), (std::vector<float>{3.0f, 4.0f, 5.0f}));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"x.npy"});
}

TEST(Npy, WriteRejectsBadArguments) {
  TempDir dir;
  const std::vector<uint64_t> shape = {2, 2};
  EXPECT_THROW(write_npy(dir.path() / "bad.npy", std::vector<float>{1.0f, 2.0f, 3.0f}, shape), InvalidArgument);
  const std::vector<uint64_t> overflow = {1ull << 32, 1ull << 32, 2};
  EXPECT_THROW(write_npy(dir.path() / "bad.npy", std::vector<float>{}, overflow), InvalidArgument);
  EXPECT_TRUE(dir.entries().empty());
  try {
    write_npy(dir.path() / "no" / "such" / "dir.npy", std::vector<float>{1.0f, 2.0f, 3.0f, 4.0f}, shape);
    ADD_FAILURE() << "writing into a missing directory succeeded";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("dir.npy"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(dir.entries().empty());
}

TEST(Npy, ReadReportsUnreadableFiles) {
  TempDir dir;
  try {
    read_npy(dir.path() / "missing.npy");
    ADD_FAILURE() << "no exception";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("missing.npy"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_npy(dir.path()), InvalidArgument);  // a directory
}

TEST(Npy, ReadNamesTheFileInFormatErrors) {
  TempDir dir;
  const fs::path path = dir.path() / "garbage.npy";
  {
    std::ofstream out(path, std::ios::binary);
    out << "PK\x03\x04 this is a zip, not an npy";
  }
  try {
    read_npy(path);
    ADD_FAILURE() << "no exception";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("(at byte 0)"), std::string::npos) << e.what();
  }
}

// ------------------------------------------------------------------------------------------------
// Malformed input: each case throws FormatError naming the problem and the byte offset.

TEST(NpyMalformed, BadMagic) {
  auto file = make_npy(kSixDict, kSix);
  file[5] = std::byte{'X'};
  expect_format_error(file, "bad magic", 5);
  expect_format_error(to_bytes("\x93NUM"), "truncated magic", 4);
  expect_format_error(std::span<const std::byte>(), "truncated magic", 0);
}

TEST(NpyMalformed, UnsupportedVersion) {
  auto file = make_npy(kSixDict, kSix);
  file[6] = std::byte{4};
  expect_format_error(file, "version 4.0", 6);
  file[6] = std::byte{1};
  file[7] = std::byte{1};
  expect_format_error(file, "version 1.1", 6);
}

TEST(NpyMalformed, TruncatedPreambleAndHeader) {
  const auto file = make_npy(kSixDict, kSix);
  expect_format_error(std::span(file).first(7), "no format version", 7);
  expect_format_error(std::span(file).first(9), "header length", 9);
  const auto v2 = make_npy(kSixDict, kSix, 2);
  expect_format_error(std::span(v2).first(11), "header length", 11);
  expect_format_error(std::span(file).first(40), "truncated .npy header", 40);
  auto long_claim = file;
  long_claim[8] = std::byte{0xff};
  long_claim[9] = std::byte{0xff};
  expect_format_error(long_claim, "claims 65535 bytes", long_claim.size());
  auto v3 = make_npy(kSixDict, kSix, 3);
  v3[11] = std::byte{0x80};  // header length > 2 GiB
  expect_format_error(v3, "truncated .npy header", v3.size());
}

TEST(NpyMalformed, HeaderNotADict) {
  expect_format_error(make_npy("['descr', '<f4']", kSix), "not a dict", 10);
  expect_format_error(make_npy("", kSix), "not a dict", 64);  // only padding: fails at the end of the header
  expect_format_error(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), ", kSix),
                      "not closed", 128);
  expect_format_error(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)} x", kSix),
                      "unexpected data after the header dict", 68);
  expect_format_error(make_npy("{'descr': '<f4' 'fortran_order': False, 'shape': (2, 3)}", kSix),
                      "expected ',' or '}'", 26);
  expect_format_error(make_npy("{descr: '<f4'}", kSix), "expected a quoted key", 11);
  expect_format_error(make_npy("{'descr' '<f4'}", kSix), "expected ':'", 19);
  expect_format_error(make_npy("{'descr: '<f4'}", kSix), "expected ':'", 20);
  expect_format_error(make_npy("{'descr': '<f4", to_bytes(kSix), 1, false), "unterminated string", 20);
  expect_format_error(make_npy("{'descr': '\\x3cf4'}", kSix), "escape", 21);
}

TEST(NpyMalformed, MissingDuplicateAndUnknownKeys) {
  expect_format_error(make_npy("{'descr': '<f4', 'fortran_order': False, }", kSix), "lacks the key 'shape'", 51);
  expect_format_error(make_npy("{'fortran_order': False, 'shape': (2, 3), }", kSix), "lacks the key 'descr'", 52);
  expect_format_error(make_npy("{'descr': '<f4', 'shape': (2, 3), }", kSix), "lacks the key 'fortran_order'", 44);
  expect_format_error(make_npy("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", kSix),
                      "duplicate key 'descr'", 27);
  expect_format_error(
      make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}", kSix),
      "unexpected key 'extra'", 68);
}

TEST(NpyMalformed, BadValues) {
  expect_format_error(make_npy("{'descr': 4, 'fortran_order': False, 'shape': (2, 3), }", kSix),
                      "'descr' is not a string", 20);
  expect_format_error(make_npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2, 3), }", kSix),
                      "structured dtypes", 20);
  expect_format_error(make_npy("{'descr': '<f4', 'fortran_order': 0, 'shape': (2, 3), }", kSix),
                      "not True or False", 44);
  expect_format_error(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3], }", kSix),
                      "'shape' is not a tuple", 60);
  expect_format_error(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (6), }", kSix),
                      "not a tuple", 60);
  expect_format_error(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }", kSix),
                      "negative dimension", 64);
  expect_format_error(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", kSix),
                      "expected a dimension", 64);
  expect_format_error(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2 3), }", kSix),
                      "expected ',' or ')'", 63);
  expect_format_error(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3", to_bytes(kSix), 1, false),
                      "expected ',' or ')' in the shape tuple, got the end of the header", 65);
  expect_format_error(
      make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999, 1), }", kSix),
      "does not fit in 64 bits", 61);
}

TEST(NpyMalformed, UnknownDtype) {
  expect_format_error(make_npy("{'descr': '<f2', 'fortran_order': False, 'shape': (2, 3), }", kSix),
                      "unsupported dtype '<f2'", 20);
  expect_format_error(make_npy("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", kSix),
                      "big-endian dtype '>f4'", 20);
  expect_format_error(make_npy("{'descr': '|O', 'fortran_order': False, 'shape': (2, 3), }", kSix),
                      "unsupported dtype '|O'", 20);
}

TEST(NpyMalformed, FortranOrder) {
  expect_format_error(make_npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", kSix),
                      "Fortran-order arrays are not supported", 44);
}

TEST(NpyMalformed, ShapeProductOverflow) {
  expect_format_error(
      make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 2), }", kSix),
      "overflows", 60);
  // The element count fits, the byte count does not.
  expect_format_error(make_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2305843009213693952,), }", kSix),
                      "overflows", 60);
}

TEST(NpyMalformed, DataSizeMismatch) {
  const auto file = make_npy(kSixDict, kSix);
  expect_format_error(std::span(file).first(file.size() - 1), "truncated .npy data", file.size() - 1);
  expect_format_error(std::span(file).first(128), "needs 24 bytes from byte 128, only 0 remain", 128);
  auto longer = file;
  longer.push_back(std::byte{0});
  longer.push_back(std::byte{0});
  expect_format_error(longer, "2 unexpected bytes after the .npy data", file.size());
  expect_format_error(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000,), }", kSix),
                      "truncated .npy data", 152);
}

// Every truncation and every single-byte change of a valid file either parses or throws FormatError.
TEST(NpyMalformed, NeverCrashesOnCorruptedInput) {
  const auto good = make_npy(kSixDict, kSix, 2);
  for (size_t n = 0; n < good.size(); ++n) EXPECT_FALSE(format_error(std::span(good).first(n)).empty()) << n;
  size_t parsed = 0;
  size_t rejected = 0;
  for (size_t i = 0; i < good.size(); ++i) {
    for (const unsigned value : {0x00u, 0x01u, 0x20u, 0x27u, 0x28u, 0x29u, 0x2cu, 0x30u, 0x39u, 0x7bu, 0x7du, 0x80u,
                                 0xffu}) {
      auto file = good;
      file[i] = std::byte(value);
      try {
        const auto array = parse_npy(file, "mutated");
        (void)array.to_float32();
        ++parsed;
      } catch (const FormatError&) {
        ++rejected;
      }
    }
  }
  EXPECT_GT(parsed, 0u);
  EXPECT_GT(rejected, 0u);
}

}  // namespace
}  // namespace ttnn::io
