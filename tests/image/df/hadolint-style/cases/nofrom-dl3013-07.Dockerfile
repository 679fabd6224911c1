# source: hadolint DL3013Spec (the spec's snippet as is, without a FROM line)
# expect: DF-028
RUN pip install MySQL_python
