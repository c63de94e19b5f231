#!/usr/bin/env python3
"""Test images and their expected decodings and ImageNet preprocessing, for tests/io/image.

    /usr/bin/python3 tests/oracle/make_images.py --out DIR

Run by the ctest fixture `images_generate` (tests/io/image/CMakeLists.txt) through
scripts/cached_generate.sh, which caches the set under
${TTNN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ttnn-cpp}/images/<first 16 hex of sha256(this file)>.
Needs Debian's python3-pil, python3-numpy, python3-skimage, python3-torch, python3-torchvision (torch
1.13 / torchvision 0.14 / Pillow 9.4). Nothing it writes is committed.

DIR/manifest.json:
  "decode":     [{"file", "format" ("jpeg" | "png"), "expected" (uint8 [H, W, 3] .npy),
                  "source" (how the file was made), "pil_differs" (bool)}]
                expected = np.asarray(Image.open(file).convert("RGB")), except where pil_differs is
                true (16-bit grayscale PNG: PIL clips to 255, the expected array is the high byte).
  "preprocess": [{"file", "resize", "crop", "resized" (uint8 [h, w, 3] .npy: transforms.Resize(resize)
                  of the PIL image, or null when that is large), "tensor" (float32 [3, crop, crop] .npy: Resize, CenterCrop(crop),
                  ToTensor, Normalize(ImageNet mean/std))}]
  "malformed":  [{"file", "why"}]  every one is also refused by PIL (checked here)
  "labels":     file name of a JSON list: torchvision.models._meta._IMAGENET_CATEGORIES
COMPLETE is written last.
"""
from __future__ import annotations

import argparse
import io
import json
import pathlib
import shutil
import struct
import sys
import warnings
import zlib

import numpy as np
import skimage.data
import torch
from PIL import Image
from torchvision import transforms as T
from torchvision.models._meta import _IMAGENET_CATEGORIES

MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]
DATA = pathlib.Path(skimage.data.__file__).resolve().parent

# Photographs shipped by Debian's python3-skimage (file names in skimage/data).
PNG_PHOTOS = ["chelsea.png", "coffee.png", "astronaut.png", "motorcycle_left.png", "ihc.png"]
JPEG_PHOTOS = ["rocket.jpg", "hubble_deep_field.jpg", "retina.jpg"]


# ---------------------------------------------------------------------------------------------------
# A minimal PNG writer for what PIL cannot write: 16-bit colour, sub-byte depths, Adam7 interlacing.

def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _pack_row(samples: np.ndarray, depth: int) -> bytes:
    samples = np.asarray(samples).ravel()
    if depth == 16:
        return samples.astype(">u2").tobytes()
    if depth == 8:
        return samples.astype(np.uint8).tobytes()
    per_byte = 8 // depth
    padded = np.concatenate([samples, np.zeros((-len(samples)) % per_byte, dtype=samples.dtype)])
    out = bytearray()
    for i in range(0, len(padded), per_byte):
        b = 0
        for v in padded[i:i + per_byte]:
            b = (b << depth) | int(v)
        out.append(b)
    return bytes(out)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def png_bytes(pixels: np.ndarray, depth: int, color_type: int, palette: np.ndarray | None = None,
              trns: bytes | None = None, interlace: bool = False) -> bytes:
    """pixels: [H, W] or [H, W, C] integer samples (palette indices for colour type 3)."""
    if pixels.ndim == 2:
        pixels = pixels[:, :, None]
    h, w = pixels.shape[:2]
    raw = bytearray()
    if interlace:
        for x0, y0, dx, dy in ADAM7:
            sub = pixels[y0::dy, x0::dx]
            if sub.shape[0] == 0 or sub.shape[1] == 0:
                continue
            for row in sub:
                raw += b"\x00" + _pack_row(row, depth)
    else:
        for row in pixels:
            raw += b"\x00" + _pack_row(row, depth)
    out = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, color_type, 0, 0,
                                                             1 if interlace else 0))
    if palette is not None:
        out += _chunk(b"PLTE", np.asarray(palette, np.uint8).tobytes())
    if trns is not None:
        out += _chunk(b"tRNS", trns)
    out += _chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + _chunk(b"IEND", b"")
    return out


def jpeg_sof_bytes(width: int, height: int) -> bytes:
    """A JPEG whose SOF0 declares width x height (the rest is a tiny valid 8x8 image's tables/scan)."""
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (120, 30, 200)).save(buf, "JPEG", quality=90)
    data = bytearray(buf.getvalue())
    i = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, i + 5, height, width)
    return bytes(data)


# ---------------------------------------------------------------------------------------------------

class Writer:
    def __init__(self, out: pathlib.Path):
        self.out = out
        self.manifest = {"decode": [], "preprocess": [], "malformed": []}

    def file(self, name: str, data: bytes) -> str:
        (self.out / name).write_bytes(data)
        return name

    def npy(self, name: str, array: np.ndarray) -> str:
        np.save(self.out / name, array)
        return name

    def decode_case(self, name: str, fmt: str, source: str, expected: np.ndarray | None = None) -> None:
        pil = np.asarray(Image.open(self.out / name).convert("RGB"))
        pil_differs = expected is not None and not np.array_equal(pil, expected)
        if expected is None:
            expected = pil
        self.manifest["decode"].append({
            "file": name, "format": fmt, "source": source, "pil_differs": bool(pil_differs),
            "expected": self.npy(name + ".rgb.npy", np.ascontiguousarray(expected, dtype=np.uint8))})

    def preprocess_case(self, name: str, resize: int = 256, crop: int = 224) -> None:
        img = Image.open(self.out / name).convert("RGB")
        resized = T.Resize(resize)(img)
        tensor = T.Compose([T.Resize(resize), T.CenterCrop(crop), T.ToTensor(), T.Normalize(MEAN, STD)])(img)
        assert tensor.dtype == torch.float32 and tuple(tensor.shape) == (3, crop, crop)
        stem = f"{name}.r{resize}c{crop}"
        # The whole resized image is kept only when small (elongated images resize to millions of pixels).
        small = resized.width * resized.height <= 300_000
        self.manifest["preprocess"].append({
            "file": name, "resize": resize, "crop": crop,
            "resized": self.npy(stem + ".resized.npy", np.asarray(resized, dtype=np.uint8)) if small else None,
            "tensor": self.npy(stem + ".tensor.npy", tensor.numpy())})

    def malformed(self, name: str, data: bytes, why: str) -> None:
        self.file(name, data)
        try:
            Image.open(self.out / name).convert("RGB")
        except Exception:  # noqa: BLE001 - PIL raises several types; any refusal is what we want
            pass
        else:
            sys.exit(f"make_images.py: PIL accepts {name} ({why}); it cannot serve as a malformed case")
        self.manifest["malformed"].append({"file": name, "why": why})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, type=pathlib.Path)
    args = parser.parse_args()
    # PIL warns when convert("RGB") drops a palette image's tRNS; dropping it is the point.
    warnings.filterwarnings("ignore", message="Palette images with Transparency")
    out: pathlib.Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    w = Writer(out)
    rng = np.random.default_rng(20240611)

    # Photographs: the originals, and each re-encoded as PNG and as JPEG (quality 90, PIL's defaults).
    photos = []
    for name in PNG_PHOTOS + JPEG_PHOTOS:
        fmt = "png" if name.endswith(".png") else "jpeg"
        orig = f"orig_{name}"
        shutil.copyfile(DATA / name, out / orig)
        w.decode_case(orig, fmt, f"skimage/data/{name}")
        photos.append(orig)
        rgb = Image.open(DATA / name).convert("RGB")
        stem = pathlib.Path(name).stem
        if name == "retina.jpg":
            continue  # 1411x1411: the original alone (a strong downscale) is enough
        if fmt == "jpeg":
            buf = io.BytesIO()
            rgb.save(buf, "PNG")
            w.file(f"{stem}.png", buf.getvalue())
            w.decode_case(f"{stem}.png", "png", f"{name} as PNG (PIL)")
            photos.append(f"{stem}.png")
        buf = io.BytesIO()
        rgb.save(buf, "JPEG", quality=90)
        w.file(f"{stem}.q90.jpg", buf.getvalue())
        w.decode_case(f"{stem}.q90.jpg", "jpeg", f"{name} as JPEG quality 90 (PIL, 4:2:0)")
        photos.append(f"{stem}.q90.jpg")

    chelsea = Image.open(DATA / "chelsea.png").convert("RGB")
    coffee = Image.open(DATA / "coffee.png").convert("RGB")
    astronaut = np.asarray(Image.open(DATA / "astronaut.png").convert("RGB"))

    # JPEG variants.
    def save_jpeg(name, image, source, **kw):
        buf = io.BytesIO()
        image.save(buf, "JPEG", **kw)
        w.file(name, buf.getvalue())
        w.decode_case(name, "jpeg", source)

    save_jpeg("chelsea.444.jpg", chelsea, "4:4:4 quality 95", quality=95, subsampling=0)
    save_jpeg("chelsea.422.jpg", chelsea, "4:2:2 quality 85", quality=85, subsampling=1)
    save_jpeg("coffee.progressive.jpg", coffee, "progressive quality 90", quality=90, progressive=True)
    save_jpeg("coffee.optimized.jpg", coffee, "optimized Huffman tables", quality=75, optimize=True)
    save_jpeg("chelsea.gray.jpg", chelsea.convert("L"), "grayscale JPEG", quality=90)
    save_jpeg("chelsea.cmyk.jpg", chelsea.convert("CMYK"), "CMYK JPEG (Adobe, inverted)", quality=90)
    save_jpeg("odd.13x7.jpg", Image.fromarray(rng.integers(0, 256, (7, 13, 3), dtype=np.uint8)),
              "13x7 noise, partial MCUs", quality=90)
    photos += ["chelsea.gray.jpg", "chelsea.cmyk.jpg", "coffee.progressive.jpg"]

    # PNG variants written by PIL.
    def save_png(name, image, source, **kw):
        buf = io.BytesIO()
        image.save(buf, "PNG", **kw)
        w.file(name, buf.getvalue())
        w.decode_case(name, "png", source)

    save_png("chelsea.gray.png", chelsea.convert("L"), "8-bit grayscale")
    save_png("chelsea.la.png", chelsea.convert("LA"), "8-bit grayscale+alpha")
    rgba = chelsea.convert("RGBA")
    rgba.putalpha(Image.fromarray(rng.integers(0, 256, (chelsea.height, chelsea.width), dtype=np.uint8)))
    save_png("chelsea.rgba.png", rgba, "RGBA with random alpha (dropped, not composited)")
    save_png("chelsea.palette.png", chelsea.quantize(256), "8-bit palette (quantized)")
    save_png("coffee.palette16.png", coffee.quantize(16), "4-bit palette (16 colours)")
    save_png("chelsea.bilevel.png", chelsea.convert("1"), "1-bit (mode 1)")
    photos += ["chelsea.gray.png", "chelsea.rgba.png", "chelsea.palette.png"]
    for name in ["logo.png", "horse.png", "camera.png", "green_palette.png", "palette_color.png",
                 "foo3x5x4indexed.png", "checker_bilevel.png"]:
        shutil.copyfile(DATA / name, out / f"orig_{name}")
        w.decode_case(f"orig_{name}", "png", f"skimage/data/{name}")

    # PNG variants from the small writer.
    def raw_png(name, source, pixels, depth, color_type, expected=None, **kw):
        w.file(name, png_bytes(pixels, depth, color_type, **kw))
        w.decode_case(name, "png", source, expected)

    a16 = astronaut.astype(np.uint16) * 257 + rng.integers(0, 257, astronaut.shape).astype(np.uint16)
    raw_png("astronaut.rgb16.png", "16-bit RGB", a16, 16, 2)
    alpha16 = rng.integers(0, 65536, astronaut.shape[:2] + (1,)).astype(np.uint16)
    raw_png("astronaut.rgba16.png", "16-bit RGBA", np.concatenate([a16, alpha16], axis=2), 16, 6)
    raw_png("astronaut.rgb16.interlaced.png", "16-bit RGB, Adam7", a16[:77, :91], 16, 2, interlace=True)
    g16 = a16[..., 1]
    raw_png("astronaut.la16.png", "16-bit grayscale+alpha", np.stack([g16, alpha16[..., 0]], axis=2), 16, 4)
    raw_png("astronaut.gray16.png", "16-bit grayscale (PIL clips it: expected is the high byte)", g16, 16, 0,
            expected=np.repeat((g16 >> 8).astype(np.uint8)[:, :, None], 3, axis=2))
    raw_png("astronaut.interlaced.png", "8-bit RGB, Adam7", astronaut, 8, 2, interlace=True)
    raw_png("tiny.interlaced.png", "3x5 RGB, Adam7 (empty passes)", astronaut[:5, :3], 8, 2, interlace=True)
    for depth in (1, 2, 4):
        gray = rng.integers(0, 1 << depth, (37, 29))
        raw_png(f"gray{depth}.png", f"{depth}-bit grayscale", gray, depth, 0)
        raw_png(f"gray{depth}.interlaced.png", f"{depth}-bit grayscale, Adam7", gray, depth, 0, interlace=True)
        n = min(1 << depth, 3)
        pal = rng.integers(0, 256, (n, 3))
        idx = rng.integers(0, 1 << depth, (23, 31))  # indices past the palette's end included
        raw_png(f"palette{depth}.png", f"{depth}-bit palette of {n} entries (indices past the end too)", idx,
                depth, 3, palette=pal)
    pal = rng.integers(0, 256, (200, 3))
    raw_png("palette8.trns.png", "8-bit palette with tRNS (ignored by convert('RGB'))",
            rng.integers(0, 256, (40, 50)), 8, 3, palette=pal, trns=bytes(rng.integers(0, 256, 200, dtype=np.uint8)))
    raw_png("gray8.trns.png", "8-bit grayscale with tRNS", rng.integers(0, 256, (20, 30)), 8, 0,
            trns=struct.pack(">H", 17))

    # Preprocessing: every photograph at the ImageNet settings, plus other sizes and shapes.
    for name in photos:
        w.preprocess_case(name)
    w.preprocess_case("orig_chelsea.png", 224, 224)
    w.preprocess_case("orig_coffee.png", 200, 224)       # crop larger than the resized image: zero padding
    w.preprocess_case("orig_astronaut.png", 320, 299)
    w.preprocess_case("orig_rocket.jpg", 257, 224)        # odd difference: round-half-even offsets
    w.preprocess_case("orig_astronaut.png", 512, 224)     # same size: no resampling pass
    w.preprocess_case("orig_retina.jpg", 256, 224)        # 1411x1411: strong downscale
    shapes = [(7, 5), (1, 1), (300, 3), (3, 1000), (259, 257), (511, 224), (224, 225)]
    for wd, ht in shapes:
        name = f"noise.{wd}x{ht}.png"
        buf = io.BytesIO()
        Image.fromarray(rng.integers(0, 256, (ht, wd, 3), dtype=np.uint8)).save(buf, "PNG")
        w.file(name, buf.getvalue())
        w.decode_case(name, "png", f"{wd}x{ht} noise")
        w.preprocess_case(name)
    w.preprocess_case("noise.3x1000.png", 100, 50)

    # Malformed inputs, each refused by PIL too.
    jpeg = (out / "chelsea.q90.jpg").read_bytes()
    png = (out / "orig_chelsea.png").read_bytes()
    for frac in (0.0005, 0.01, 0.1, 0.5, 0.9, 0.999):
        n = max(3, int(len(jpeg) * frac))
        w.malformed(f"truncated.{n}.jpg", jpeg[:n], f"chelsea.q90.jpg cut to {n} of {len(jpeg)} bytes")
    for n in (8, 20, 33, 40, 1000, len(png) // 2, len(png) - 30):
        w.malformed(f"truncated.{n}.png", png[:n], f"orig_chelsea.png cut to {n} of {len(png)} bytes")
    w.malformed("orig_truncated.jpg", (DATA / "truncated.jpg").read_bytes(), "skimage/data/truncated.jpg")
    bad_crc = bytearray(png)
    bad_crc[17] ^= 0x01  # IHDR's width: the chunk's CRC no longer matches
    w.malformed("badcrc.png", bytes(bad_crc), "one byte flipped: CRC mismatch")
    bad_idat = bytearray(png)
    idat = bad_idat.index(b"IDAT")
    bad_idat[idat + 4: idat + 6] = b"\x00\x00"  # zlib header destroyed (CRC fixed up below)
    length = struct.unpack(">I", bad_idat[idat - 4: idat])[0]
    struct.pack_into(">I", bad_idat, idat + 4 + length, zlib.crc32(bytes(bad_idat[idat: idat + 4 + length])) & 0xFFFFFFFF)
    w.malformed("badzlib.png", bytes(bad_idat), "IDAT with a broken zlib header (valid CRC)")
    w.malformed("random.bin", bytes(rng.integers(0, 256, 4096, dtype=np.uint8)), "random bytes")
    w.malformed("random_after_soi.jpg", b"\xff\xd8\xff" + bytes(rng.integers(0, 256, 4096, dtype=np.uint8)),
                "JPEG signature then random bytes")
    w.malformed("random_after_sig.png", b"\x89PNG\r\n\x1a\n" + bytes(rng.integers(0, 256, 4096, dtype=np.uint8)),
                "PNG signature then random bytes")
    w.malformed("text.txt", b"This is a text file, not an image.\n" * 10, "a text file")
    w.malformed("empty.png", b"", "zero-length file")
    def png_declaring(width, height):
        return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
                _chunk(b"IDAT", zlib.compress(b"\x00" * 301)) + _chunk(b"IEND", b""))

    w.malformed("huge.png", png_declaring(100000, 100000), "PNG declaring 100000x100000")
    # Under the per-side limit, over the pixel limit (and PIL's decompression-bomb limit).
    w.malformed("bomb.png", png_declaring(16000, 16000), "PNG declaring 16000x16000 (256 Mpixel)")
    w.malformed("huge.jpg", jpeg_sof_bytes(65000, 65000), "JPEG declaring 65000x65000")
    w.malformed("bomb.jpg", jpeg_sof_bytes(15000, 15000), "JPEG declaring 15000x15000 (225 Mpixel)")
    gif = io.BytesIO()
    chelsea.save(gif, "GIF")
    w.manifest["unsupported"] = [{"file": w.file("chelsea.gif", gif.getvalue()), "why": "GIF"}]

    w.manifest["labels"] = "imagenet_classes.json"
    (out / "imagenet_classes.json").write_text(json.dumps(list(_IMAGENET_CATEGORIES)))
    (out / "manifest.json").write_text(json.dumps(w.manifest, indent=1))
    (out / "COMPLETE").write_text("ok\n")
    print(f"make_images.py: {len(w.manifest['decode'])} decode cases, {len(w.manifest['preprocess'])} "
          f"preprocess cases, {len(w.manifest['malformed'])} malformed files in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
