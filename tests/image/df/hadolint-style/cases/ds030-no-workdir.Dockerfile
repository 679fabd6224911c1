# source: Trivy DS-0030 prevent_sys_workdir_mounts_test.rego
# expect-not: DF-029
FROM alpine:3.3
RUN apk --no-cache add nginx
