# source: Trivy DS001 test
# expect-not: DF-003
FROM debian:12.5
USER 1000
