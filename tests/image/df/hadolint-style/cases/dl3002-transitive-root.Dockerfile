# source: hadolint DL3002Spec (warns on transitive root user)
# expect: DF-005
FROM debian:12 AS base
USER root
RUN something
FROM base
RUN something else
