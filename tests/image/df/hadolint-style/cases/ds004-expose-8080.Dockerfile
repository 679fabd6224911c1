# source: Trivy DS004 test
# expect-not: DF-017
FROM alpine:3.20
EXPOSE 8080
