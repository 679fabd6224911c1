# source: hadolint DL3020Spec (the spec's snippet as is, without a FROM line)
# expect-not: DF-012
ADD http://file.com /usr/src/app/
