# source: hadolint DL3064Spec
# expect-not: DF-014 DF-015
FROM debian:bullseye
ENV foobar=barfoo
RUN foobar
