# source: hadolint DL3013Spec
# expect-not: DF-028
FROM python:3.12-slim
RUN pip install --index-url https://eg.com/foo --extra-index-url https://ex-eg.io/foo foobar==1.0.0
