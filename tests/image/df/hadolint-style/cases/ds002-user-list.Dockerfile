# source: Trivy DS-0002 root_user_test.rego
# expect-not: DF-004 DF-005
FROM alpine:3.13
USER user1
