# One image for the Locust master and its workers (see docker-compose.yml).
# Not exercised in CI: the build machine runs no Docker engine.
FROM python:3.11-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir .
# locust -f locustfiles/stress.py reads scenarios.yaml from /app (the working directory).
ENTRYPOINT ["locust"]
