# source: Checkov CKV_DOCKER secrets / dockle CIS-DI-0010
# expect: DF-015
FROM alpine:3.20
ARG GH=ghp_Z3k8f9QpLm2Xv7Rt5Yw1Ns4Bc6Dh0Jq8Ka2E
