# source: hadolint DL3018Spec (the spec's snippet as is, without a FROM line)
# expect-not: DF-027
RUN apk add flex=2.6.4-r1
