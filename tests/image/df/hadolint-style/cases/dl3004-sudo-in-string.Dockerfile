# source: hadolint DL3004Spec
# expect-not: DF-016
FROM debian:12
RUN echo 'use sudo'
