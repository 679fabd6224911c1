# source: hadolint DL3009Spec
# expect: DF-020
FROM ubuntu:24.04 AS foo
RUN echo hey
FROM scratch
RUN apt-get update && apt-get install -y python=2.7
