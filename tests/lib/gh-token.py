#!/usr/bin/env python3
"""A GitHub-format token for tests: gh-token.py PREFIX SEED prints PREFIX_ + 30 base62
characters drawn from SEED + their CRC32 in 6 base62 digits, the checksum GitHub's token
format carries. Deterministic, and never a real credential."""
import random
import sys
import zlib

B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
rnd = random.Random(int(sys.argv[2]))
body = "".join(rnd.choice(B62) for _ in range(30))
crc = zlib.crc32(body.encode())
digits = ""
for _ in range(6):
    digits = B62[crc % 62] + digits
    crc //= 62
print(sys.argv[1] + "_" + body + digits)
