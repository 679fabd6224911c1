# source: Trivy DS-0002 root_user_test.rego
# expect: DF-004
FROM alpine:3.13
USER root
FROM alpine:3.14
COPY blah.zip /x
