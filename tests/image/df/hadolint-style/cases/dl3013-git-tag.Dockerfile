# source: hadolint DL3013Spec
# expect-not: DF-028
FROM python:3.12-slim
RUN pip install --no-cache-dir git+https://github.com/rtfd/read-the-docs.git@v1.0
