"""The test kit, shipped to users: contract suites, strategies, a frozen clock, sequential ids.

Needs the ``testing`` extra (hypothesis and pytest); the rest of the package does not.
"""

from commerce_core.testing.clock import FrozenClock
from commerce_core.testing.ids import SequentialIds

__all__ = ["FrozenClock", "SequentialIds"]
