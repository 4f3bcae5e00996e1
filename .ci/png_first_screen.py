#!/usr/bin/env python3
"""Exit 0 when a report's decision block (the section drawn on the
background #fffbe6, which nothing else on a page uses) lies whole on the
first screen of a 1280x900 screenshot: it starts on the screen, ends
before its bottom edge, and is tall enough to hold the verdict and the
options table."""
import sys

from pngread import decode

path = sys.argv[1]
width, height, bpp, rows = decode(path)
key = b"\xff\xfb\xe6"
inside = []
for y, line in enumerate(rows):
    n = sum(1 for x in range(0, width, 2) if bytes(line[x * bpp:x * bpp + 3]) == key)
    if n > width // 8:
        inside.append(y)
if not inside:
    print(f"{path}: no decision block on the first screen")
    sys.exit(1)
top, bottom = inside[0], inside[-1]
print(f"{path}: decision block from row {top} to {bottom} of {height}")
if bottom >= height - 3:
    print(f"{path}: the decision block runs past the first screen")
    sys.exit(1)
if bottom - top < 120:
    print(f"{path}: the decision block is only {bottom - top} px tall")
    sys.exit(1)
