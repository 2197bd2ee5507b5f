#!/usr/bin/env python3
"""A real pre-labeling model for LabelLedger: scikit-learn's LogisticRegression trained on
scikit-learn's bundled handwritten digits (8x8, 0-16), applied to PNG images of digits.

Contract (Sources/AutoLabeling/PRELABEL.md):
    digits_sklearn.py INPUT_MANIFEST OUTPUT_MANIFEST
INPUT: JSON lines {"id", "source", "usage"}. OUTPUT: JSON lines
{"id", "source", "annotation": [{"type": "modelarts/image_classification", "name", "confidence"}]}
with the top three classes. Unreadable images are left out (and named on stderr).

Images are read with a small PNG decoder (8-bit, non-interlaced grey/RGB/RGBA; no Pillow needed),
turned to grey, averaged down to 8x8 and mapped to the 0-16 ink scale of the training data
(dark ink on light paper, as LabelLedger's digits images are).
"""
import json
import struct
import sys
import zlib

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression


def read_png(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace:
        raise ValueError("only 8-bit non-interlaced grey/RGB(A) PNGs are supported")
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous, offset = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[offset], bytearray(raw[offset + 1:offset + 1 + stride])
        offset += 1 + stride
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = previous[i]
            c = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        previous = line
    pixels = np.array(rows, dtype=np.float64).reshape(height, width, channels)
    if channels in (2, 4):
        alpha = pixels[:, :, -1:] / 255.0
        pixels = pixels[:, :, :-1] * alpha + 255.0 * (1 - alpha)
    grey = pixels.mean(axis=2) if pixels.shape[2] == 3 else pixels[:, :, 0]
    return grey


def to_digit_features(grey):
    h, w = grey.shape
    ys = (np.arange(h) * 8 // h)
    xs = (np.arange(w) * 8 // w)
    out = np.zeros((8, 8))
    counts = np.zeros((8, 8))
    for y in range(h):
        for x in range(w):
            out[ys[y], xs[x]] += grey[y, x]
            counts[ys[y], xs[x]] += 1
    out /= np.maximum(counts, 1)
    return ((255.0 - out) * 16.0 / 255.0).reshape(-1)


def main():
    if len(sys.argv) != 3:
        print("usage: digits_sklearn.py INPUT_MANIFEST OUTPUT_MANIFEST", file=sys.stderr)
        return 2
    digits = load_digits()
    model = LogisticRegression(max_iter=2000, C=0.1).fit(digits.data, digits.target)
    samples = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
    rows, kept = [], []
    for sample in samples:
        try:
            rows.append(to_digit_features(read_png(sample["source"])))
            kept.append(sample)
        except Exception as error:  # an unreadable image is left out, the others are predicted
            print(f"skipping {sample['id']}: {error}", file=sys.stderr)
    with open(sys.argv[2], "w") as out:
        if rows:
            probabilities = model.predict_proba(np.array(rows))
            for sample, p in zip(kept, probabilities):
                top = np.argsort(-p)[:3]
                annotation = [{"type": "modelarts/image_classification", "name": str(model.classes_[k]),
                               "confidence": round(float(p[k]), 6)} for k in top]
                out.write(json.dumps({"id": sample["id"], "source": sample["source"], "annotation": annotation}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
