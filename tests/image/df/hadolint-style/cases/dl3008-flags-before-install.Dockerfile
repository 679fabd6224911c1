# source: hadolint DL3008Spec
# expect-not: DF-027
FROM debian:12
RUN apt-get -y --no-install-recommends install nodejs=0.10
