"""Declarative user journeys: requests with templates, checks and captures, and their runner.

``journeys.load.parse_journey`` validates a scenario's steps; ``journeys.runner`` walks
them through any HTTP client (Locust's in ``journeys.locust_client``, a blocking one in
``journeys.blocking`` for the warm-up).
"""
