FROM python:3.12-alpine
ENV PIP_NO_CACHE_DIR=off
RUN pip install six
USER 1
