# source: hadolint DL3008Spec
# expect-not: DF-027
FROM debian:12
RUN apt-get update \
 && apt-get -yqq --no-install-recommends install nodejs=0.10 \
 && rm -rf /var/lib/apt/lists/*
