#!/usr/bin/env python3
"""Decrypt a cosign encrypted private key without bulkhead and without libsodium.

An independent check that `bulkhead keygen` writes what cosign reads: scrypt from Python's
hashlib (OpenSSL), XSalsa20-Poly1305 (NaCl secretbox) written out here from its specification.
Prints the PKCS#8 DER of the key to stdout; exits 1 when the authenticator does not match.
Usage: cosign_key_open.py KEYFILE PASSWORD > key.der
"""
import base64
import hashlib
import hmac
import json
import struct
import sys


def rotl(v, c):
    return ((v << c) & 0xffffffff) | (v >> (32 - c))


def salsa_rounds(x):
    def qr(a, b, c, d):
        x[b] ^= rotl((x[a] + x[d]) & 0xffffffff, 7)
        x[c] ^= rotl((x[b] + x[a]) & 0xffffffff, 9)
        x[d] ^= rotl((x[c] + x[b]) & 0xffffffff, 13)
        x[a] ^= rotl((x[d] + x[c]) & 0xffffffff, 18)
    for _ in range(10):
        qr(0, 4, 8, 12); qr(5, 9, 13, 1); qr(10, 14, 2, 6); qr(15, 3, 7, 11)
        qr(0, 1, 2, 3); qr(5, 6, 7, 4); qr(10, 11, 8, 9); qr(15, 12, 13, 14)


SIGMA = struct.unpack("<4I", b"expand 32-byte k")


def initial(key, n16):
    k = struct.unpack("<8I", key)
    n = struct.unpack("<4I", n16)
    return [SIGMA[0], k[0], k[1], k[2], k[3], SIGMA[1], n[0], n[1],
            n[2], n[3], SIGMA[2], k[4], k[5], k[6], k[7], SIGMA[3]]


def hsalsa20(key, n16):
    x = initial(key, n16)
    salsa_rounds(x)
    return struct.pack("<8I", *[x[i] for i in (0, 5, 10, 15, 6, 7, 8, 9)])


def salsa20_stream(key, n8, length):
    out = b""
    counter = 0
    while len(out) < length:
        x0 = initial(key, n8 + struct.pack("<Q", counter))
        x = list(x0)
        salsa_rounds(x)
        out += struct.pack("<16I", *[(a + b) & 0xffffffff for a, b in zip(x, x0)])
        counter += 1
    return out[:length]


def poly1305(key, msg):
    r = int.from_bytes(key[:16], "little") & 0x0ffffffc0ffffffc0ffffffc0fffffff
    s = int.from_bytes(key[16:], "little")
    p = (1 << 130) - 5
    acc = 0
    for i in range(0, len(msg), 16):
        block = msg[i:i + 16] + b"\x01"
        acc = (acc + int.from_bytes(block, "little")) * r % p
    return ((acc + s) & ((1 << 128) - 1)).to_bytes(16, "little")


def main():
    pem = open(sys.argv[1]).read().split("\n")
    body = "".join(l for l in pem if l and not l.startswith("-----"))
    doc = json.loads(base64.b64decode(body))
    params = doc["kdf"]["params"]
    key = hashlib.scrypt(sys.argv[2].encode(), salt=base64.b64decode(doc["kdf"]["salt"]),
                         n=params["N"], r=params["r"], p=params["p"], dklen=32,
                         maxmem=1 << 30)
    nonce = base64.b64decode(doc["cipher"]["nonce"])
    box = base64.b64decode(doc["ciphertext"])
    tag, enc = box[:16], box[16:]
    stream = salsa20_stream(hsalsa20(key, nonce[:16]), nonce[16:], 32 + len(enc))
    if not hmac.compare_digest(poly1305(stream[:32], enc), tag):
        print("authenticator mismatch (wrong password?)", file=sys.stderr)
        sys.exit(1)
    sys.stdout.buffer.write(bytes(a ^ b for a, b in zip(enc, stream[32:])))


main()
