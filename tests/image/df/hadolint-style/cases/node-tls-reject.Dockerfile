# source: Checkov CKV2_DOCKER_* (TLS verification)
# expect: DF-023
FROM node:20-alpine
ENV NODE_TLS_REJECT_UNAUTHORIZED=0
