# source: hadolint DL3009Spec (onBuildRuleCatches)
# expect: DF-020
FROM ubuntu:24.04
ONBUILD RUN apt-get update && apt-get install -y python=2.7
