"""Errors a user can fix, reported as one line naming the setting, never as a traceback."""

from __future__ import annotations


class ConfigError(Exception):
    """A setting is missing or wrong, or the vendor refused a credential."""

    def __init__(self, setting: str, problem: str, fix: str = "") -> None:
        self.setting, self.problem, self.fix = setting, problem, fix
        super().__init__(f"{setting}: {problem}" + (f"; {fix}" if fix else ""))


def env_var(plugin: str, setting: str) -> str:
    """The environment variable Meltano reads a plugin's setting from."""
    return f"{plugin}_{setting}".upper().replace("-", "_")


def required_fix(plugin: str, setting: str) -> str:
    return (
        f"set {env_var(plugin, setting)} or run `meltano config {plugin} set {setting} <value>` "
        "(outside Meltano: put it in the --config file)"
    )
