# source: Trivy DS002 test: USER set
# expect-not: DF-004 DF-005
FROM alpine:3.20
USER 1001
