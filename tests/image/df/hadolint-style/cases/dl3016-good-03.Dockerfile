# source: hadolint DL3016Spec
# expect-not: DF-028
FROM node:20-alpine
RUN npm install --global express@"4.1.1"
