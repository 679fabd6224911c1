# source: hadolint DL3064Spec
# expect: DF-014
FROM debian:bullseye
ENV AWS_ACCESS_KEY_ID=abcdefghijklmnopqrstuvwxyz
RUN foobar
