# source: hadolint DL3026Spec / issue 4: base image minimal
# expect: DF-022
# expect-not: DF-001
FROM python:3.12-slim
USER 1000
