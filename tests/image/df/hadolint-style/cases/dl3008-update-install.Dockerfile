# source: hadolint DL3008Spec
# expect: DF-027
FROM debian:12
RUN apt-get update && apt-get install python
