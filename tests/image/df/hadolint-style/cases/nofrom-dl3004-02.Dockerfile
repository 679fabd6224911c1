# source: hadolint DL3004Spec (the spec's snippet as is, without a FROM line)
# expect: DF-016
RUN apt-get update && sudo apt-get install
