FROM debian:12
USER root
RUN apt-get update && echo "no sudo here" && rm -rf /var/lib/apt/lists/*
USER 10001
