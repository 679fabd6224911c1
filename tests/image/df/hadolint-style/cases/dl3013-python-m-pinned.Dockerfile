# source: hadolint DL3013Spec
# expect-not: DF-028
FROM python:3.12-slim
RUN python -m pip install example==1.2.2
