# source: hadolint DL3008Spec (the spec's snippet as is, without a FROM line)
# expect-not: DF-027
RUN apt-get install -y python=1.2.2
