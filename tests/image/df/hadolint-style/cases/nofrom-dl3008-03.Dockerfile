# source: hadolint DL3008Spec (the spec's snippet as is, without a FROM line)
# expect: DF-027
RUN apt-get update && apt-get install python
