# One image for the master and its workers (docker-compose.yml, deploy/kubernetes/):
#   docker run stairload run scenario2 --host http://TARGET:8080 --master-bind-host 0.0.0.0 --expect-workers 4
#   docker run stairload worker --master MASTER:5557
# Not built in CI: the build machine runs no Docker engine.
FROM python:3.11-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir .
# stairload run reads scenarios.yaml from /app (the working directory) and writes runs/ there.
ENTRYPOINT ["stairload"]
