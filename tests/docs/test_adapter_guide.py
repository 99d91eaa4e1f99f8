"""docs/writing-an-adapter.md lists every method of the storage Protocols, found by
introspection from ``Storage`` down, so a Protocol that grows or loses a method fails here."""

from __future__ import annotations

import re
import typing
from pathlib import Path

from commerce_core.app.ports import Storage
from commerce_core.testing.contracts import StorageContract

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "writing-an-adapter.md").read_text(encoding="utf-8")
KEPT_DUNDERS = frozenset({"__enter__", "__exit__"})


def _is_protocol(obj: object) -> bool:
    return (
        isinstance(obj, type)
        and obj is not typing.Protocol
        and bool(getattr(obj, "_is_protocol", False))
    )


def _members(protocol: type) -> dict[str, object]:
    """The methods and properties a Protocol declares, its Protocol bases' included."""
    found: dict[str, object] = {}
    for klass in protocol.__mro__:
        if not _is_protocol(klass):
            continue
        for name, value in vars(klass).items():
            if name.startswith("_") and name not in KEPT_DUNDERS:
                continue
            if callable(value) or isinstance(value, property):
                found.setdefault(name, value)
    return found


def storage_protocol_methods() -> set[str]:
    """``Protocol.member`` for Storage and every Protocol its members return."""
    out: set[str] = set()
    seen: set[type] = set()
    todo: list[type] = [Storage]
    while todo:
        protocol = todo.pop()
        if protocol in seen:
            continue
        seen.add(protocol)
        for name, value in _members(protocol).items():
            out.add(f"{protocol.__name__}.{name}")
            function = value.fget if isinstance(value, property) else value
            returned = typing.get_type_hints(function).get("return")
            if _is_protocol(returned):
                assert isinstance(returned, type)
                todo.append(returned)
    return out


def documented_methods(protocols: set[str]) -> set[str]:
    section = GUIDE.split("## 1. The protocols", 1)[1].split("\n## ", 1)[0]
    return {
        f"{owner}.{name}"
        for owner, name in re.findall(r"`([A-Z]\w*)\.(\w+)", section)
        if owner in protocols
    }


def test_the_guide_lists_every_storage_protocol_method_and_no_other() -> None:
    actual = storage_protocol_methods()
    protocols = {name.split(".")[0] for name in actual}
    documented = documented_methods(protocols)
    assert {"IdempotencyStore.set_result", "TimerStore.count_pending"} <= actual
    assert sorted(actual - documented) == [], "methods missing from writing-an-adapter.md"
    assert sorted(documented - actual) == [], "methods in writing-an-adapter.md that do not exist"


def test_the_guide_names_only_capability_flags_the_suite_knows() -> None:
    named = set(re.findall(r"\bsupports_\w+", GUIDE))
    assert named
    assert named <= StorageContract.CAPABILITIES
