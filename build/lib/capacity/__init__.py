"""Capacity planning: DAU to RPS, VUser and target TPS, and the stair a stress run climbs.

``capacity.stairs_for`` and ``capacity.constant_for`` are loaded on first use, so
``import capacity.formulas`` stays free of YAML and everything else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from capacity.shapes import constant_for, stairs_for

__all__ = ["constant_for", "stairs_for"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from capacity import shapes

        return getattr(shapes, name)
    raise AttributeError(f"module 'capacity' has no attribute {name!r}")
