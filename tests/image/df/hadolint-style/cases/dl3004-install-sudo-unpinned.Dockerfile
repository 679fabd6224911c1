# source: hadolint DL3004Spec (install sudo)
# expect-not: DF-016
FROM debian:12
RUN apt-get install sudo
