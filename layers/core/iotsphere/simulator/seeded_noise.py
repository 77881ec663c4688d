"""Random draws that are a pure function of a key: the same (seed, key) gives the same numbers in
every run and on every machine.

The simulator draws a device's sensor noise from its noise seed and the reading's millisecond.
Seeding a fresh ``random.Random`` per reading did that too, but costs ~20 µs (Mersenne Twister
initialization), more than the rest of a reading at fleet rates; a BLAKE2b digest of the key costs
~2 µs and gives eight 64-bit words.
"""

from __future__ import annotations

import hashlib
import math
import struct

_WORDS_PER_DIGEST = 8
_UNPACK = struct.Struct("<8Q").unpack
_TO_UNIT = 2.0**-64


def _words(seed: int, key: int, block: int) -> tuple[int, ...]:
    material = b"%d:%d:%d" % (seed, key, block)
    return _UNPACK(hashlib.blake2b(material, digest_size=64).digest())


def uniform(seed: int, key: int) -> float:
    """One draw in [0, 1)."""
    return _words(seed, key, -1)[0] * _TO_UNIT


def standard_normals(seed: int, key: int, count: int) -> list[float]:
    """``count`` independent draws of N(0, 1) (Box-Muller over pairs of uniforms)."""
    normals: list[float] = []
    block = 0
    while len(normals) < count:
        words = _words(seed, key, block)
        for index in range(0, _WORDS_PER_DIGEST, 2):
            u1 = (words[index] + 1) * _TO_UNIT  # (0, 1]: log never sees 0
            u2 = words[index + 1] * _TO_UNIT
            radius = math.sqrt(-2.0 * math.log(u1))
            normals.append(radius * math.cos(2.0 * math.pi * u2))
            normals.append(radius * math.sin(2.0 * math.pi * u2))
        block += 1
    return normals[:count]
