"""Several accounts per vendor: each account a world of its own, opened by its own credentials.

The default account answers the demo credentials, as it always did. An account named `emea`
answers the same credentials with `.emea` appended (`sandbox-zuora-client.emea`), and every token
it issues ends with `.emea` too: so the server finds a request's account from what the request
carries (the credentials of a token request, the token of any other), whatever the vendor's
scheme, and hands the request to that account's world, with its own counters, faults and settings.

An account's world grows from a seed of its own (its content differs from its siblings'), while
its ids come from the same space as theirs: sequential ids coincide from the first record, and
Zuora's random ids are drawn from the server's seed in every named account. Ids collide across
accounts of one vendor on purpose: a pipeline that merges accounts by id shows it.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable

DEFAULT_ACCOUNT = "default"
ACCOUNT_NAME = re.compile(r"[a-z][a-z0-9-]{0,30}")


def check_account_name(name: str) -> str:
    if name == DEFAULT_ACCOUNT or not ACCOUNT_NAME.fullmatch(name):
        raise ValueError(
            f"account name {name!r}: use lower-case letters, digits and hyphens, starting with a "
            f"letter, not {DEFAULT_ACCOUNT!r}"
        )
    return name


def slot_name(prefix: str, account: str = DEFAULT_ACCOUNT) -> str:
    """How the control surface names a vendor's account: `zoho` (default), `zoho.eu`."""
    return prefix if account == DEFAULT_ACCOUNT else f"{prefix}.{account}"


def credential(value: str, account: str) -> str:
    """The default account's credential `value` as `account` spells it."""
    return value if account == DEFAULT_ACCOUNT else f"{value}.{account}"


def account_seed(seed: int, account: str) -> int:
    """The seed an account's world grows from (the default account's: the server's own)."""
    return seed if account == DEFAULT_ACCOUNT else zlib.crc32(f"{seed}.{account}".encode())


def account_of(carried: Iterable[str], accounts: Iterable[str]) -> str:
    """The account whose credential or token is among the values a request carries
    (`Request.carried`); the default one if none."""
    suffixes = {f".{account}": account for account in accounts}
    if suffixes:
        for value in carried:
            _, dot, tail = value.rpartition(".")
            if account := suffixes.get(dot + tail):
                return account
    return DEFAULT_ACCOUNT
