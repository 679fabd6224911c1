FROM python:3.12-alpine
ENV PIP_NO_CACHE_DIR=1
RUN pip3 install requests
USER 10001
