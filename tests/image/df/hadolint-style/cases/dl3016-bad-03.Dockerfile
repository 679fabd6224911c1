# source: hadolint DL3016Spec
# expect: DF-028
FROM node:20-alpine
RUN npm install git+ssh://git@github.com:npm/npm.git
