# source: hadolint DL3002Spec (warns on multiple stages)
# expect: DF-005
FROM debian:12 AS base
USER root
RUN make
FROM scratch
USER foo
RUN something else
