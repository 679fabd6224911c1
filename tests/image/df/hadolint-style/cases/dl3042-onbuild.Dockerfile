# source: hadolint DL3042Spec (onBuildRuleCatches)
# expect: DF-019
FROM python:3.12-slim
ONBUILD RUN pip3 install MySQL_python==1.2.2
