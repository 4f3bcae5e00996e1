#!/usr/bin/env python3
"""Exit 0 when a PNG screenshot is not blank: decodes its pixels (stdlib
only) and requires many distinct colours and a share of non-white pixels."""
import sys

from pngread import decode

path = sys.argv[1]
width, height, bpp, rows = decode(path)
colours, nonwhite = set(), 0
for y in range(0, height, 4):
    line = rows[y]
    for x in range(0, width, 4):
        px = bytes(line[x * bpp:x * bpp + 3])
        colours.add(px)
        if px != b"\xff\xff\xff":
            nonwhite += 1
sampled = (height // 4 + 1) * (width // 4 + 1)
share = nonwhite / max(sampled, 1)
print(f"{path}: {width}x{height}, {len(colours)} colours, {share:.1%} non-white")
sys.exit(0 if len(colours) > 50 and share > 0.05 else 1)
