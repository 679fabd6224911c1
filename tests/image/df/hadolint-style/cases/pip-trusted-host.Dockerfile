# source: Checkov CKV2_DOCKER_* (TLS verification)
# expect: DF-023
FROM python:3.12-slim
RUN pip install --no-cache-dir --trusted-host pypi.example flask==1.0
