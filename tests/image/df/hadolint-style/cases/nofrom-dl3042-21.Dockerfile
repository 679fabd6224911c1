# source: hadolint DL3042Spec (the spec's snippet as is, without a FROM line)
# expect-not: DF-019
RUN pipx install software
