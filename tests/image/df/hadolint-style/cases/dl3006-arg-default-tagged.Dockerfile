# source: hadolint DL3006 / issue 4 (substitution in FROM)
# expect-not: DF-003
ARG BASE=debian:12
FROM ${BASE}
