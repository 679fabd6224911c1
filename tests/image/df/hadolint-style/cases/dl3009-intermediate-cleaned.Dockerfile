# source: hadolint DL3009Spec
# expect-not: DF-020
FROM ubuntu:24.04 AS foo
RUN apt-get update && apt-get install -y python=2.7 && rm -rf /var/lib/apt/lists/*
FROM foo
RUN echo hey
