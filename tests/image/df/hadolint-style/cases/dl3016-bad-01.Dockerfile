# source: hadolint DL3016Spec
# expect: DF-028
FROM node:20-alpine
RUN npm install express sax@0.1.1
