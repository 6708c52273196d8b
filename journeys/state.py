"""What one virtual user remembers while it walks a journey."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class JourneyState:
    """The seeded user's credentials and the ids the steps pass to each other."""

    username: str
    password: str
    rng: random.Random = field(default_factory=random.Random)
    token: str | None = None
    trip_id: int | None = None
    trip_days: int = 1
    plan_id: int | None = None
    day: int = 1

    @classmethod
    def for_user(cls, user_index: int, rng: random.Random | None = None) -> JourneyState:
        """The state of seeded user ``user_index`` (``user7`` / ``password7``)."""
        return cls(f"user{user_index}", f"password{user_index}", rng or random.Random())

    def restart(self) -> None:
        """Forget the ids of the last journey; keep credentials (a journey logs in again)."""
        self.token = None
        self.trip_id = None
        self.trip_days = 1
        self.plan_id = None
        self.day = 1
