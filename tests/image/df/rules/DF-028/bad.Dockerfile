FROM python:3.12-alpine
RUN pip install --no-cache-dir flask gunicorn==22.0.0
USER 1
