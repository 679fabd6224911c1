# source: hadolint DL3009Spec
# expect: DF-020
FROM debian:12
RUN apt-get update && apt-get install -y python=2.7
