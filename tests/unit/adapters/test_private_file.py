"""One way to keep a secret on disk: the whole new text or the old file, readable by its owner."""

import stat

import pytest

from iotsphere.adapters import private_file
from iotsphere.adapters.private_file import write_private_file


def mode_of(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_and_its_folders_are_made_readable_by_the_owner_only(tmp_path):
    target = tmp_path / "home" / "secrets.json"
    write_private_file(target, '{"a": 1}')
    assert target.read_text(encoding="utf-8") == '{"a": 1}'
    assert mode_of(target) == 0o600


def test_an_existing_file_is_replaced_whole_and_loses_wider_permissions(tmp_path):
    target = tmp_path / "session.json"
    target.write_text("old and longer than the new text", encoding="utf-8")
    target.chmod(0o644)
    before = target.stat().st_ino
    write_private_file(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert mode_of(target) == 0o600
    assert target.stat().st_ino != before  # a rename over it, not a rewrite in place
    assert [p.name for p in tmp_path.iterdir()] == ["session.json"]


def test_a_failed_write_leaves_the_old_file_and_no_partial_one(tmp_path, monkeypatch):
    target = tmp_path / "memory.json"
    write_private_file(target, "kept")

    def full_disk(source, destination):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(private_file.os, "replace", full_disk)
    with pytest.raises(OSError, match="No space left"):
        write_private_file(target, "lost")
    assert target.read_text(encoding="utf-8") == "kept"
    assert [p.name for p in tmp_path.iterdir()] == ["memory.json"]


def test_text_that_cannot_be_encoded_leaves_nothing_behind(tmp_path):
    target = tmp_path / "package.json"
    with pytest.raises(UnicodeEncodeError):
        write_private_file(target, "\ud800")  # a lone surrogate has no UTF-8 form
    assert list(tmp_path.iterdir()) == []
