"""Declarative user journeys: requests with templates, checks and captures, and their runner.

``stairload.journeys.load.parse_journey`` validates a scenario's steps; ``stairload.journeys.runner`` walks
them through any HTTP client (Locust's in ``stairload.journeys.locust_client``, a blocking one in
``stairload.journeys.blocking`` for the warm-up).
"""
