# source: hadolint DL3016Spec (the spec's snippet as is, without a FROM line)
# expect: DF-028
RUN npm install express
