# source: hadolint DL3042Spec
# expect-not: DF-019
FROM python:3.12-slim
RUN pip install --no-cache-dir MySQL_python==1.2.2
