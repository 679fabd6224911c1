# source: hadolint DL3004Spec (onBuildRuleCatches)
# expect: DF-016
FROM debian:12
ONBUILD RUN sudo apt-get update
