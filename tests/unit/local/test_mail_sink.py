"""The mail sink of the local stack: its service spec, the settings pointing notify at it, and the
handler writing each message as a whole file."""

import asyncio
from email.parser import BytesParser
from email.policy import default
from pathlib import Path
from types import SimpleNamespace

import pytest

from iotsphere.local import infra_services
from iotsphere.local.config import StackConfig
from iotsphere.local.errors import BinaryMissingError
from iotsphere.local.mail_sink import RCPT_HEADER, MailFolderHandler, write_message
from iotsphere.local.stack import Stack

ROOT = Path(__file__).resolve().parents[3]


def test_the_stack_runs_a_mail_sink_on_its_port_writing_under_its_home(tmp_path: Path):
    stack = Stack.from_file(ROOT / "samplelocal.yml", tmp_path / "home")
    spec = stack.specs["mail"]
    assert spec.ports == {"port": 11025}
    assert spec.url == "smtp://127.0.0.1:11025"
    command = spec.command()
    assert command[1:3] == ["-m", "iotsphere.local.mail_sink"]
    assert command[3:] == ["--port", "11025", "--folder", str(stack.home.root / "mail")]
    assert spec.ready is not None


def test_the_test_stack_has_its_own_mail_port(tmp_path: Path):
    stack = Stack.from_file(ROOT / "tests" / "stack.yml", tmp_path / "home")
    assert stack.specs["mail"].ports == {"port": 21025}
    assert stack.settings.smtp_port == 21025


def test_notify_sends_to_the_mail_sink_of_its_stack():
    config = StackConfig.model_validate({"services": {"mail": {"port": 12525}}})
    settings = config.settings()
    assert (settings.smtp_host, settings.smtp_port) == ("127.0.0.1", 12525)
    assert not settings.smtp_starttls


def test_a_message_is_one_file_with_its_recipients_and_no_leftovers(tmp_path: Path):
    path = write_message(tmp_path, ["a@example.com", "b@example.com"], b"Subject: hi\r\n\r\nbody")
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    assert path.suffix == ".eml"
    mail = BytesParser(policy=default).parsebytes(path.read_bytes())
    assert mail[RCPT_HEADER] == "a@example.com, b@example.com"
    assert mail["Subject"] == "hi"
    assert mail.get_content().strip() == "body"


def test_files_sort_in_arrival_order(tmp_path: Path):
    first = write_message(tmp_path, ["x@example.com"], b"Subject: 1\r\n\r\n")
    second = write_message(tmp_path, ["x@example.com"], b"Subject: 2\r\n\r\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == [first.name, second.name]


def test_the_handler_accepts_and_stores_the_original_content(tmp_path: Path):
    envelope = SimpleNamespace(
        rcpt_tos=["ops@example.com"],
        original_content=b"Subject: raw\r\n\r\nbody",
        content=b"Subject: changed\r\n\r\nbody",
    )
    answer = asyncio.run(MailFolderHandler(tmp_path).handle_DATA(None, None, envelope))
    assert answer.startswith("250")
    (stored,) = tmp_path.glob("*.eml")
    assert b"Subject: raw" in stored.read_bytes()


def test_without_aiosmtpd_the_mail_sink_says_how_to_set_it_up(tmp_path: Path, monkeypatch):
    stack = Stack.from_file(ROOT / "samplelocal.yml", tmp_path / "home")
    monkeypatch.setattr(infra_services, "module_installed", lambda name: name != "aiosmtpd")
    with pytest.raises(BinaryMissingError, match=r"aiosmtpd is not installed: run `bash infra/"):
        stack.specs["mail"].command()
