# source: Trivy DS026 test
# expect: DF-021
FROM alpine:3.20
USER 1000
CMD ["/app"]
