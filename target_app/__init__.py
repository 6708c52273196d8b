"""The embedded target service: a small travel planner (trips, plans, days by distance).

Run it with ``python -m target_app``; docs/target-api.md is its HTTP contract.
"""
