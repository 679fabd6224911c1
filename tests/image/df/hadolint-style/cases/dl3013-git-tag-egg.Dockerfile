# source: hadolint DL3013Spec
# expect-not: DF-028
FROM python:3.12-slim
RUN pip install git+https://github.com/rtfd/r-ext.git@0.6-alpha#egg=r-ext
