# source: hadolint DL3009Spec
# expect: DF-020
FROM ubuntu:24.04 AS foo
RUN apt-get update && apt-get install -y python=2.7
FROM foo
RUN echo hey
