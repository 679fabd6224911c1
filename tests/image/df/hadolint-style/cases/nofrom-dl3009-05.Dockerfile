# source: hadolint DL3009Spec (the spec's snippet as is, without a FROM line)
# expect: DF-020
RUN apt-get update && apt-get install python
