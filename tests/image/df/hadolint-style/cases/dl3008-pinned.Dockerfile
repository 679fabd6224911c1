# source: hadolint DL3008Spec
# expect-not: DF-027
FROM debian:12
RUN apt-get install -y python=2.7
