"""Errors a user can fix, reported as one line naming the setting, never as a traceback."""

from __future__ import annotations


class ConfigError(Exception):
    """A setting is missing or wrong, or the vendor refused a credential."""

    def __init__(self, setting: str, problem: str, fix: str = "") -> None:
        self.setting, self.problem, self.fix = setting, problem, fix
        super().__init__(f"{setting}: {problem}" + (f"; {fix}" if fix else ""))
