"""Declarative user journeys: requests with templates, checks and captures, and their runner.

``load.parse_journey`` validates a scenario's steps; ``runner`` walks them through any HTTP
client (Locust's in ``locust_client``, a blocking one in ``blocking`` for the warm-up).
"""
