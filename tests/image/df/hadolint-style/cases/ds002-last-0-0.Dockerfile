# source: Trivy DS-0002 root_user_test.rego
# expect: DF-005
FROM alpine:3.13
USER user1
USER 0:0
