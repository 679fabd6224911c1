# source: Trivy DS-0004 port22_test.rego
# expect-not: DF-017
FROM alpine:3.13
EXPOSE 8080
