# source: hadolint DL3013Spec
# expect-not: DF-028
FROM python:3.12-slim
RUN pip install MySQL_python==1.2.2 --disable-pip-version-check
