# source: hadolint DL3064Spec
# expect: DF-014
FROM debian:bullseye
ENV my_password=abcdefghijklmnopqrstuvwxyz
RUN foobar
