# source: hadolint DL3013Spec
# expect-not: DF-028
FROM python:3.12-slim
RUN pip install 'alabaster<0.7'
