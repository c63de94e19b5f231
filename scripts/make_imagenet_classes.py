#!/usr/bin/env python3
"""Writes data/imagenet_classes.txt: the 1000 ImageNet class names, one a line in class-index order,
exactly as torchvision lists them (torchvision.models._meta._IMAGENET_CATEGORIES).

    /usr/bin/python3 scripts/make_imagenet_classes.py [OUTPUT]   # default: data/imagenet_classes.txt

The file is committed (the library embeds it at build time, src/io/image/CMakeLists.txt); re-run this
only to regenerate it. tests/io/image checks the embedded list against torchvision at test time.
"""
import pathlib
import sys

from torchvision.models._meta import _IMAGENET_CATEGORIES


def main() -> int:
    root = pathlib.Path(__file__).resolve().parent.parent
    out = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else root / "data" / "imagenet_classes.txt"
    names = list(_IMAGENET_CATEGORIES)
    if len(names) != 1000:
        sys.exit(f"expected 1000 ImageNet categories, torchvision has {len(names)}")
    for i, name in enumerate(names):
        if not name or name != name.strip() or "\n" in name or "\r" in name:
            sys.exit(f"category {i} ({name!r}) cannot be written one a line")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(name + "\n" for name in names), encoding="utf-8")
    print(f"wrote {len(names)} names to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
