"""Files that hold secrets (passwords, tokens, password hashes, a device's memory): written whole
and readable by their owner only, so a crash or a full disk leaves the previous file, never half of
a new one, and no other local user ever reads one.

It lives among the adapters, the lowest layer every writer of such a file may import (the device
agent, the simulator, the CLI, the local stack and the broker adapter)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_private_file(file: Path, text: str) -> None:
    """Replace ``file`` with ``text`` (UTF-8), mode 0600, creating its folder if needed.

    The text goes to a new file of a unique name beside it (``mkstemp`` creates it 0600, so no
    leftover of an earlier crash or a wider umask decides the mode), which then takes the place
    of ``file`` in one rename. On any error the new file is removed and the error raised."""
    file.parent.mkdir(parents=True, exist_ok=True)
    descriptor, partial = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(partial, file)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
