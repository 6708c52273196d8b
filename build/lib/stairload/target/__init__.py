"""The embedded target service: a small travel planner (trips, plans, days by distance).

Run it with ``stairload target``; docs/target-api.md is its HTTP contract.
"""
