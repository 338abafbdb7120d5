"""The one error type the command line turns into a one-line message and exit code 2."""

from __future__ import annotations

__all__ = ["CxsimError", "ScenarioError", "OutputError", "excerpt"]


class CxsimError(ValueError):
    """Bad input or an unsafe request; the message is one line naming where and what."""


class ScenarioError(CxsimError):
    """Invalid scenario or experiment input; the message names the file, key path, expectation."""


class OutputError(CxsimError):
    """An output location cxsim may not or cannot write; nothing was written."""


def excerpt(value: object, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters, so a message never echoes a whole input."""
    text = repr(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text.replace("\n", "\\n")
