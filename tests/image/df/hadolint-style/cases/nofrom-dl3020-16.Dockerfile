# source: hadolint DL3020Spec (the spec's snippet as is, without a FROM line)
# expect: DF-012
ADD file.zip /usr/src/app/
