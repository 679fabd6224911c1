# source: Trivy DS001 test
# expect: DF-003
FROM debian:latest
USER 1000
