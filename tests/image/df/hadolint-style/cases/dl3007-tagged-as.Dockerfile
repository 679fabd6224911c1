# source: hadolint DL3007Spec
# expect-not: DF-003
FROM debian:jessie AS builder
