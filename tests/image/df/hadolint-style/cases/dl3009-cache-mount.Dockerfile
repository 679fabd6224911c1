# source: hadolint DL3009Spec
# expect-not: DF-020
FROM debian:12
RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y python=2.7
