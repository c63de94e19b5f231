#!/usr/bin/python3
"""Writes PyTorch checkpoints for the .pth reader tests (run with Debian's /usr/bin/python3, which has
torch and torchvision).

    /usr/bin/python3 tests/oracle/make_checkpoints.py --out DIR

DIR/COMPLETE is written last (the convention of scripts/cached_generate.sh), so a killed run is detected.

Good checkpoints, each CASE in several encodings CASE.<encoding>.pth, all loading to CASE.expected:
    mobilenet_v2   torchvision mobilenet_v2() state dict (seeded; batch-norm buffers randomised too)
    dtypes         one tensor per storage dtype (special values, 0-dim, empty, rank 5)
    views          transposed / sliced / strided / expanded views, shared storages, a Parameter
    wrapped        {"state_dict": {...}, "epoch": 3, ...}: the inner dict is expected
    wrapped_model  {"model": {...}, "optimizer": "sgd"}
  encodings: zip (torch.save), legacy (_use_new_zipfile_serialization=False), and for some cases
  proto4 / proto4legacy (pickle protocol 4), deflate (the zip re-compressed), bigendian / bigzip
  (byte-swapped storages flagged by sys_info / a byteorder record), prefix (zip folder renamed).

Bad checkpoints, bad_<what>.<encoding>.pth, which must fail with FormatError:
    bad_posix_system   an object whose pickle calls os.system (pickled as posix.system)
    bad_os_system      a hand-written pickle calling os.system
    bad_short_view     a tensor whose view runs past the end of its storage
    bad_not_dict       a list of tensors at the top level
    bad_not_tensor     a dict entry that is an int
  The exploits would create ./ttnn_pth_pwned if a reader executed them.

CASE.expected is little-endian binary: b"TTNNEXP1", u32 count, then per tensor u32 key length, the
UTF-8 key, u32 rank, u64 dims[rank], f32 values (row-major, tensor.float()).

seeds/pth/ holds copies of the small checkpoints and seeds/pickle/ the data.pkl of each small zip one,
as fuzzing seed corpora.
"""
import collections
import io
import os
import pickle
import shutil
import struct
import sys
import zipfile

import torch
import torchvision

OUT = sys.argv[2] if len(sys.argv) == 3 and sys.argv[1] == "--out" else sys.exit("usage: make_checkpoints.py --out DIR")
PWNED = "ttnn_pth_pwned"  # relative: a reader that ran the exploit would create it in its working directory


def write_expected(name, state_dict):
    with open(os.path.join(OUT, name + ".expected"), "wb") as f:
        f.write(b"TTNNEXP1" + struct.pack("<I", len(state_dict)))
        for key, tensor in state_dict.items():
            key_bytes = key.encode("utf-8")
            f.write(struct.pack("<I", len(key_bytes)) + key_bytes + struct.pack("<I", tensor.dim()))
            f.write(struct.pack("<%dQ" % tensor.dim(), *tensor.shape))
            f.write(tensor.detach().float().contiguous().numpy().astype("<f4").tobytes())


def save(obj, name, legacy=False, protocol=2):
    path = os.path.join(OUT, name + ".pth")
    torch.save(obj, path, pickle_protocol=protocol, _use_new_zipfile_serialization=not legacy)
    return path


# --- the cases -------------------------------------------------------------------------------------

def mobilenet_v2():
    torch.manual_seed(0)
    model = torchvision.models.mobilenet_v2()
    generator = torch.Generator().manual_seed(1)
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            n = module.num_features
            module.weight.data = torch.rand(n, generator=generator) + 0.5
            module.bias.data = torch.randn(n, generator=generator) * 0.1
            module.running_mean = torch.randn(n, generator=generator) * 0.1
            module.running_var = torch.rand(n, generator=generator) + 0.5
            module.num_batches_tracked.fill_(12345)
    return model.state_dict()


def dtypes():
    g = torch.Generator().manual_seed(2)
    special = [0.0, -0.0, 1.0, -2.5, float("inf"), float("-inf"), 1e-40, 3.4e38, float("nan")]
    d = collections.OrderedDict()
    d["f32"] = torch.tensor(special + torch.randn(7, generator=g).tolist(), dtype=torch.float32).reshape(4, 4)
    d["f64"] = torch.tensor([1 / 3, -1e300, 1e300, 1e-50, 2.0 ** -149, 123456789.123456789], dtype=torch.float64)
    d["f16"] = torch.tensor([0.0, -0.0, 2.0 ** -24, 6.1e-5, 65504.0, float("inf"), -1.5, float("nan")],
                            dtype=torch.float16)
    d["bf16"] = torch.tensor([1.0, -3.140625, 1e38, -1e-38, float("inf")], dtype=torch.bfloat16)
    d["i64"] = torch.tensor([0, -1, 2 ** 53 + 1, 2 ** 62 + 3, -(2 ** 63), 2 ** 63 - 1], dtype=torch.int64)
    d["i32"] = torch.tensor([0, -1, 2 ** 31 - 1, -(2 ** 31), 16777217], dtype=torch.int32)
    d["i16"] = torch.tensor([0, -1, 32767, -32768], dtype=torch.int16)
    d["i8"] = torch.tensor([0, -1, 127, -128], dtype=torch.int8)
    d["u8"] = torch.tensor([0, 1, 128, 255], dtype=torch.uint8)
    d["bool"] = torch.tensor([True, False, True], dtype=torch.bool)
    d["scalar"] = torch.tensor(7, dtype=torch.int64)
    d["empty"] = torch.zeros(0, 3)
    d["rank5"] = torch.randn(2, 1, 3, 1, 2, generator=g)
    return d


def views():
    g = torch.Generator().manual_seed(3)
    base = torch.randn(5, 6, generator=g)
    shared = torch.randn(4, 4, generator=g)
    d = collections.OrderedDict()
    d["transposed"] = torch.arange(12.0).reshape(3, 4).t()
    d["slice"] = base[1:, 2:]
    d["step"] = torch.arange(20.0)[3::4]
    d["shared"] = shared
    d["shared_row"] = shared[2]
    d["shared_t"] = shared.t()
    d["expanded"] = torch.randn(3, 1, generator=g).expand(3, 5)
    d["channels_last"] = torch.randn(2, 3, 4, 5, generator=g).to(memory_format=torch.channels_last)
    d["half_t"] = torch.randn(4, 6, generator=g).half().t()
    d["param"] = torch.nn.Parameter(torch.randn(2, 2, generator=g))
    return d


def small_state_dict():
    torch.manual_seed(4)
    return torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.Linear(5, 2)).state_dict()


# --- re-encodings ----------------------------------------------------------------------------------

STORAGE_SIZES = {"Float": 4, "Double": 8, "Half": 2, "BFloat16": 2, "Long": 8, "Int": 4, "Short": 2,
                 "Char": 1, "Byte": 1, "Bool": 1}


class StorageSizes(pickle.Unpickler):
    """Reads a checkpoint pickle without torch, recording each storage's element size."""

    def __init__(self, f):
        super().__init__(f)
        self.sizes = {}

    def find_class(self, module, name):
        if name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch" and name.endswith("Storage"):
            return name[:-len("Storage")]
        return lambda *args: None

    def persistent_load(self, pid):
        self.sizes[pid[2]] = STORAGE_SIZES[pid[1]]


def element_sizes(f):
    reader = StorageSizes(f)
    reader.load()
    return reader.sizes


def byteswap(data, size):
    return b"".join(data[i:i + size][::-1] for i in range(0, len(data), size)) if size > 1 else data


def rewrite_zip(src, dst, prefix=None, compression=zipfile.ZIP_STORED, big_endian=False):
    with zipfile.ZipFile(src) as zin:
        names = zin.namelist()
        old_prefix = names[0].split("/")[0]
        sizes = element_sizes(io.BytesIO(zin.read(old_prefix + "/data.pkl")))
        with zipfile.ZipFile(dst, "w", compression=compression) as zout:
            for name in names:
                data = zin.read(name)
                rest = name[len(old_prefix):]
                if big_endian and rest.startswith("/data/"):
                    data = byteswap(data, sizes[rest[len("/data/"):]])
                zout.writestr((prefix or old_prefix) + rest, data)
            if big_endian:
                zout.writestr((prefix or old_prefix) + "/byteorder", "big")


def legacy_to_big_endian(src, dst):
    data = open(src, "rb").read()
    f = io.BytesIO(data)
    magic, version, sys_info = pickle.load(f), pickle.load(f), pickle.load(f)
    main_start = f.tell()
    sizes = element_sizes(f)
    keys = pickle.load(f)
    keys_end = f.tell()
    out = [pickle.dumps(magic, protocol=2), pickle.dumps(version, protocol=2),
           pickle.dumps(dict(sys_info, little_endian=False), protocol=2), data[main_start:keys_end]]
    for key in keys:
        (count,) = struct.unpack("<q", f.read(8))
        out.append(struct.pack(">q", count) + byteswap(f.read(count * sizes[key]), sizes[key]))
    open(dst, "wb").write(b"".join(out))


# --- bad files -------------------------------------------------------------------------------------

class Exploit:
    def __reduce__(self):
        return (os.system, ("touch " + PWNED,))


class ShortView:
    """Pickles as a tensor whose view (100 elements) exceeds its 4-element storage."""

    def __reduce__(self):
        storage = torch.arange(4.0).storage()
        return (torch._utils._rebuild_tensor_v2, (storage, 1, (100,), (1,), False, collections.OrderedDict()))


def os_system_pickle():
    command = ("touch " + PWNED).encode()
    return (b"\x80\x02}q\x00X\x01\x00\x00\x00xcos\nsystem\nq\x01X" + struct.pack("<I", len(command)) + command +
            b"\x85Rs.")


def write_legacy_raw(path, main_pickle):
    header = [pickle.dumps(0x1950a86a20f9469cfc6c, protocol=2), pickle.dumps(1001, protocol=2),
              pickle.dumps({"protocol_version": 1001, "little_endian": True,
                            "type_sizes": {"short": 2, "int": 4, "long": 4}}, protocol=2)]
    open(path, "wb").write(b"".join(header) + main_pickle + pickle.dumps([], protocol=2))


def write_zip_raw(path, data_pkl):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", data_pkl)
        z.writestr("archive/version", "3\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, make in [("mobilenet_v2", mobilenet_v2), ("dtypes", dtypes), ("views", views)]:
        sd = make()
        write_expected(name, sd)
        save(sd, name + ".zip")
        save(sd, name + ".legacy", legacy=True)
    small = small_state_dict()
    write_expected("wrapped", small)
    save({"epoch": 3, "state_dict": small, "arch": "tiny"}, "wrapped.zip")
    save({"epoch": 3, "state_dict": small, "arch": "tiny"}, "wrapped.legacy", legacy=True)
    write_expected("wrapped_model", small)
    save({"model": small, "optimizer": "sgd"}, "wrapped_model.zip")
    save({"model": small, "optimizer": "sgd"}, "wrapped_model.legacy", legacy=True)

    d = os.path.join(OUT, "")
    save(dtypes(), "dtypes.proto4", protocol=4)
    save(dtypes(), "dtypes.proto4legacy", legacy=True, protocol=4)
    rewrite_zip(d + "dtypes.zip.pth", d + "dtypes.deflate.pth", compression=zipfile.ZIP_DEFLATED)
    rewrite_zip(d + "dtypes.zip.pth", d + "dtypes.prefix.pth", prefix="any-name_at.all")
    rewrite_zip(d + "dtypes.zip.pth", d + "dtypes.bigzip.pth", big_endian=True)
    legacy_to_big_endian(d + "dtypes.legacy.pth", d + "dtypes.bigendian.pth")
    rewrite_zip(d + "views.zip.pth", d + "views.bigzip.pth", big_endian=True)
    legacy_to_big_endian(d + "views.legacy.pth", d + "views.bigendian.pth")

    for legacy in (False, True):
        encoding = "legacy" if legacy else "zip"
        save({"w": torch.ones(2), "x": Exploit()}, "bad_posix_system." + encoding, legacy=legacy)
        save({"w": ShortView()}, "bad_short_view." + encoding, legacy=legacy)
        save([torch.ones(2)], "bad_not_dict." + encoding, legacy=legacy)
        save({"w": torch.ones(2), "n": 1}, "bad_not_tensor." + encoding, legacy=legacy)
    write_legacy_raw(d + "bad_os_system.legacy.pth", os_system_pickle())
    write_zip_raw(d + "bad_os_system.zip.pth", os_system_pickle())

    for sub in ("seeds/pth", "seeds/pickle"):
        os.makedirs(d + sub, exist_ok=True)
    for name in sorted(os.listdir(OUT)):
        if not name.endswith(".pth") or os.path.getsize(d + name) > 64 * 1024:
            continue
        shutil.copy(d + name, d + "seeds/pth/" + name)
        if zipfile.is_zipfile(d + name):
            with zipfile.ZipFile(d + name) as z:
                pkl = [n for n in z.namelist() if n.endswith("/data.pkl")][0]
                open(d + "seeds/pickle/" + name[:-4] + ".pkl", "wb").write(z.read(pkl))
    with open(d + "COMPLETE", "w") as f:
        f.write("ok\n")


if __name__ == "__main__":
    main()
