// JPEG decoding with libjpeg-turbo's libjpeg API (libjpeg.so.62: the library and API PIL's decoder
// uses), set up as PIL's JpegDecode.c sets it up, so the pixels are PIL's:
// - decoder settings left at libjpeg's defaults: accurate integer IDCT (JDCT_ISLOW), fancy (smooth)
//   chroma upsampling; libjpeg infers the stored colour space from the JFIF/Adobe markers;
// - 1 component -> JCS_GRAYSCALE, then repeated into R, G, B (PIL: mode "L", then convert("RGB"));
//   3 components -> JCS_RGB; 4 components (CMYK or YCCK) -> JCS_CMYK read with Adobe's inverted
//   polarity, which PIL always assumes (rawmode "CMYK;I"), then PIL's cmyk2rgb: nk = 255 - k,
//   out = nk - c * nk / 255 rounded with MULDIV255; other component counts are refused, as in PIL;
// - running out of data before every row is decoded is an error (PIL: "image file is truncated"),
//   while a missing EOI after the last row is accepted, as PIL accepts it; libjpeg's warnings about
//   corrupt entropy data it recovers from are not errors, as in PIL.
// Not PIL: a progressive JPEG with more than 500 scans is refused (the limit TurboJPEG's
// TJFLAG_LIMITSCANS applies; such files exist only to make decoders spin).
//
// Why not the TurboJPEG API: in libjpeg-turbo 2.1 it keeps only the first warning's text and reports a
// fatal error that follows a warning as a warning (tjGetErrorCode), so a truncated or broken file can
// come back as "success with a warning" and a half-written buffer.
//
// libjpeg reports errors by longjmp. The functions that call setjmp (read_header, read_pixels) hold no
// C++ objects with destructors, and the callbacks that jump are plain C-style functions.
// jpeglib.h needs size_t and FILE declared first.
#include <cstddef>
#include <cstdio>
// (keep this order)
#include <jpeglib.h>

#include <algorithm>
#include <csetjmp>
#include <cstring>
#include <memory>
#include <string>

#include "core/check.hpp"
#include "io/image/decoders.hpp"

namespace ttnn::io::image_detail {
namespace {

constexpr int kMaxProgressiveScans = 500;
constexpr JOCTET kFakeEoi[2] = {0xFF, JPEG_EOI};

// Everything libjpeg's callbacks need, reachable from cinfo->client_data. Plain data only.
struct Decoder {
  jpeg_decompress_struct cinfo;
  jpeg_error_mgr err;
  jpeg_source_mgr src;
  jpeg_progress_mgr progress;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];  // the fatal error, when there is one
  int warnings;
  bool truncated;       // the data ended before every row was decoded
  bool too_many_scans;
  bool rows_done;       // every scanline was read: a missing EOI is then accepted, as PIL does
};

Decoder& decoder_of(j_common_ptr cinfo) { return *static_cast<Decoder*>(cinfo->client_data); }

void on_error_exit(j_common_ptr cinfo) {
  Decoder& d = decoder_of(cinfo);
  (*cinfo->err->format_message)(cinfo, d.message);
  std::longjmp(d.jump, 1);
}

void on_emit_message(j_common_ptr cinfo, int level) {
  if (level < 0) ++decoder_of(cinfo).warnings;  // warnings are counted, trace messages ignored
}

void on_output_message(j_common_ptr) {}  // never print

void on_progress(j_common_ptr cinfo) {
  Decoder& d = decoder_of(cinfo);
  if (d.cinfo.input_scan_number > kMaxProgressiveScans) {
    d.too_many_scans = true;
    std::longjmp(d.jump, 1);
  }
}

void on_init_source(j_decompress_ptr) {}
void on_term_source(j_decompress_ptr) {}

// Called only when libjpeg wants bytes past the end of the buffer.
boolean on_fill_input_buffer(j_decompress_ptr cinfo) {
  Decoder& d = decoder_of(reinterpret_cast<j_common_ptr>(cinfo));
  if (d.rows_done) {  // only the trailing markers are missing
    d.src.next_input_byte = kFakeEoi;
    d.src.bytes_in_buffer = sizeof(kFakeEoi);
    return TRUE;
  }
  d.truncated = true;
  std::longjmp(d.jump, 1);
}

void on_skip_input_data(j_decompress_ptr cinfo, long count) {
  if (count <= 0) return;
  jpeg_source_mgr& src = *cinfo->src;
  while (static_cast<size_t>(count) > src.bytes_in_buffer) {
    count -= static_cast<long>(src.bytes_in_buffer);
    (void)(*src.fill_input_buffer)(cinfo);  // jumps out unless only the trailer is missing
  }
  src.next_input_byte += count;
  src.bytes_in_buffer -= static_cast<size_t>(count);
}

// Creates the decompressor and reads the header. Returns false when libjpeg fails.
bool read_header(Decoder& d, const JOCTET* data, size_t size) {
  if (setjmp(d.jump) != 0) return false;
  jpeg_create_decompress(&d.cinfo);
  d.src.init_source = on_init_source;
  d.src.fill_input_buffer = on_fill_input_buffer;
  d.src.skip_input_data = on_skip_input_data;
  d.src.resync_to_restart = jpeg_resync_to_restart;
  d.src.term_source = on_term_source;
  d.src.next_input_byte = data;
  d.src.bytes_in_buffer = size;
  d.cinfo.src = &d.src;
  d.progress.progress_monitor = on_progress;
  d.cinfo.progress = &d.progress;
  (void)jpeg_read_header(&d.cinfo, TRUE);
  return true;
}

// Decodes every row into `pixels` (output_width * output_components bytes a row). Returns false when
// libjpeg fails.
bool read_pixels(Decoder& d, J_COLOR_SPACE out_space, uint8_t* pixels, size_t row_bytes) {
  if (setjmp(d.jump) != 0) return false;
  d.cinfo.out_color_space = out_space;
  (void)jpeg_start_decompress(&d.cinfo);
  while (d.cinfo.output_scanline < d.cinfo.output_height) {
    JSAMPROW rows[8];
    const JDIMENSION first = d.cinfo.output_scanline;
    const JDIMENSION count = std::min<JDIMENSION>(8, d.cinfo.output_height - first);
    for (JDIMENSION i = 0; i < count; ++i) rows[i] = pixels + (static_cast<size_t>(first) + i) * row_bytes;
    (void)jpeg_read_scanlines(&d.cinfo, rows, count);
  }
  d.rows_done = true;
  (void)jpeg_finish_decompress(&d.cinfo);
  return true;
}

struct DecoderDeleter {
  void operator()(Decoder* d) const {
    jpeg_destroy_decompress(&d->cinfo);  // safe on a zeroed or partly created decompressor
    delete d;
  }
};

[[noreturn]] void fail_decoder(const Decoder& d, std::string_view what, std::string_view stage) {
  if (d.truncated) fail<FormatError>("{}: truncated JPEG: the data ends before the image does ({})", what, stage);
  if (d.too_many_scans)
    fail<FormatError>("{}: progressive JPEG with more than {} scans (refused as a decoder bomb)", what,
                      kMaxProgressiveScans);
  fail<FormatError>("{}: corrupt JPEG ({}): {}", what, stage, d.message);
}

// PIL's MULDIV255(a, b): a * b / 255 rounded, as ((t >> 8) + t) >> 8 with t = a * b + 128.
inline int muldiv255(int a, int b) {
  const int t = a * b + 128;
  return ((t >> 8) + t) >> 8;
}

inline uint8_t clip8(int v) { return static_cast<uint8_t>(std::clamp(v, 0, 255)); }

}  // namespace

Image decode_jpeg(std::span<const std::byte> bytes, std::string_view what) {
  std::unique_ptr<Decoder, DecoderDeleter> owner(new Decoder{});
  Decoder& d = *owner;
  d.cinfo.err = jpeg_std_error(&d.err);
  d.err.error_exit = on_error_exit;
  d.err.emit_message = on_emit_message;
  d.err.output_message = on_output_message;
  d.cinfo.client_data = &d;

  if (!read_header(d, reinterpret_cast<const JOCTET*>(bytes.data()), bytes.size())) fail_decoder(d, what, "header");
  check_declared_size(d.cinfo.image_width, d.cinfo.image_height, what, "the JPEG header");
  const int components = d.cinfo.num_components;
  if (components != 1 && components != 3 && components != 4)
    fail<FormatError>("{}: JPEG with {} components (only 1, 3 and 4 are images)", what, components);

  const size_t width = d.cinfo.image_width;
  const size_t height = d.cinfo.image_height;
  const J_COLOR_SPACE out_space = components == 1 ? JCS_GRAYSCALE : components == 3 ? JCS_RGB : JCS_CMYK;
  const auto channels = static_cast<size_t>(components);
  std::vector<uint8_t> pixels(width * height * channels);
  if (!read_pixels(d, out_space, pixels.data(), width * channels)) fail_decoder(d, what, "image data");
  if (d.cinfo.output_width != width || d.cinfo.output_height != height ||
      d.cinfo.output_components != components)
    fail<FormatError>("{}: the JPEG decoder produced {}x{}x{} for a {}x{}x{} image", what, d.cinfo.output_width,
                      d.cinfo.output_height, d.cinfo.output_components, width, height, components);

  Image image;
  image.width = static_cast<uint32_t>(width);
  image.height = static_cast<uint32_t>(height);
  const size_t count = width * height;
  if (components == 3) {
    image.rgb = std::move(pixels);
    return image;
  }
  image.rgb.resize(count * 3);
  if (components == 1) {
    for (size_t i = 0; i < count; ++i) std::memset(&image.rgb[i * 3], pixels[i], 3);
    return image;
  }
  for (size_t i = 0; i < count; ++i) {
    const uint8_t* in = &pixels[i * 4];
    const int c = 255 - in[0], m = 255 - in[1], y = 255 - in[2], k = 255 - in[3];  // "CMYK;I"
    const int nk = 255 - k;
    image.rgb[i * 3 + 0] = clip8(nk - muldiv255(c, nk));
    image.rgb[i * 3 + 1] = clip8(nk - muldiv255(m, nk));
    image.rgb[i * 3 + 2] = clip8(nk - muldiv255(y, nk));
  }
  return image;
}

}  // namespace ttnn::io::image_detail
