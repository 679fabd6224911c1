# source: hadolint DL3013Spec
# expect: DF-028
FROM python:3.12-slim
RUN python -m pip install example
