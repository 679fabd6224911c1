# source: hadolint DL3064Spec (onBuildRuleCatches)
# expect: DF-014
FROM debian:bullseye
ONBUILD ENV my_password=abcdefghijklmnopqrstuvwxyz
