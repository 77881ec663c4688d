"""Running a command the platform sent: at most once per command id, answered every time.

    command ─(seen before)──────────────▶ the stored answer again, nothing runs
        ├──(expired / unknown name)─────▶ rejected
        └──▶ delivered ─▶ handler ─▶ succeeded (its result) | rejected | failed (why)

``delivered`` is remembered before the handler runs, so a device that restarts mid-command
answers the redelivered command ``failed`` instead of running it a second time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from iotsphere.agent.errors import CommandRejectedError
from iotsphere.agent.memory import AgentState
from iotsphere.domain.devices.messages import CommandMessage, CommandResultMessage

CommandHandler = Callable[[dict[str, Any]], dict[str, Any] | None]
INTERRUPTED = "the device restarted while running it"


def _result(command_id: str, status: str, detail: str = "", **extra: Any) -> CommandResultMessage:
    return CommandResultMessage.model_validate(
        {"command_id": command_id, "status": status, "detail": detail[:500], **extra}
    )


def answer_again(message: CommandMessage, state: AgentState) -> CommandResultMessage | None:
    """The stored answer of a command seen before (``failed`` if it never finished)."""
    stored = state.results.get(message.command_id)
    if stored is None or stored.status != "delivered":
        return stored
    return _result(message.command_id, "failed", INTERRUPTED)


def refusal(
    message: CommandMessage, handlers: Mapping[str, CommandHandler], now: datetime
) -> CommandResultMessage | None:
    if now >= message.expires_at:
        return _result(message.command_id, "rejected", f"expired at {message.expires_at}")
    if message.name not in handlers:
        return _result(message.command_id, "rejected", f"unknown command {message.name!r}")
    return None


def delivered(message: CommandMessage) -> CommandResultMessage:
    return _result(message.command_id, "delivered")


def run_handler(message: CommandMessage, handler: CommandHandler) -> CommandResultMessage:
    try:
        output = handler(dict(message.parameters))
        return _result(message.command_id, "succeeded", result=output)
    except CommandRejectedError as exc:
        return _result(message.command_id, "rejected", str(exc))
    except ValidationError as exc:
        return _result(
            message.command_id, "failed", f"unreportable result: {exc.errors()[0]['msg']}"
        )
    except Exception as exc:  # a handler's failure is the command's, never the agent's
        return _result(message.command_id, "failed", f"{type(exc).__name__}: {exc}")
