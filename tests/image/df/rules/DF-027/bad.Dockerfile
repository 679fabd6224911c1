FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates=20230311 curl \
 && rm -rf /var/lib/apt/lists/*
USER 1
