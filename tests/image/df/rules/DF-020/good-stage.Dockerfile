FROM ubuntu:24.04 AS foo
RUN apt-get update && apt-get install -y python3
FROM scratch
RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update
USER 1
