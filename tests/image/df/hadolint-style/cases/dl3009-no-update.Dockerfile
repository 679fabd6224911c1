# source: hadolint DL3009Spec
# expect-not: DF-020
FROM debian:12
RUN apt-get install -y python=2.7
