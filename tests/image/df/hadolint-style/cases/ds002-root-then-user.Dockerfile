# source: Trivy DS-0002 root_user_test.rego
# expect-not: DF-004 DF-005 DF-007
FROM alpine:3.13
USER root
USER user1
