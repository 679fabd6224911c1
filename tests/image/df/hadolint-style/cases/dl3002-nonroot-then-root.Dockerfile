# source: hadolint DL3002Spec
# expect: DF-005 DF-007
FROM debian:12
USER foo
RUN id
USER root
