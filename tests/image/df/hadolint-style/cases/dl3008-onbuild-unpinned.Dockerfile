# source: hadolint DL3008Spec (onBuildRuleCatches)
# expect: DF-027
FROM debian:12
ONBUILD RUN apt-get update && apt-get install python
