# source: hadolint DL3042Spec
# expect: DF-019
FROM python:3.12-slim
RUN pip2 install MySQL_python==1.2.2
