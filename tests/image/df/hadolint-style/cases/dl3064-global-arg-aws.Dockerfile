# source: hadolint DL3064Spec
# expect: DF-014
ARG AWS_ACCESS_KEY_ID
FROM debian:bullseye
RUN foobar
