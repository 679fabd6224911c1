# source: hadolint DL3042Spec
# expect: DF-019
FROM python:3.12-slim
ENV PIP_NO_CACHE_DIR=0
RUN pip install MySQL_python==1.2.2
