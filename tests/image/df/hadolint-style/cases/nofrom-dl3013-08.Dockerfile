# source: hadolint DL3013Spec (the spec's snippet as is, without a FROM line)
# expect-not: DF-028
RUN pip install MySQL_python==1.2.2
