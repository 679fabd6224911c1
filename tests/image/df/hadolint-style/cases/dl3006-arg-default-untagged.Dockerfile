# source: hadolint DL3006 / issue 4 (substitution in FROM)
# expect: DF-003
ARG BASE=debian
FROM ${BASE}
