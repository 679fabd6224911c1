# source: hadolint DL3026Spec / issue 4: base image minimal
# expect-not: DF-001 DF-022 DF-004
FROM gcr.io/distroless/static-debian12:nonroot
