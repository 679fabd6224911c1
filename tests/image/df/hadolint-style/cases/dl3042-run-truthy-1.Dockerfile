# source: hadolint DL3042Spec
# expect-not: DF-019
FROM python:3.12-slim
RUN PIP_NO_CACHE_DIR=1 pip install MySQL_python==1.2.2
