"""The Locust glue every stairload run loads: users, the stair shape, per-second rows, health."""
