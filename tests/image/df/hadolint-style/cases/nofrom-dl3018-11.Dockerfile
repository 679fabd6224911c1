# source: hadolint DL3018Spec (the spec's snippet as is, without a FROM line)
# expect: DF-027
RUN apk add flex
