# source: hadolint DL3042Spec
# expect: DF-019
FROM python:3.12-slim AS base
ENV PIP_NO_CACHE_DIR=1
FROM python:3.12-slim
RUN pip install six==1.16.0
