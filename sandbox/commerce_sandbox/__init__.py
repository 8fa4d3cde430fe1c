"""commerce-sandbox: local, deterministic simulations of the vendor APIs the taps read, with a
simulated clock, exact ground truth, request counters and fault injection."""

from commerce_sandbox.control import SandboxControl
from commerce_sandbox.server import SandboxServer

__all__ = ["SandboxControl", "SandboxServer"]
