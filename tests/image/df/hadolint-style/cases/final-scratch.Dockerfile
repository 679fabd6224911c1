# source: hadolint DL3026Spec / issue 4: base image minimal
# expect-not: DF-001 DF-022
FROM scratch
COPY app /app
USER 65532
