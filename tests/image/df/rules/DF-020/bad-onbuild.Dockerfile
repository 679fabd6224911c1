FROM ubuntu:24.04 AS foo
ONBUILD RUN apt-get update && apt-get install -y python3
FROM scratch
USER 1
