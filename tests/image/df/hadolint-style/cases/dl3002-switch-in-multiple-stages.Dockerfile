# source: hadolint DL3002Spec (does not warn when switching in multiple stages)
# expect-not: DF-005 DF-007
FROM debian:12 AS base
USER root
RUN something
USER foo
FROM scratch
RUN something else
