# source: hadolint DL3004Spec (the spec's snippet as is, without a FROM line)
# expect-not: DF-016
RUN apt-get install sudo
