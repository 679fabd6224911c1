# source: hadolint DL3042Spec (the spec's snippet as is, without a FROM line)
# expect-not: DF-019
ENV PIP_NO_CACHE_DIR=1
RUN pip install MySQL_python
