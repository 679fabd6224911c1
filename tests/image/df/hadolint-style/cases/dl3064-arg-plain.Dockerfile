# source: hadolint DL3064Spec
# expect-not: DF-014 DF-015
ARG foobar
FROM debian:bullseye
RUN foobar
