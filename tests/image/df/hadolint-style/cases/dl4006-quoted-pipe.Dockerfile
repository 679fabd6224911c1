# source: hadolint DL4006Spec
# expect-not: DF-025
FROM debian:12
RUN echo 'a | b' > /tmp/x
