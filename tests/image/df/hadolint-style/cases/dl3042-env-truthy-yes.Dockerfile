# source: hadolint DL3042Spec
# expect-not: DF-019
FROM python:3.12-slim
ENV PIP_NO_CACHE_DIR=yes
RUN pip install MySQL_python==1.2.2
