# source: hadolint DL3016Spec
# expect-not: DF-028
FROM node:20-alpine
RUN npm install git+https://isaacs@github.com/npm/npm.git#v1.0.27
