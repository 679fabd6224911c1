# source: hadolint DL3016Spec
# expect-not: DF-028
FROM node:20-alpine
RUN npm install --loglevel verbose sax@0.1.1
