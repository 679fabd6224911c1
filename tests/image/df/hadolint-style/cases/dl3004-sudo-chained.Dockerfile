# source: hadolint DL3004Spec
# expect: DF-016
FROM debian:12
RUN apt-get update && sudo apt-get install
