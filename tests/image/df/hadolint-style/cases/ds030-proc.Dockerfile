# source: Trivy DS-0030 prevent_sys_workdir_mounts_test.rego
# expect: DF-029
FROM alpine:3.5
RUN apk add --update py2-pip
WORKDIR /proc/self/fd/1
