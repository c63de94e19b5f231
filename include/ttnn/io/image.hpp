// Image input for classification: JPEG and PNG decoding to 8-bit RGB, and ImageNet preprocessing
// computed exactly as torchvision 0.14 does it on a PIL image:
//
//   transforms.Compose([Resize(256), CenterCrop(224), ToTensor(),
//                       Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
//   applied to PIL.Image.open(path).convert("RGB")
//
// Decoding reproduces PIL's open + convert("RGB"): JPEG through libjpeg-turbo's libjpeg API with the
// settings PIL uses (accurate integer IDCT, fancy upsampling), PIL's CMYK polarity and CMYK->RGB
// arithmetic; PNG palette, gray and alpha handled as convert("RGB") does (alpha dropped without
// compositing; tRNS, gAMA and ICC profiles ignored). The one deliberate difference: a 16-bit
// grayscale PNG keeps its high byte here, where PIL opens it as mode "I" and convert("RGB") clips
// every value above 255 to white.
//
// The resize is PIL's ImagingResample with the BILINEAR (triangle) filter widened by the scale factor
// (antialiasing), in PIL's fixed-point arithmetic (22-bit coefficients, horizontal pass then vertical,
// each rounded to 8 bits), so the resized pixels equal PIL's bit for bit; ToTensor and Normalize then
// compute (v / 255 - mean) / std in float32 as torch does, so the whole tensor equals torchvision's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

namespace ttnn::io {

// Interleaved 8-bit RGB, row-major: pixel (x, y) channel c is rgb[(y * width + x) * 3 + c].
struct Image {
  uint32_t width = 0;
  uint32_t height = 0;
  std::vector<uint8_t> rgb;
};

// Decompression-bomb limits: a larger declared size is refused before any pixel memory is allocated.
// (kMaxImagePixels is PIL's DecompressionBombError threshold, 2 * Image.MAX_IMAGE_PIXELS.)
inline constexpr uint32_t kMaxImageSide = 16384;
inline constexpr uint64_t kMaxImagePixels = 178956970;
// Files larger than this are refused unread.
inline constexpr uint64_t kMaxImageFileBytes = uint64_t{1} << 30;

// Decodes a JPEG (baseline or progressive; YCbCr, RGB, grayscale, CMYK or YCCK) or PNG (any bit depth
// and colour type, interlaced or not) file to RGB8. The format is detected from the content, not the
// name. Throws FormatError naming the file and the problem for anything else: another format, a
// truncated or corrupt stream, bad CRCs, sizes above the limits. What counts as truncated follows PIL:
// a JPEG whose data ends before its last row is refused (never padded with grey); a PNG whose image
// data is complete but whose trailing checksum/IEND bytes are missing decodes. Recoverable JPEG
// entropy-data damage decodes (libjpeg's warning), as in PIL. A progressive JPEG of more than 500
// scans is refused. Throws InvalidArgument when the file cannot be read.
Image decode_image(const std::filesystem::path& path);

// The same from bytes in memory; `what` names the source in error messages.
Image decode_image(std::span<const std::byte> bytes, std::string_view what);

// ---- preprocessing (each step also usable alone) ----

// PIL's Image.resize((width, height), Image.BILINEAR) on an RGB image: antialiased bilinear.
// Throws InvalidArgument for an empty image or a zero size.
Image resize_bilinear(const Image& image, uint32_t width, uint32_t height);

// The output size of torchvision's Resize(size) with an int size: the shorter side becomes `size`,
// the longer one int(size * long / short) (truncated). Returns {width, height}.
struct ImageSize {
  uint32_t width = 0;
  uint32_t height = 0;
  bool operator==(const ImageSize&) const = default;
};
ImageSize resize_shorter_side_size(uint32_t width, uint32_t height, uint32_t size);

// torchvision.transforms.Resize(size) on a PIL image (resize_bilinear to resize_shorter_side_size).
Image resize_shorter_side(const Image& image, uint32_t size);

// torchvision.transforms.CenterCrop((height, width)): offsets int(round((H - h) / 2.0)) with Python's
// round-half-to-even; an image smaller than the crop is first padded with zeros as torchvision pads.
Image center_crop(const Image& image, uint32_t width, uint32_t height);

enum class ChannelOrder { CHW, HWC };

inline constexpr float kImageNetMean[3] = {0.485f, 0.456f, 0.406f};
inline constexpr float kImageNetStd[3] = {0.229f, 0.224f, 0.225f};

// ToTensor + Normalize(kImageNetMean, kImageNetStd): (v / 255 - mean[c]) / std[c] in float32, laid out
// [3, H, W] (CHW) or [H, W, 3] (HWC).
std::vector<float> imagenet_normalize(const Image& image, ChannelOrder order = ChannelOrder::CHW);

// Resize(resize) + CenterCrop(crop) + ToTensor + Normalize: a [3, crop, crop] float32 tensor (CHW), or
// [crop, crop, 3] with ChannelOrder::HWC. Only the part of the resized image that survives the crop is
// computed (with the same values), so very elongated images cost no more than square ones.
// Throws InvalidArgument for an empty image or a zero resize or crop.
std::vector<float> imagenet_preprocess(const Image& image, uint32_t resize = 256, uint32_t crop = 224,
                                       ChannelOrder order = ChannelOrder::CHW);

// imagenet_preprocess of every image, stacked: [N, 3, crop, crop] (NCHW, for ChannelOrder::CHW) or
// [N, crop, crop, 3] (NHWC, for ChannelOrder::HWC).
std::vector<float> imagenet_preprocess_batch(std::span<const Image> images, uint32_t resize = 256,
                                             uint32_t crop = 224, ChannelOrder order = ChannelOrder::CHW);

}  // namespace ttnn::io
