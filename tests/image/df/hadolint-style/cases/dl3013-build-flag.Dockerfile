# source: hadolint DL3013Spec
# expect-not: DF-028
FROM python:3.12-slim
RUN pip3 install --build /opt/yamllint yamllint==1.20.0
