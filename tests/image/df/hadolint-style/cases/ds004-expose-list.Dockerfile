# source: Trivy DS004 test
# expect: DF-017
FROM alpine:3.20
EXPOSE 3000 80 443 22
