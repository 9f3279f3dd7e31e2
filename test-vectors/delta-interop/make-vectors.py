#!/usr/bin/env python3
"""Regenerates the delta-interop vectors: two synthetic firmware-like images and patches made by the real tools.

Run from this directory: python3 make-vectors.py  (needs bsdiff, xdelta3, bzip2 on PATH; Debian packages
bsdiff, xdelta3, bzip2). The images are deterministic; the tools are too, so a rerun with the same tool versions
reproduces the files byte for byte.
"""
import json, os, shutil, subprocess

def lcg(seed):
    x = seed
    while True:
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        yield x >> 16

def image(seed, version):
    r = lcg(seed)
    out = bytearray(b"RTKFW\x00\x01" + bytes([version]) + b"\x00" * 24)          # header
    code = bytes(next(r) & 0xFF for _ in range(9000))                            # "code": incompressible
    out += code
    for i in range(300):                                                         # string table
        out += b"rotkit: module %03d ready (build %d)\x00" % (i, version if i % 37 == 0 else 1)
    out += bytes(next(r) % 7 for _ in range(2000))                               # low-entropy tables
    out += b"\xff" * (24576 - len(out))                                          # erased flash
    return bytes(out[:24576])

old = image(7, 1)
new = bytearray(image(7, 2))
new[100:108] = b"PATCHED!"                                                       # changed bytes in "code"
new[5000:5000] = b"inserted block " * 20                                         # insertion shifts the rest
del new[20000:20100]                                                             # deletion
new = bytes(new[:24576 + 200])

def write(name, data):
    with open(name, "wb") as f:
        f.write(data)

def run(*args, **kw):
    subprocess.run(args, check=True, **kw)

write("old.bin", old)
write("new.bin", new)
run("bsdiff", "old.bin", "new.bin", "new.bsdiff")
variants = {"new.xdelta3": [], "new-n.xdelta3": ["-n"], "new-A.xdelta3": ["-A"], "new-nA.xdelta3": ["-n", "-A"],
            "new-W16k.xdelta3": ["-W", "16384"], "new-lzma.xdelta3": ["-S", "lzma"]}
for name, flags in variants.items():
    secondary = [] if "-S" in flags else ["-S", "none"]
    run("xdelta3", "-e", "-f", *secondary, *flags, "-s", "old.bin", "new.bin", name)
with open("new.bin.bz2", "wb") as f:
    run("bzip2", "-9", "-c", "new.bin", stdout=f)

cases = [
    {"id": "bsdiff", "format": "bsdiff", "old": "old.bin", "patch": "new.bsdiff", "new": "new.bin", "expect": "valid"},
    *[{"id": n, "format": "vcdiff", "old": "old.bin", "patch": n, "new": "new.bin", "expect": "valid"}
      for n in variants if "lzma" not in n],
    {"id": "xdelta3-lzma-secondary", "format": "vcdiff", "old": "old.bin", "patch": "new-lzma.xdelta3",
     "expect": "invalid", "code": "DELTA_UNSUPPORTED"},
    {"id": "bzip2", "format": "bzip2", "patch": "new.bin.bz2", "new": "new.bin", "expect": "valid"},
]
if os.path.isdir("ath9k-htc-fw"):
    d = "ath9k-htc-fw/"
    run("bsdiff", d + "old.bin", d + "new.bin", d + "new.bsdiff")
    run("xdelta3", "-e", "-f", "-S", "none", "-s", d + "old.bin", d + "new.bin", d + "new.xdelta3")
    cases += [
        {"id": "ath9k-bsdiff", "format": "bsdiff", "old": d + "old.bin", "patch": d + "new.bsdiff",
         "new": d + "new.bin", "expect": "valid"},
        {"id": "ath9k-xdelta3", "format": "vcdiff", "old": d + "old.bin", "patch": d + "new.xdelta3",
         "new": d + "new.bin", "expect": "valid"},
    ]
with open("cases.json", "w") as f:
    json.dump(cases, f, indent=2)
    f.write("\n")
