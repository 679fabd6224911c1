# source: hadolint DL3002Spec
# expect-not: DF-005 DF-007
FROM debian:12
USER root
RUN apt-get update
USER foo
