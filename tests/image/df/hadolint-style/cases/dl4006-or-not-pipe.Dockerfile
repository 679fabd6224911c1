# source: hadolint DL4006Spec
# expect-not: DF-025
FROM debian:12
RUN test -f /x || touch /x
